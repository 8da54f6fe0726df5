#include "integrations/postgres/outbox.hpp"

#include "agents/scoring.hpp"
#include "integrations/crm/api_request.hpp"
#include "integrations/postgres/connection.hpp"
#include "integrations/postgres/store.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace openhouse::postgres {

outbox_policy outbox_policy_of(const config::market_config& cfg) {
  outbox_policy p;
  p.sms = cfg.twilio.mode == config::reply_mode::rest;
  p.from = cfg.market.phone_number;
  p.status_callback = cfg.twilio.status_callback;
  p.crm = !cfg.crm.base_url.empty();
  return p;
}

bool replies_queue_rows(const outbox_policy& policy) { return policy.sms || policy.crm; }

std::string outbox_key(std::string_view kind, std::string_view inbound_sid) {
  std::string out{kind};
  out += ':';
  out += inbound_sid;
  return out;
}

std::vector<outbox_item> outbox_items(const runtime::outbound_reply& reply,
                                      const outbox_policy& policy) {
  std::vector<outbox_item> out;
  if (policy.sms && !reply.body.empty()) {
    nlohmann::json sms{{"to", reply.contact}, {"from", policy.from}, {"body", reply.body}};
    // An opt-out's confirmation and a HELP answer go out to an opted-out
    // lead; every other SMS to one is suppressed when its turn comes.
    if (reply.compliance.starts_with("opt_out") || reply.compliance == "help") {
      sms["compliance"] = reply.compliance;
    }
    if (!policy.status_callback.empty()) sms["status_callback"] = policy.status_callback;
    out.push_back({"sms", outbox_key("sms", reply.in_reply_to_sid), reply.contact, sms.dump()});
  }
  if (!policy.crm) return out;
  if (!reply.inbound_body.empty() || !reply.body.empty()) {
    out.push_back({"crm_message", outbox_key("crm_message", reply.in_reply_to_sid), reply.contact,
                   nlohmann::json{{"inbound", reply.inbound_body}, {"reply", reply.body}}.dump()});
  }
  if (!reply.temperature_from.empty()) {
    out.push_back({"crm_tags", outbox_key("crm_tags", reply.in_reply_to_sid), reply.contact,
                   crm::to_json(crm::temperature_tags(reply.state.temperature))});
  }
  if (!reply.escalation_reason.empty()) {
    out.push_back({"crm_note", outbox_key("crm_note", reply.in_reply_to_sid), reply.contact,
                   nlohmann::json{{"body", "agent wanted: " + reply.escalation_reason}}.dump()});
  }
  if (!reply.agent_request.empty()) {
    // Its own key: an escalation note of the same message stays a separate row.
    out.push_back({"crm_note", outbox_key("crm_request", reply.in_reply_to_sid), reply.contact,
                   nlohmann::json{{"body", reply.agent_request}}.dump()});
  }
  if (!reply.hot_lead.empty()) {
    // A lead turning Hot while the bot keeps answering: the agent hears of
    // it once per inbound message, like a tour request.
    out.push_back({"crm_note", outbox_key("crm_hot", reply.in_reply_to_sid), reply.contact,
                   nlohmann::json{{"body", reply.hot_lead}}.dump()});
  }
  return out;
}

namespace {

constexpr const char* claim_due = "outbox_claim_due";
constexpr const char* record_attempt = "outbox_record_attempt";
constexpr const char* sms_accepted = "outbox_sms_accepted";
constexpr const char* sms_failed = "outbox_sms_failed";
constexpr const char* find_sent = "outbox_find_sent";
constexpr const char* set_delivery = "outbox_set_delivery";
constexpr const char* set_message_status = "outbox_set_message_status";
constexpr const char* opted_out_sms = "outbox_opted_out_sms";

void prepare_all(pqxx::connection& c) {
  // Oldest due first; rows another worker holds are skipped, not waited for.
  c.prepare(claim_due,
            "SELECT id, kind, idempotency_key, contact, payload::text, attempts FROM outbox "
            "WHERE market = $1 AND status = 'pending' "
            "AND next_attempt_at <= to_timestamp($2::bigint / 1000.0) "
            "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED");
  c.prepare(record_attempt,
            "UPDATE outbox SET status = $2, attempts = $3, "
            "next_attempt_at = to_timestamp($4::bigint / 1000.0), "
            "sent_at = CASE WHEN $2 = 'sent' THEN to_timestamp($5::bigint / 1000.0) END, "
            "provider_id = NULLIF($6, ''), last_error = NULLIF($7, '') "
            "WHERE id = $1 RETURNING message_id");
  // Twilio's sid becomes the outbound message's provider_sid: delivery
  // reports find it there.
  c.prepare(sms_accepted,
            "UPDATE messages SET status = 'queued', provider_sid = NULLIF($2, '') WHERE id = $1");
  c.prepare(sms_failed, "UPDATE messages SET status = 'failed' WHERE id = $1");
  c.prepare(find_sent,
            "SELECT id, coalesce(delivery_status, ''), message_id FROM outbox "
            "WHERE market = $1 AND kind = 'sms' AND provider_id = $2 FOR UPDATE");
  c.prepare(set_delivery, "UPDATE outbox SET delivery_status = $2 WHERE id = $1");
  c.prepare(set_message_status, "UPDATE messages SET status = $2 WHERE id = $1");
  // An SMS whose lead opted out since it was queued (another node's STOP
  // racing a follow-up), unless it is the opt-out's own confirmation.
  c.prepare(opted_out_sms,
            "SELECT EXISTS (SELECT 1 FROM contacts c LEFT JOIN conversation_state cs "
            "ON cs.contact_id = c.id WHERE c.market = $1 AND c.phone = $2 "
            "AND (c.opted_out OR coalesce(cs.opted_out, false))) "
            "AND NOT ($3::jsonb ? 'compliance')");
}

}  // namespace

outbox::outbox(std::string database_url, std::string market)
    : db_(std::make_unique<connection>(std::move(database_url), prepare_all)),
      market_(std::move(market)) {}

outbox::~outbox() = default;

std::optional<std::pair<outbox_row, attempt_record>> outbox::send_next(
    std::int64_t now_ms, const std::function<attempt_record(const outbox_row&)>& send) {
  return db_->transact(
      [&](pqxx::work& txn) -> std::optional<std::pair<outbox_row, attempt_record>> {
        const auto due = txn.exec_prepared(claim_due, market_, now_ms);
        if (due.empty()) return std::nullopt;
        outbox_row row;
        row.id = due[0][0].as<std::int64_t>();
        row.kind = due[0][1].as<std::string>();
        row.key = due[0][2].as<std::string>();
        row.contact = due[0][3].as<std::string>();
        row.payload = due[0][4].as<std::string>();
        row.attempts = due[0][5].as<int>();
        attempt_record rec;
        if (row.kind == "sms" &&
            txn.exec_prepared1(opted_out_sms, market_, row.contact, row.payload)[0].as<bool>()) {
          rec.update = {"failed", row.attempts, now_ms};
          rec.error = std::string{suppressed_error};
        } else {
          rec = send(row);
        }
        const auto& u = rec.update;
        const auto message =
            txn.exec_prepared1(record_attempt, row.id, u.status, u.attempts, u.next_attempt_at_ms,
                               now_ms, rec.provider_id, rec.error);
        if (row.kind == "sms" && !message[0].is_null()) {
          const auto message_id = message[0].as<std::int64_t>();
          if (u.status == "sent") {
            txn.exec_prepared(sms_accepted, message_id, rec.provider_id);
          } else if (u.status == "failed") {
            txn.exec_prepared(sms_failed, message_id);
          }
        }
        return std::make_pair(std::move(row), std::move(rec));
      });
}

bool outbox::record_delivery(const std::string& message_sid, const std::string& status) {
  return db_->transact([&](pqxx::work& txn) {
    const auto found = txn.exec_prepared(find_sent, market_, message_sid);
    if (found.empty()) return false;
    const auto id = found[0][0].as<std::int64_t>();
    if (runtime::delivery_status_advances(found[0][1].as<std::string>(), status)) {
      txn.exec_prepared(set_delivery, id, status);
      if (!found[0][2].is_null()) {
        txn.exec_prepared(set_message_status, found[0][2].as<std::int64_t>(), status);
      }
    }
    return true;
  });
}

}  // namespace openhouse::postgres
