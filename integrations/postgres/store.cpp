#include "integrations/postgres/store.hpp"

#include "integrations/postgres/connection.hpp"
#include "integrations/postgres/migrations.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <optional>
#include <set>

namespace openhouse::postgres {

namespace {

// Statements are prepared once per connection; names are stable identifiers.
constexpr const char* upsert_contact = "upsert_contact";
constexpr const char* insert_inbound = "insert_inbound";
constexpr const char* find_reply = "find_reply";
constexpr const char* insert_reply = "insert_reply";
constexpr const char* mark_replied = "mark_replied";
constexpr const char* upsert_state = "upsert_state";
constexpr const char* select_state = "select_state";
constexpr const char* select_history = "select_history";
constexpr const char* select_opt_out = "select_opt_out";
constexpr const char* release_contact = "release_contact";
constexpr const char* insert_temperature_change = "insert_temperature_change";
constexpr const char* insert_crm_webhook = "insert_crm_webhook";
constexpr const char* upsert_crm_state = "upsert_crm_state";
constexpr const char* insert_outbox = "insert_outbox";
constexpr const char* queue_reply = "queue_reply";
constexpr const char* select_crm_webhook = "select_crm_webhook";

void prepare_all(pqxx::connection& c) {
  c.prepare(upsert_contact,
            "INSERT INTO contacts (market, phone, created_at) "
            "VALUES ($1, $2, to_timestamp($3::bigint / 1000.0)) "
            "ON CONFLICT (market, phone) DO UPDATE SET phone = EXCLUDED.phone RETURNING id");
  c.prepare(insert_inbound,
            "INSERT INTO messages (contact_id, direction, provider_sid, body, status, created_at) "
            "VALUES ($1, 'inbound', $2, $3, 'received', to_timestamp($4::bigint / 1000.0)) "
            "ON CONFLICT (provider_sid) DO NOTHING RETURNING id");
  c.prepare(find_reply,
            "SELECT o.body FROM messages i JOIN messages o "
            "ON o.in_reply_to = i.id AND o.direction = 'outbound' WHERE i.provider_sid = $1");
  c.prepare(
      insert_reply,
      "INSERT INTO messages (contact_id, direction, in_reply_to, body, status, bot, created_at) "
      "SELECT i.contact_id, 'outbound', i.id, $2, 'twiml', $3, to_timestamp($4::bigint / 1000.0) "
      "FROM messages i WHERE i.provider_sid = $1 AND i.direction = 'inbound' "
      "ON CONFLICT (in_reply_to) WHERE direction = 'outbound' DO NOTHING RETURNING contact_id, id");
  // Outbox rows of a reply (REST SMS, CRM writes); the key makes a second
  // insert for the same inbound message a no-op.
  c.prepare(insert_outbox,
            "INSERT INTO outbox (market, kind, idempotency_key, contact, message_id, payload, "
            "next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, "
            "to_timestamp($7::bigint / 1000.0), to_timestamp($7::bigint / 1000.0)) "
            "ON CONFLICT (market, idempotency_key) DO NOTHING");
  c.prepare(queue_reply, "UPDATE messages SET status = 'outbox' WHERE id = $1");
  c.prepare(mark_replied, "UPDATE messages SET status = 'replied' WHERE provider_sid = $1");
  // A turn runs on the state it loaded (crm_version $16). When a CRM change
  // was stored meanwhile (on this node or another), the CRM's temperature,
  // override and facts stand: a person's Warm is never overwritten by a turn
  // that started while the lead was Cold. The conversation sees the newer
  // crm_version when it records the next message and reloads.
  const auto crm_wins = [](const std::string& column) {
    return "CASE WHEN conversation_state.crm_version > $16 THEN conversation_state." + column +
           " ELSE EXCLUDED." + column + " END";
  };
  c.prepare(
      upsert_state,
      "INSERT INTO conversation_state (contact_id, active_bot, turns, needs_human, updated_at, "
      "opted_out, temperature, facts, frs, pcs, handoffs, unproductive_turns, muted, "
      "temperature_override, override_basis) "
      "VALUES ($1, $2, $3, $4, to_timestamp($5::bigint / 1000.0), $6, $7, $8, $9, $10, $11, "
      "$12, $13, $14, $15) "
      "ON CONFLICT (contact_id) DO UPDATE SET active_bot = EXCLUDED.active_bot, "
      "turns = EXCLUDED.turns, needs_human = EXCLUDED.needs_human, "
      "updated_at = EXCLUDED.updated_at, opted_out = EXCLUDED.opted_out, "
      "handoffs = EXCLUDED.handoffs, unproductive_turns = EXCLUDED.unproductive_turns, "
      "muted = EXCLUDED.muted, temperature = " +
          crm_wins("temperature") + ", facts = " + crm_wins("facts") +
          ", frs = " + crm_wins("frs") + ", pcs = " + crm_wins("pcs") +
          ", temperature_override = " + crm_wins("temperature_override") +
          ", override_basis = " + crm_wins("override_basis"));
  // A CRM change owns the tags and its counter; a turn's write leaves them.
  c.prepare(
      upsert_crm_state,
      "INSERT INTO conversation_state (contact_id, active_bot, turns, needs_human, updated_at, "
      "opted_out, temperature, facts, frs, pcs, handoffs, unproductive_turns, muted, "
      "crm_tags, temperature_override, override_basis, crm_version) "
      "VALUES ($1, $2, $3, $4, to_timestamp($5::bigint / 1000.0), $6, $7, $8, $9, $10, $11, "
      "$12, $13, $14, $15, $16, 1) "
      "ON CONFLICT (contact_id) DO UPDATE SET needs_human = EXCLUDED.needs_human, "
      "updated_at = EXCLUDED.updated_at, temperature = EXCLUDED.temperature, "
      "facts = EXCLUDED.facts, frs = EXCLUDED.frs, pcs = EXCLUDED.pcs, "
      "unproductive_turns = EXCLUDED.unproductive_turns, muted = EXCLUDED.muted, "
      "crm_tags = EXCLUDED.crm_tags, temperature_override = EXCLUDED.temperature_override, "
      "override_basis = EXCLUDED.override_basis, "
      "crm_version = conversation_state.crm_version + 1 RETURNING crm_version");
  c.prepare(insert_crm_webhook,
            "INSERT INTO crm_webhooks (market, webhook_id, kind, contact_id, received_at) "
            "VALUES ($1, $2, $3, $4, to_timestamp($5::bigint / 1000.0)) "
            "ON CONFLICT (market, webhook_id) DO NOTHING RETURNING 1");
  c.prepare(select_crm_webhook, "SELECT 1 FROM crm_webhooks WHERE market = $1 AND webhook_id = $2");
  c.prepare(select_state,
            "SELECT cs.active_bot, cs.turns, cs.needs_human, cs.opted_out, cs.temperature, "
            "cs.facts, cs.frs, cs.pcs, cs.handoffs, cs.unproductive_turns, cs.muted, "
            "cs.crm_tags, cs.temperature_override, cs.override_basis, cs.crm_version "
            "FROM conversation_state cs "
            "JOIN contacts c ON c.id = cs.contact_id WHERE c.market = $1 AND c.phone = $2");
  c.prepare(select_opt_out,
            "SELECT opted_out, muted, crm_version FROM conversation_state WHERE contact_id = $1");
  c.prepare(release_contact,
            "UPDATE conversation_state cs SET muted = false, needs_human = false, "
            "unproductive_turns = 0 FROM contacts c WHERE c.id = cs.contact_id AND c.market = $1 "
            "AND c.phone = $2 RETURNING cs.contact_id");
  c.prepare(insert_temperature_change,
            "INSERT INTO temperature_changes (contact_id, at, from_temp, to_temp, reason) "
            "VALUES ($1, to_timestamp($2::bigint / 1000.0), $3, $4, $5)");
  c.prepare(select_history,
            "SELECT direction, body FROM (SELECT m.id, m.direction, m.body FROM messages m "
            "JOIN contacts c ON c.id = m.contact_id WHERE c.market = $1 AND c.phone = $2 "
            "ORDER BY m.id DESC LIMIT $3) recent ORDER BY id");
}

std::vector<std::string> tags_from_json(const std::string& text) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_array()) {
    for (const auto& t : j) {
      if (t.is_string()) out.push_back(t.get<std::string>());
    }
  }
  return out;
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

runtime::inbound_record store::record_inbound(const runtime::inbound_sms& msg) {
  return db_->transact([&](pqxx::work& txn) {
    runtime::inbound_record out;
    const auto contact_id =
        txn.exec_prepared1(upsert_contact, market_, msg.from, msg.received_at_ms)[0].as<long>();
    const auto inserted =
        txn.exec_prepared(insert_inbound, contact_id, msg.sid, msg.body, msg.received_at_ms);
    out.inserted = !inserted.empty();
    const auto opt_out = txn.exec_prepared(select_opt_out, contact_id);
    out.opted_out = !opt_out.empty() && opt_out[0][0].as<bool>();
    out.muted = !opt_out.empty() && opt_out[0][1].as<bool>();
    out.crm_version = opt_out.empty() ? 0 : opt_out[0][2].as<std::int64_t>();
    if (!out.inserted) {
      const auto reply = txn.exec_prepared(find_reply, msg.sid);
      if (!reply.empty()) {
        out.answered = true;
        out.reply = reply[0][0].as<std::string>();
      }
    }
    return out;
  });
}

bool store::record_reply(const runtime::outbound_reply& reply) {
  return db_->transact([&](pqxx::work& txn) {
    const auto row = txn.exec_prepared(insert_reply, reply.in_reply_to_sid, reply.body, reply.bot,
                                       reply.sent_at_ms);
    if (row.empty()) {
      return false;
    }
    const auto contact_id = row[0][0].as<long>();
    txn.exec_prepared(mark_replied, reply.in_reply_to_sid);
    const auto& st = reply.state;
    txn.exec_prepared(upsert_state, contact_id, st.active_bot, st.turns, st.needs_human,
                      reply.sent_at_ms, st.opted_out, st.temperature, st.facts_json, st.frs, st.pcs,
                      st.handoffs_json, st.unproductive_turns, st.muted, st.temperature_override,
                      st.override_basis, static_cast<long>(st.crm_version));
    if (!reply.temperature_from.empty()) {
      txn.exec_prepared(insert_temperature_change, contact_id, reply.sent_at_ms,
                        reply.temperature_from, st.temperature, reply.temperature_reason);
    }
    const auto message_id = row[0][1].as<long>();
    for (const auto& item : outbox_items(reply, outbox_)) {
      // Only the SMS row points at the message: its delivery reports update it.
      const std::optional<long> message =
          item.kind == "sms" ? std::optional<long>{message_id} : std::nullopt;
      txn.exec_prepared(insert_outbox, market_, item.kind, item.key, item.contact, message,
                        item.payload, reply.sent_at_ms);
      if (message) {
        txn.exec_prepared(queue_reply, message_id);
      }
    }
    return true;
  });
}

runtime::conversation_snapshot store::load_conversation(const std::string& contact,
                                                        std::size_t history_limit) {
  return db_->transact([&](pqxx::work& txn) {
    runtime::conversation_snapshot snap;
    snap.contact = contact;
    const auto state = txn.exec_prepared(select_state, market_, contact);
    if (!state.empty()) {
      snap.active_bot = state[0][0].as<std::string>();
      snap.turns = state[0][1].as<std::int32_t>();
      snap.needs_human = state[0][2].as<bool>();
      snap.opted_out = state[0][3].as<bool>();
      snap.temperature = state[0][4].as<std::string>();
      snap.facts_json = state[0][5].as<std::string>();
      snap.frs = state[0][6].as<double>();
      snap.pcs = state[0][7].as<double>();
      snap.handoffs_json = state[0][8].as<std::string>();
      snap.unproductive_turns = state[0][9].as<std::int32_t>();
      snap.muted = state[0][10].as<bool>();
      snap.crm_tags = tags_from_json(state[0][11].as<std::string>());
      snap.temperature_override = state[0][12].as<std::string>();
      snap.override_basis = state[0][13].as<std::string>();
      snap.crm_version = state[0][14].as<std::int64_t>();
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
        txn.exec_prepared1(upsert_crm_state, contact_id, st.active_bot, st.turns, st.needs_human,
                           change.at_ms, st.opted_out, st.temperature, st.facts_json, st.frs,
                           st.pcs, st.handoffs_json, st.unproductive_turns, st.muted,
                           nlohmann::json(st.crm_tags).dump(), st.temperature_override,
                           st.override_basis)[0]
            .as<std::int64_t>();
    if (!change.temperature_from.empty()) {
      txn.exec_prepared(insert_temperature_change, contact_id, change.at_ms,
                        change.temperature_from, st.temperature, change.temperature_reason);
    }
    return version;
  });
}

bool store::crm_applied(const std::string& webhook_id) {
  return db_->transact([&](pqxx::work& txn) {
    return !txn.exec_prepared(select_crm_webhook, market_, webhook_id).empty();
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
