#include "integrations/postgres/orphan_store.hpp"

#include "integrations/postgres/connection.hpp"

#include <pqxx/pqxx>

namespace openhouse::postgres {

namespace {

constexpr const char* claim_sql = "orphan_claim";
constexpr const char* settle_sql = "orphan_settle";
constexpr const char* flag_sql = "orphan_flag";

void prepare_all(pqxx::connection& c) {
  // $1 market, $2 since, $3 settled before, $4 reclaim before, $5 now (ms),
  // $6 limit, $7 node. The lease test: a turn of the lead that still runs
  // (on any node) holds it, and answers or gives it back itself.
  c.prepare(claim_sql,
            "WITH cand AS (SELECT m.id FROM messages m JOIN contacts c ON c.id = m.contact_id "
            "WHERE c.market = $1 AND m.direction = 'inbound' AND m.orphan_outcome IS NULL "
            "AND m.created_at > to_timestamp($2::bigint / 1000.0) "
            "AND m.created_at <= to_timestamp($3::bigint / 1000.0) "
            "AND (m.orphan_claimed_at IS NULL "
            "OR m.orphan_claimed_at <= to_timestamp($4::bigint / 1000.0)) "
            "AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.in_reply_to = m.id "
            "AND o.direction = 'outbound') "
            "AND NOT EXISTS (SELECT 1 FROM lead_leases l WHERE l.market = c.market "
            "AND l.phone = c.phone AND l.until > to_timestamp($5::bigint / 1000.0)) "
            "ORDER BY m.id LIMIT $6 FOR UPDATE OF m SKIP LOCKED) "
            "UPDATE messages m SET orphan_claimed_at = to_timestamp($5::bigint / 1000.0), "
            "orphan_claimed_by = $7 FROM cand, contacts c "
            "WHERE m.id = cand.id AND c.id = m.contact_id "
            "RETURNING m.id, m.provider_sid, c.phone, m.body, "
            "round(extract(epoch FROM m.created_at) * 1000)::bigint, "
            "EXISTS (SELECT 1 FROM messages later WHERE later.contact_id = m.contact_id "
            "AND later.direction = 'inbound' AND later.id > m.id)");
  c.prepare(settle_sql, "UPDATE messages SET orphan_outcome = $2 WHERE id = $1");
  // needs_human for the lead, and its state version moves: a conversation
  // that holds the lead reloads before its next write instead of clearing it.
  c.prepare(flag_sql,
            "WITH f AS (UPDATE messages m SET orphan_outcome = 'flagged' WHERE m.id = $1 "
            "AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.in_reply_to = m.id "
            "AND o.direction = 'outbound') RETURNING m.contact_id), "
            "s AS (INSERT INTO conversation_state (contact_id, updated_at, needs_human, "
            "state_version) SELECT contact_id, to_timestamp($2::bigint / 1000.0), true, 1 FROM f "
            "ON CONFLICT (contact_id) DO UPDATE SET needs_human = true, "
            "state_version = conversation_state.state_version + 1 RETURNING contact_id) "
            "SELECT count(*) FROM f");
}

}  // namespace

orphan_store::orphan_store(std::string database_url, std::string market)
    : db_(std::make_unique<connection>(std::move(database_url), prepare_all)),
      market_(std::move(market)) {}

orphan_store::~orphan_store() = default;

std::vector<orphan_row> orphan_store::claim(const orphan_claim& q) {
  return db_->autocommit([&](pqxx::nontransaction& txn) {
    std::vector<orphan_row> out;
    for (const auto& row : txn.exec_prepared(claim_sql, market_, q.since_ms, q.settled_before_ms,
                                             q.reclaim_before_ms, q.now_ms, q.limit, q.node)) {
      orphan_row r;
      r.id = row[0].as<std::int64_t>();
      r.sid = row[1].is_null() ? std::string{} : row[1].as<std::string>();
      r.contact = row[2].as<std::string>();
      r.body = row[3].as<std::string>();
      r.received_at_ms = row[4].as<std::int64_t>();
      r.superseded = row[5].as<bool>();
      out.push_back(std::move(r));
    }
    return out;
  });
}

void orphan_store::settle(std::int64_t id, std::string_view outcome) {
  db_->autocommit(
      [&](pqxx::nontransaction& txn) { txn.exec_prepared(settle_sql, id, std::string{outcome}); });
}

bool orphan_store::flag(std::int64_t id, std::int64_t now_ms) {
  return db_->autocommit([&](pqxx::nontransaction& txn) {
    return txn.exec_prepared1(flag_sql, id, now_ms)[0].as<long>() > 0;
  });
}

}  // namespace openhouse::postgres
