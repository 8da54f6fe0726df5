#include "integrations/postgres/semantic_store.hpp"

#include "integrations/postgres/connection.hpp"
#include "integrations/postgres/refused.hpp"
#include "integrations/postgres/store.hpp"

#include <pqxx/pqxx>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string_view>
#include <tuple>

namespace openhouse::postgres {

namespace {

static_assert(std::endian::native == std::endian::little,
              "vectors are stored as little-endian float32 bytes");
static_assert(sizeof(float) == 4);

using time_point = semantic_store::time_point;

std::int64_t to_micros(time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

time_point from_micros(std::int64_t us) {
  return time_point{
      std::chrono::duration_cast<time_point::duration>(std::chrono::microseconds{us})};
}

// COPY's text format and parameters take an ISO timestamp; written from
// epoch microseconds in UTC so that nothing depends on the session's zone.
std::string iso_utc(time_point t) {
  const auto us = to_micros(t);
  auto seconds = us / 1000000;
  auto fraction = us % 1000000;
  if (fraction < 0) {
    fraction += 1000000;
    --seconds;
  }
  const auto tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d:%02d.%06lld+00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(fraction));
  return out;
}

// bytea in its hex input form ("\x0a1b…").
std::string bytea_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

std::string bytea_hex(const std::vector<float>& vector) {
  return bytea_hex(std::string_view{reinterpret_cast<const char*>(vector.data()),
                                    vector.size() * sizeof(float)});
}

std::vector<float> floats_of(const pqxx::field& field) {
  const pqxx::binarystring bytes(field);
  if (bytes.size() % 4 != 0) throw std::runtime_error("semantic_entries.vector: not float32s");
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

}  // namespace

semantic_store::semantic_store(std::string database_url, std::string market)
    : db_(std::make_unique<connection>(std::move(database_url))), market_(std::move(market)) {}

semantic_store::~semantic_store() = default;

void semantic_store::insert(const std::vector<cache::semantic_entry>& entries) {
  insert(std::span<const cache::semantic_entry>{entries});
}

void semantic_store::insert(std::span<const cache::semantic_entry> entries) {
  if (entries.empty()) return;
  try {
    copy_in(entries);
  } catch (const pqxx::sql_error& e) {
    // Class 22 (data exception) and 23 (constraint): the rows themselves.
    // Anything else (a missing table, a cancelled statement, ...) is the
    // database's state and passes through as it is: retried later.
    const auto& state = e.sqlstate();
    if (state.starts_with("22") || state.starts_with("23")) throw refused(state);
    throw;
  }
}

void semantic_store::copy_in(std::span<const cache::semantic_entry> entries) {
  db_->transact([&](pqxx::work& txn) {
    pqxx::stream_to copy{
        txn, "semantic_entries",
        std::vector<std::string>{"entry_id", "market", "partition", "task", "text", "vector",
                                 "value", "source_sid", "created_at", "expires_at"}};
    for (const auto& e : entries) {
      copy << std::make_tuple(static_cast<std::int64_t>(e.id), market_, e.partition, e.task,
                              // The value is the cache's binary entry (NUL bytes and
                              // all): bytea, as text would refuse it.
                              e.text, bytea_hex(e.vector), bytea_hex(e.value), e.source_sid,
                              iso_utc(e.created_at), iso_utc(e.expires_at));
    }
    copy.complete();
  });
}

std::vector<cache::semantic_entry> semantic_store::load_live(time_point now) {
  return db_->transact([&](pqxx::work& txn) {
    std::vector<cache::semantic_entry> out;
    const auto rows = txn.exec_params(
        "SELECT entry_id, partition, task, text, vector, value, source_sid, "
        "(extract(epoch FROM created_at) * 1000000)::bigint, "
        "(extract(epoch FROM expires_at) * 1000000)::bigint "
        "FROM semantic_entries WHERE market = $1 AND expires_at > $2::timestamptz ORDER BY id",
        market_, iso_utc(now));
    out.reserve(rows.size());
    for (const auto& row : rows) {
      cache::semantic_entry e;
      e.id = static_cast<std::uint64_t>(row[0].as<std::int64_t>());
      e.partition = row[1].as<std::string>();
      e.task = row[2].as<std::string>();
      e.text = row[3].as<std::string>();
      e.vector = floats_of(row[4]);
      e.value = pqxx::binarystring(row[5]).str();
      e.source_sid = row[6].as<std::string>();
      e.created_at = from_micros(row[7].as<std::int64_t>());
      e.expires_at = from_micros(row[8].as<std::int64_t>());
      out.push_back(std::move(e));
    }
    return out;
  });
}

std::size_t semantic_store::delete_expired(time_point now) {
  return db_->transact([&](pqxx::work& txn) {
    return static_cast<std::size_t>(
        txn.exec_params("DELETE FROM semantic_entries WHERE market = $1 AND "
                        "expires_at <= $2::timestamptz",
                        market_, iso_utc(now))
            .affected_rows());
  });
}

std::size_t semantic_store::delete_partition_prefix(std::string_view prefix) {
  return db_->transact([&](pqxx::work& txn) {
    // left() instead of LIKE: partitions may contain '%' and '_'.
    return static_cast<std::size_t>(
        txn.exec_params("DELETE FROM semantic_entries WHERE market = $1 AND "
                        "left(partition, length($2)) = $2",
                        market_, std::string(prefix))
            .affected_rows());
  });
}

}  // namespace openhouse::postgres
