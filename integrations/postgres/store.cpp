#include "integrations/postgres/store.hpp"

#include "integrations/postgres/connection.hpp"
#include "integrations/postgres/lead_state_row.hpp"
#include "integrations/postgres/migrations.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <optional>
#include <set>

namespace openhouse::postgres {

namespace {

// Statements are prepared once per connection; names are stable identifiers.
constexpr const char* upsert_contact = "upsert_contact";
constexpr const char* record_inbound_sql = "record_inbound";
constexpr const char* record_reply_sql = "record_reply";
constexpr const char* select_state = "select_state";
constexpr const char* select_history = "select_history";
constexpr const char* release_contact = "release_contact";
constexpr const char* release_lease_sql = "release_lease";
constexpr const char* insert_temperature_change = "insert_temperature_change";
constexpr const char* insert_crm_webhook = "insert_crm_webhook";
constexpr const char* upsert_crm_state = "upsert_crm_state";
constexpr const char* select_crm_webhook = "select_crm_webhook";
constexpr const char* select_contact_id = "select_contact_id";
constexpr const char* select_state_of = "select_state_of";
constexpr const char* select_transcript = "select_transcript";

// Where each statement's lead state parameters start (lead_state_row::bind).
constexpr int record_reply_state = 18;
constexpr int crm_state_state = 3;

void prepare_all(pqxx::connection& c) {
  c.prepare(upsert_contact,
            "INSERT INTO contacts (market, phone, created_at) "
            "VALUES ($1, $2, to_timestamp($3::bigint / 1000.0)) "
            "ON CONFLICT (market, phone) DO UPDATE SET phone = EXCLUDED.phone RETURNING id");
  // A message is recorded by one statement (data-modifying CTEs are atomic
  // with it) sent without BEGIN/COMMIT: one round trip, one commit, where a
  // transaction of single statements took five.
  c.prepare(record_inbound_sql,
            "WITH c AS (INSERT INTO contacts (market, phone, created_at) "
            "VALUES ($1, $2, to_timestamp($5::bigint / 1000.0)) "
            "ON CONFLICT (market, phone) DO UPDATE SET phone = EXCLUDED.phone RETURNING id), "
            // A redelivery's stored reply (the statement's snapshot holds the
            // earlier rows; a new sid has none).
            "prior AS (SELECT o.body FROM messages i JOIN messages o "
            "ON o.in_reply_to = i.id AND o.direction = 'outbound' WHERE i.provider_sid = $3), "
            // The lead's lease ($7: this message takes it; $6: for how long,
            // ms): free, or run out. Not for a message answered before.
            "lease AS (INSERT INTO lead_leases (market, phone, token, until) SELECT $1, $2, 1, "
            "to_timestamp(($5::bigint + $6::bigint) / 1000.0) WHERE $7::boolean AND NOT EXISTS "
            "(SELECT 1 FROM prior) ON CONFLICT (market, phone) DO UPDATE SET "
            "token = lead_leases.token + 1, until = EXCLUDED.until WHERE lead_leases.until IS NULL "
            "OR lead_leases.until <= to_timestamp($5::bigint / 1000.0) RETURNING token), "
            // Recorded only with the lease (or as an opt-out, which does not
            // wait for it): a message waiting for the lead is not yet taken.
            "m AS (INSERT INTO messages (contact_id, direction, provider_sid, body, status, "
            "created_at) SELECT id, 'inbound', $3, $4, 'received', "
            "to_timestamp($5::bigint / 1000.0) FROM c WHERE NOT $7::boolean OR EXISTS "
            "(SELECT 1 FROM lease) ON CONFLICT (provider_sid) DO NOTHING RETURNING id) "
            "SELECT EXISTS (SELECT 1 FROM m), coalesce(cs.opted_out, false), "
            "coalesce(cs.muted, false), coalesce(cs.crm_version, 0), (SELECT body FROM prior), "
            "coalesce(round(extract(epoch FROM cs.held_at) * 1000)::bigint, 0), "
            "coalesce(cs.state_version, 0), coalesce((SELECT token FROM lease), 0), "
            "$7::boolean AND NOT EXISTS (SELECT 1 FROM lease) AND NOT EXISTS (SELECT 1 FROM prior) "
            "FROM c LEFT JOIN conversation_state cs ON cs.contact_id = c.id");
  // A turn runs on the state it loaded (crm_version $16). When a CRM change
  // was stored meanwhile (on this node or another), the CRM's temperature,
  // override and facts stand: a person's Warm is never overwritten by a turn
  // that started while the lead was Cold. The conversation sees the newer
  // crm_version when it records the next message and reloads.
  const auto crm_wins = [](const std::string& column) {
    return "CASE WHEN conversation_state.crm_version > $16::bigint THEN "
           "conversation_state." +
           column + " ELSE EXCLUDED." + column + " END";
  };
  // The reply, the inbound's status, the state, a temperature change and the
  // outbox rows ($9: [{kind, key, contact, payload}]), in one statement. The
  // outbound row's unique in_reply_to makes a second reply to the same sid
  // insert nothing, and so nothing else either: the count is 0. The state's
  // data columns are bound from $18 on (lead_state_row); a first write
  // inserts all of them, later ones leave the CRM's (tags, crm_version) alone.
  // Opt-outs ($10: the reply may go to an opted-out lead: an opt-out's
  // confirmation, an opt-in's, a HELP answer; $11: this turn opts out; $12:
  // the lead's number; $13: this turn opts out or in): a turn that does
  // neither keeps the stored opt-out and, when the lead opted out meanwhile
  // (another node, the same second), its reply is stored empty and queues no
  // SMS. A turn that opts out fails the lead's SMS rows still pending (a
  // reply or a follow-up queued before). $14: the reply's provenance (JSON;
  // '': none).
  // Several nodes ($17: the state version the turn started from; $15: its
  // lease token, 0 for none): the state is written first, and only when its
  // version is still $17 (the row lock of a racing
  // write makes the second one re-check and refuse); the reply only with it.
  // A turn that holds a lease writes only while the lease is still its own
  // (`ready`), and gives it back.
  c.prepare(
      record_reply_sql,
      lead_state_row::with_placeholders(
          "WITH i AS (SELECT m.id, m.contact_id FROM messages m WHERE m.provider_sid = $1 "
          "AND m.direction = 'inbound' AND NOT EXISTS (SELECT 1 FROM messages o "
          "WHERE o.in_reply_to = m.id AND o.direction = 'outbound')), "
          "ready AS (SELECT i.id, i.contact_id FROM i WHERE $15::bigint = 0 OR EXISTS (SELECT 1 "
          "FROM lead_leases l WHERE l.market = $8 AND l.phone = $12 AND l.token = $15::bigint)), "
          "state AS (INSERT INTO conversation_state (contact_id, updated_at, {state.columns}, "
          "crm_version, state_version) SELECT ready.contact_id, to_timestamp($4::bigint / 1000.0), "
          "{state.values}, $16::bigint, 1 FROM ready "
          "ON CONFLICT (contact_id) DO UPDATE SET active_bot = EXCLUDED.active_bot, "
          "turns = EXCLUDED.turns, needs_human = EXCLUDED.needs_human, "
          "updated_at = EXCLUDED.updated_at, opted_out = CASE WHEN $13::boolean "
          "THEN EXCLUDED.opted_out ELSE conversation_state.opted_out END, "
          "handoffs = EXCLUDED.handoffs, confusion_turns = EXCLUDED.confusion_turns, "
          "muted = EXCLUDED.muted, held_at = EXCLUDED.held_at, temperature = " +
              crm_wins("temperature") + ", facts = " + crm_wins("facts") +
              ", frs = " + crm_wins("frs") + ", pcs = " + crm_wins("pcs") +
              ", temperature_override = " + crm_wins("temperature_override") +
              ", override_basis = " + crm_wins("override_basis") +
              ", state_version = conversation_state.state_version + 1 "
              "WHERE $17::bigint < 0 OR conversation_state.state_version = "
              "$17::bigint "
              "RETURNING contact_id, state_version), "
              "r AS (INSERT INTO messages (contact_id, direction, in_reply_to, body, status, bot, "
              "created_at, provenance) SELECT ready.contact_id, 'outbound', ready.id, "
              "CASE WHEN NOT $10::boolean AND coalesce((SELECT s.opted_out FROM conversation_state "
              "s "
              "WHERE s.contact_id = ready.contact_id), false) THEN '' ELSE $2 END, $5, $3, "
              "to_timestamp($4::bigint / 1000.0), NULLIF($14::text, '')::jsonb FROM ready "
              "JOIN state ON state.contact_id = ready.contact_id "
              "ON CONFLICT (in_reply_to) WHERE direction = 'outbound' DO NOTHING "
              "RETURNING contact_id, id, in_reply_to, body), "
              "released AS (UPDATE lead_leases SET until = NULL WHERE $15::bigint <> 0 AND market "
              "= "
              "$8 "
              "AND phone = $12 AND token = $15::bigint AND EXISTS (SELECT 1 FROM r)), "
              "cancelled AS (UPDATE outbox SET status = 'failed', last_error = 'suppressed: opted "
              "out' "
              "WHERE $11::boolean AND market = $8 AND kind = 'sms' AND status = 'pending' "
              "AND contact = $12 AND EXISTS (SELECT 1 FROM r)), "
              "replied AS (UPDATE messages SET status = 'replied' WHERE id IN (SELECT in_reply_to "
              "FROM "
              "r)), "
              "temperature AS (INSERT INTO temperature_changes (contact_id, at, from_temp, "
              "to_temp, "
              "reason) SELECT r.contact_id, to_timestamp($4::bigint / 1000.0), $6::text, "
              "{state.temperature}, "
              "$7::text FROM r WHERE $6::text <> ''), "
              // Only the SMS row points at the message: its delivery reports update it.
              "box AS (INSERT INTO outbox (market, kind, idempotency_key, contact, message_id, "
              "payload, next_attempt_at, created_at) SELECT $8::text, x.kind, x.key, x.contact, "
              "CASE WHEN x.kind = 'sms' THEN r.id END, x.payload::jsonb, "
              "to_timestamp($4::bigint / 1000.0), to_timestamp($4::bigint / 1000.0) "
              "FROM r CROSS JOIN jsonb_to_recordset($9::jsonb) "
              "AS x(kind text, key text, contact text, payload text) "
              "WHERE x.kind <> 'sms' OR r.body <> '' "
              "ON CONFLICT (market, idempotency_key) DO NOTHING) "
              "SELECT (SELECT count(*) FROM r), coalesce((SELECT max(body) FROM r), ''), "
              "coalesce((SELECT bool_or(body = '' AND $2 <> '') FROM r), false), "
              "EXISTS (SELECT 1 FROM i), EXISTS (SELECT 1 FROM ready), "
              "coalesce((SELECT max(state_version) FROM state), 0)",
          record_reply_state));
  // A CRM change owns the tags and its counter; a turn's write leaves them.
  c.prepare(upsert_crm_state,
            lead_state_row::with_placeholders(
                "INSERT INTO conversation_state (contact_id, updated_at, {state.columns}, "
                "crm_version, state_version) VALUES ($1, to_timestamp($2::bigint / 1000.0), "
                "{state.values}, 1, 1) "
                "ON CONFLICT (contact_id) DO UPDATE SET needs_human = EXCLUDED.needs_human, "
                "updated_at = EXCLUDED.updated_at, temperature = EXCLUDED.temperature, "
                "facts = EXCLUDED.facts, frs = EXCLUDED.frs, pcs = EXCLUDED.pcs, "
                "confusion_turns = EXCLUDED.confusion_turns, muted = EXCLUDED.muted, "
                "crm_tags = EXCLUDED.crm_tags, "
                "temperature_override = EXCLUDED.temperature_override, "
                "override_basis = EXCLUDED.override_basis, "
                "crm_version = conversation_state.crm_version + 1, "
                "state_version = conversation_state.state_version + 1 RETURNING crm_version",
                crm_state_state));
  c.prepare(insert_crm_webhook,
            "INSERT INTO crm_webhooks (market, webhook_id, kind, contact_id, received_at) "
            "VALUES ($1, $2, $3, $4, to_timestamp($5::bigint / 1000.0)) "
            "ON CONFLICT (market, webhook_id) DO NOTHING RETURNING 1");
  c.prepare(select_crm_webhook, "SELECT 1 FROM crm_webhooks WHERE market = $1 AND webhook_id = $2");
  c.prepare(select_state, "SELECT " + lead_state_row::select_list("cs") +
                              " FROM conversation_state cs JOIN contacts c ON c.id = "
                              "cs.contact_id WHERE c.market = $1 AND c.phone = $2");
  c.prepare(release_contact,
            "UPDATE conversation_state cs SET muted = false, needs_human = false, "
            "confusion_turns = 0, state_version = cs.state_version + 1 FROM contacts c WHERE c.id "
            "= cs.contact_id AND c.market = $1 "
            "AND c.phone = $2 RETURNING cs.contact_id");
  c.prepare(release_lease_sql,
            "UPDATE lead_leases SET until = NULL WHERE market = $1 AND phone = $2 AND token = $3");
  c.prepare(insert_temperature_change,
            "INSERT INTO temperature_changes (contact_id, at, from_temp, to_temp, reason) "
            "VALUES ($1, to_timestamp($2::bigint / 1000.0), $3, $4, $5)");
  c.prepare(select_contact_id, "SELECT id FROM contacts WHERE market = $1 AND phone = $2");
  c.prepare(select_state_of,
            "SELECT active_bot, temperature, frs, pcs, opted_out, muted, facts "
            "FROM conversation_state WHERE contact_id = $1");
  // Each inbound text with its reply, and the follow-ups the runtime sent on
  // its own, in the order they were recorded.
  c.prepare(select_transcript,
            "SELECT t.sid, t.at_ms, t.inbound, t.replied, t.reply, t.bot, t.provenance, "
            "t.follow_up FROM ("
            "SELECT i.id AS ord, i.provider_sid AS sid, "
            "round(extract(epoch FROM i.created_at) * 1000)::bigint AS at_ms, i.body AS inbound, "
            "o.id IS NOT NULL AS replied, coalesce(o.body, '') AS reply, "
            "coalesce(o.bot, '') AS bot, coalesce(o.provenance::text, '') AS provenance, "
            "0 AS follow_up FROM messages i LEFT JOIN messages o ON o.in_reply_to = i.id "
            "AND o.direction = 'outbound' WHERE i.contact_id = $1 AND i.direction = 'inbound' "
            "UNION ALL "
            "SELECT f.id, NULL, round(extract(epoch FROM f.created_at) * 1000)::bigint, NULL, "
            "true, f.body, coalesce(f.bot, ''), coalesce(f.provenance::text, ''), f.follow_up_n "
            "FROM messages f WHERE f.contact_id = $1 AND f.follow_up_of IS NOT NULL"
            ") t ORDER BY t.ord");
  c.prepare(select_history,
            "SELECT direction, body FROM (SELECT m.id, m.direction, m.body FROM messages m "
            "JOIN contacts c ON c.id = m.contact_id WHERE c.market = $1 AND c.phone = $2 "
            "ORDER BY m.id DESC LIMIT $3) recent ORDER BY id");
}

}  // namespace

store::store(std::string database_url, std::string market)
    : db_(std::make_unique<connection>(std::move(database_url), prepare_all)),
      market_(std::move(market)) {}

store::~store() = default;

int store::migrate() {
  return db_->transact([](pqxx::work& txn) {
    // Serialises concurrent migrators (several nodes starting at once).
    txn.exec("SELECT pg_advisory_xact_lock(hashtext('openhouse.migrate'))");
    txn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    std::set<int> applied;
    for (const auto& row : txn.exec("SELECT version FROM schema_migrations")) {
      applied.insert(row[0].as<int>());
    }
    int ran = 0;
    for (const auto& m : all_migrations()) {
      if (applied.contains(m.version)) {
        continue;
      }
      txn.exec(std::string{m.sql});
      txn.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version,
                      std::string{m.name});
      ++ran;
    }
    return ran;
  });
}

runtime::inbound_record store::record_inbound(const runtime::inbound_sms& msg, bool takes_lease) {
  return db_->autocommit([&](pqxx::nontransaction& txn) {
    const auto row =
        txn.exec_prepared1(record_inbound_sql, market_, msg.from, msg.sid, msg.body,
                           msg.received_at_ms, static_cast<long>(lease_.count()), takes_lease);
    runtime::inbound_record out;
    out.inserted = row[0].as<bool>();
    out.opted_out = row[1].as<bool>();
    out.muted = row[2].as<bool>();
    out.crm_version = row[3].as<std::int64_t>();
    if (!out.inserted && !row[4].is_null()) {
      out.answered = true;
      out.reply = row[4].as<std::string>();
    }
    out.held_at_ms = row[5].as<std::int64_t>();
    out.state_version = row[6].as<std::int64_t>();
    out.lease_token = row[7].as<std::int64_t>();
    out.busy = row[8].as<bool>();
    return out;
  });
}

runtime::reply_record store::record_reply(const runtime::outbound_reply& reply) {
  auto items = nlohmann::json::array();
  bool queued = false;  // the reply goes out through the outbox (REST mode)
  for (const auto& item : outbox_items(reply, outbox_)) {
    items.push_back({{"kind", item.kind},
                     {"key", item.key},
                     {"contact", item.contact},
                     {"payload", item.payload}});
    queued = queued || item.kind == "sms";
  }
  const bool opts_out = reply.compliance.starts_with("opt_out");
  const bool decides = opts_out || reply.compliance == "opt_in";
  const bool exempt = decides || reply.compliance == "help";
  return db_->autocommit([&](pqxx::nontransaction& txn) {
    const auto row = txn.exec_prepared1(
        record_reply_sql, reply.in_reply_to_sid, reply.body, reply.bot, reply.sent_at_ms,
        queued ? "outbox" : "twiml", reply.temperature_from, reply.temperature_reason, market_,
        items.dump(), exempt, opts_out, reply.contact, decides, reply.provenance_json,
        static_cast<long>(reply.lease_token), static_cast<long>(reply.state.crm_version),
        static_cast<long>(reply.state.state_version),
        pqxx::prepare::make_dynamic_params(lead_state_row::bind(reply.state)));
    runtime::reply_record out;
    out.stored = row[0].as<long>() > 0;
    out.body = row[1].as<std::string>();
    out.suppressed = row[2].as<bool>();
    out.state_version = row[5].as<std::int64_t>();
    if (!out.stored && row[3].as<bool>()) {
      // Unanswered still: the lease is another node's now, or the state moved.
      out.refused = row[4].as<bool>() ? runtime::reply_record::refusal::stale
                                      : runtime::reply_record::refusal::fenced;
    }
    return out;
  });
}

runtime::conversation_snapshot store::load_conversation(const std::string& contact,
                                                        std::size_t history_limit) {
  return db_->transact([&](pqxx::work& txn) {
    runtime::conversation_snapshot snap;
    const auto state = txn.exec_prepared(select_state, market_, contact);
    if (state.empty()) {
      snap.lead.contact = contact;
      snap.lead.state_version = 0;  // no row yet: the first write must insert it
    } else {
      snap.lead = lead_state_row::read(state[0], 0, contact);
    }
    for (const auto& row :
         txn.exec_prepared(select_history, market_, contact, static_cast<long>(history_limit))) {
      snap.history.push_back(
          {row[0].as<std::string>() == "inbound" ? "user" : "assistant", row[1].as<std::string>()});
    }
    return snap;
  });
}

std::int64_t store::record_crm(const runtime::crm_write& change) {
  return db_->transact([&](pqxx::work& txn) -> std::int64_t {
    const auto& st = change.state;
    const auto contact_id =
        txn.exec_prepared1(upsert_contact, market_, st.contact, change.at_ms)[0].as<long>();
    if (!change.webhook_id.empty() &&
        txn.exec_prepared(insert_crm_webhook, market_, change.webhook_id, change.kind, contact_id,
                          change.at_ms)
            .empty()) {
      return 0;  // applied before: a redelivery changes nothing
    }
    const auto version =
        txn.exec_prepared1(upsert_crm_state, contact_id, change.at_ms,
                           pqxx::prepare::make_dynamic_params(lead_state_row::bind(st)))[0]
            .as<std::int64_t>();
    if (!change.temperature_from.empty()) {
      txn.exec_prepared(insert_temperature_change, contact_id, change.at_ms,
                        change.temperature_from, std::string{agents::to_string(st.temperature)},
                        change.temperature_reason);
    }
    return version;
  });
}

agents::lead_transcript store::transcript(const std::string& contact) {
  return db_->transact([&](pqxx::work& txn) {
    // The state and the turns from one snapshot: a turn committed between
    // the two reads would otherwise show scores its row does not.
    txn.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    agents::lead_transcript out;
    out.contact = contact;
    const auto id = txn.exec_prepared(select_contact_id, market_, contact);
    if (id.empty()) {
      return out;
    }
    out.found = true;
    const auto contact_id = id[0][0].as<long>();
    const auto state = txn.exec_prepared(select_state_of, contact_id);
    if (!state.empty()) {
      const auto& row = state[0];
      out.bot = row[0].as<std::string>();
      out.temperature = row[1].as<std::string>();
      out.frs = row[2].as<double>();
      out.pcs = row[3].as<double>();
      out.opted_out = row[4].as<bool>();
      out.muted = row[5].as<bool>();
      out.facts_json = row[6].as<std::string>();
    }
    for (const auto& row : txn.exec_prepared(select_transcript, contact_id)) {
      agents::transcript_turn turn;
      turn.has_inbound = !row[2].is_null();
      turn.sid = row[0].is_null() ? std::string{} : row[0].as<std::string>();
      turn.at_ms = row[1].as<std::int64_t>();
      turn.inbound = turn.has_inbound ? row[2].as<std::string>() : std::string{};
      turn.has_reply = row[3].as<bool>();
      turn.reply = row[4].as<std::string>();
      turn.bot = row[5].as<std::string>();
      turn.provenance_json = row[6].as<std::string>();
      turn.follow_up = row[7].as<std::int32_t>();
      out.turns.push_back(std::move(turn));
    }
    return out;
  });
}

bool store::crm_applied(const std::string& webhook_id) {
  return db_->transact([&](pqxx::work& txn) {
    return !txn.exec_prepared(select_crm_webhook, market_, webhook_id).empty();
  });
}

void store::release_lease(const std::string& contact, std::int64_t token) {
  if (token == 0) return;
  db_->autocommit([&](pqxx::nontransaction& txn) {
    txn.exec_prepared(release_lease_sql, market_, contact, static_cast<long>(token));
    return 0;
  });
}

bool store::release(const std::string& contact) {
  return db_->transact([&](pqxx::work& txn) {
    return !txn.exec_prepared(release_contact, market_, contact).empty();
  });
}

bool store::ping() {
  try {
    return db_->transact([](pqxx::work& txn) { return txn.exec("SELECT 1")[0][0].as<int>() == 1; });
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace openhouse::postgres
