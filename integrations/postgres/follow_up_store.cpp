#include "integrations/postgres/follow_up_store.hpp"

#include "integrations/postgres/connection.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <optional>

namespace openhouse::postgres {

namespace {

constexpr const char* candidates_stmt = "follow_up_candidates";
constexpr const char* lock_lead = "follow_up_lock_lead";
constexpr const char* silence_stmt = "follow_up_silence";
constexpr const char* insert_message = "follow_up_insert_message";
constexpr const char* insert_outbox = "follow_up_insert_outbox";
constexpr const char* bump_state_version = "follow_up_bump_state_version";

void prepare_all(pqxx::connection& c) {
  // The last message of each lead through messages_contact_time; a lead
  // whose last message is a follow-up already numbered max is done until it
  // speaks again, so it is not looked at every tick. Only a bot message that
  // asks something (agents::asks_question: a '?') starts a silence worth a
  // follow-up; an empty outbound row (a muted turn: nothing was sent), a HELP
  // answer or a confirmation does not.
  c.prepare(candidates_stmt,
            "SELECT c.id, c.phone FROM contacts c "
            "JOIN LATERAL (SELECT m.direction, m.body, m.created_at, m.follow_up_of, m.follow_up_n "
            "  FROM messages m WHERE m.contact_id = c.id ORDER BY m.id DESC LIMIT 1) last ON true "
            "LEFT JOIN conversation_state cs ON cs.contact_id = c.id "
            "WHERE c.market = $1 AND last.direction = 'outbound' "
            "AND (last.follow_up_of IS NOT NULL OR strpos(last.body, '?') > 0) "
            "AND last.created_at <= to_timestamp($2::bigint / 1000.0) "
            "AND coalesce(last.follow_up_n, 0) < $3 AND NOT c.opted_out "
            "AND NOT coalesce(cs.opted_out, false) AND NOT coalesce(cs.muted, false) "
            "ORDER BY left(c.phone, 5) = ANY($5::text[]), last.created_at, c.id LIMIT $4");
  // Turns upsert this row in their reply's transaction: holding it orders a
  // follow-up and a turn of the same lead.
  c.prepare(lock_lead,
            "SELECT cs.opted_out OR c.opted_out, cs.muted FROM conversation_state cs "
            "JOIN contacts c ON c.id = cs.contact_id "
            "WHERE cs.contact_id = $1 AND c.market = $2 FOR UPDATE OF cs");
  // The anchor is the bot's latest non-empty message after the lead's latest
  // one (none when the lead spoke last); its follow-ups are counted.
  c.prepare(silence_stmt,
            "WITH last_in AS (SELECT id, created_at FROM messages "
            "  WHERE contact_id = $1 AND direction = 'inbound' ORDER BY id DESC LIMIT 1), "
            "anchor AS (SELECT id, created_at, body FROM messages WHERE contact_id = $1 "
            "  AND direction = 'outbound' AND follow_up_of IS NULL AND body <> '' "
            "  AND id > coalesce((SELECT id FROM last_in), 0) ORDER BY id DESC LIMIT 1), "
            "fu AS (SELECT count(*) AS n, max(created_at) AS at FROM messages "
            "  WHERE follow_up_of = (SELECT id FROM anchor)) "
            "SELECT coalesce((SELECT id FROM anchor), 0), "
            "  coalesce(round(extract(epoch FROM greatest((SELECT created_at FROM anchor), "
            "    (SELECT at FROM fu))) * 1000), 0)::bigint, "
            "  coalesce(round(extract(epoch FROM (SELECT created_at FROM last_in)) * 1000), "
            "    0)::bigint, "
            "  (SELECT n FROM fu)::integer, "
            "  coalesce((SELECT body FROM anchor), '')");
  c.prepare(insert_message,
            "INSERT INTO messages (contact_id, direction, body, status, bot, created_at, "
            "follow_up_of, follow_up_n) VALUES ($1, 'outbound', $2, 'outbox', 'follow_up', "
            "to_timestamp($3::bigint / 1000.0), $4, $5) "
            "ON CONFLICT (follow_up_of, follow_up_n) WHERE follow_up_of IS NOT NULL DO NOTHING "
            "RETURNING id");
  // The follow-up is in the lead's history now: a turn that loaded the lead
  // before it reloads (store::record_reply refuses its write otherwise).
  c.prepare(bump_state_version,
            "UPDATE conversation_state SET state_version = state_version + 1 "
            "WHERE contact_id = $1");
  c.prepare(insert_outbox,
            "INSERT INTO outbox (market, kind, idempotency_key, contact, message_id, payload, "
            "next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, "
            "to_timestamp($7::bigint / 1000.0), to_timestamp($7::bigint / 1000.0)) "
            "ON CONFLICT (market, idempotency_key) DO NOTHING");
}

agents::silence read_silence(pqxx::work& txn, std::int64_t contact_id) {
  const auto row = txn.exec_prepared1(silence_stmt, contact_id);
  agents::silence s;
  s.anchor_id = row[0].as<std::int64_t>();
  s.last_outbound_ms = row[1].as<std::int64_t>();
  s.last_inbound_ms = row[2].as<std::int64_t>();
  s.follow_ups_sent = row[3].as<int>();
  s.anchor_asks = agents::asks_question(row[4].as<std::string>());
  return s;
}

}  // namespace

follow_up_store::follow_up_store(std::string database_url, std::string market, outbox_policy policy)
    : db_(std::make_unique<connection>(std::move(database_url), prepare_all)),
      market_(std::move(market)),
      policy_(std::move(policy)) {}

follow_up_store::~follow_up_store() = default;

std::vector<follow_up_candidate> follow_up_store::candidates(
    std::int64_t silent_since_ms, int max_per_silence, std::size_t limit,
    const std::vector<int>& later_area_codes) {
  // A text[] literal of E.164 prefixes: {"+1808","+1907"} (digits only
  // inside the quotes, nothing to escape).
  std::string later = "{";
  for (const int npa : later_area_codes) {
    if (later.size() > 1) later += ',';
    later += "\"+1" + std::to_string(npa) + '"';
  }
  later += '}';
  return db_->transact([&](pqxx::work& txn) {
    std::vector<follow_up_candidate> out;
    for (const auto& row : txn.exec_prepared(candidates_stmt, market_, silent_since_ms,
                                             max_per_silence, static_cast<long>(limit), later)) {
      out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>()});
    }
    return out;
  });
}

agents::silence follow_up_store::silence_of(std::int64_t contact_id) {
  return db_->transact([&](pqxx::work& txn) {
    auto s = read_silence(txn, contact_id);
    const auto lead = txn.exec_prepared(lock_lead, contact_id, market_);
    if (!lead.empty()) {
      s.opted_out = lead[0][0].as<bool>();
      s.muted = lead[0][1].as<bool>();
    }
    return s;
  });
}

follow_up_outcome follow_up_store::send_follow_up(
    const follow_up_candidate& lead, const std::string& body, std::int64_t now_ms,
    const std::function<agents::follow_up_verdict(const agents::silence&)>& decide) {
  return db_->transact([&](pqxx::work& txn) {
    follow_up_outcome out;
    // Without a state row no turn ever answered the lead: nothing to follow.
    const auto locked = txn.exec_prepared(lock_lead, lead.contact_id, market_);
    if (locked.empty()) return out;
    // Read after the lock: under READ COMMITTED each statement sees what
    // was committed before it, including a turn that held the lock.
    agents::silence s = read_silence(txn, lead.contact_id);
    s.opted_out = locked[0][0].as<bool>();
    s.muted = locked[0][1].as<bool>();
    out.verdict = decide(s);
    if (out.verdict != agents::follow_up_verdict::send) return out;
    const int n = s.follow_ups_sent + 1;
    out.key = agents::follow_up_key(s.anchor_id, n);
    const auto message =
        txn.exec_prepared(insert_message, lead.contact_id, body, now_ms, s.anchor_id, n);
    if (message.empty()) return out;  // written by another node or tick
    const auto message_id = message[0][0].as<std::int64_t>();
    txn.exec_prepared(bump_state_version, lead.contact_id);
    nlohmann::json sms{{"to", lead.phone}, {"from", policy_.from}, {"body", body}};
    if (!policy_.status_callback.empty()) sms["status_callback"] = policy_.status_callback;
    txn.exec_prepared(insert_outbox, market_, "sms", out.key, lead.phone, message_id, sms.dump(),
                      now_ms);
    if (policy_.crm) {
      // The lead's CRM conversation shows the follow-up like any reply.
      txn.exec_prepared(insert_outbox, market_, "crm_message", "crm_message:" + out.key, lead.phone,
                        std::optional<std::int64_t>{},
                        nlohmann::json{{"inbound", ""}, {"reply", body}}.dump(), now_ms);
    }
    out.written = true;
    return out;
  });
}

}  // namespace openhouse::postgres
