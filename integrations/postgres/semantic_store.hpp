#pragma once

#include "core/semantic_entry.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

/// The semantic tier's durable copy in PostgreSQL (table semantic_entries,
/// migration 3). Blocking (libpqxx): use it from the detached semantic
/// writer, at start-up, or from command-line tools, never from an
/// event-based actor.
namespace openhouse::postgres {

class connection;

class semantic_store {
 public:
  using time_point = std::chrono::system_clock::time_point;

  /// Connects lazily; a broken connection is reopened on the next call and
  /// reported as `postgres::unavailable` (store.hpp) meanwhile.
  semantic_store(std::string database_url, std::string market);
  ~semantic_store();
  semantic_store(const semantic_store&) = delete;
  semantic_store& operator=(const semantic_store&) = delete;

  /// Appends `entries` with one COPY in one transaction (all or nothing).
  /// Vectors are stored as little-endian float32 bytes: they load bit-exact.
  /// Throws `postgres::refused` (refused.hpp) when PostgreSQL refuses the
  /// data (a row no retry can store), `postgres::unavailable` when it cannot
  /// be reached, and libpqxx's own error for anything else.
  void insert(const std::vector<cache::semantic_entry>& entries);
  void insert(std::span<const cache::semantic_entry> entries);

  /// The market's entries not expired at `now`, oldest first (so that a
  /// newer answer for the same text replaces an older one on restore).
  std::vector<cache::semantic_entry> load_live(time_point now);

  /// Deletes the market's entries expired at `now`; returns how many.
  std::size_t delete_expired(time_point now);

  /// Deletes the market's entries whose partition starts with `prefix`
  /// ("" deletes them all); returns how many.
  std::size_t delete_partition_prefix(std::string_view prefix);

 private:
  void copy_in(std::span<const cache::semantic_entry> entries);

  std::unique_ptr<connection> db_;  ///< opened lazily, statements prepared
  std::string market_;
};

}  // namespace openhouse::postgres
