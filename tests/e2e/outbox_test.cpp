// Outbound exactly once, end to end: the real binary in REST mode against a
// local mock of Twilio's REST API and of the CRM's API (tests/support/
// mock_http). A reply is one Messages.json call with basic auth, a failed
// attempt is retried under the same idempotency token, a node killed before
// the send sends it after a restart, a temperature change tags the contact in
// the CRM, and Twilio's delivery report updates the message.

#include "integrations/twilio/signature.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/mock_http.hpp"
#include "tests/support/services.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <csignal>

#include <catch2/catch.hpp>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;
using test::mock_http;

namespace {

constexpr const char* account_sid = "AC00000000000000000000000000000001";
constexpr const char* messages_path =
    "/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json";

/// The environment of a node sending through `twilio` (and `crm`, if given).
std::map<std::string, std::string> rest_env(const std::string& twilio,
                                            const std::string& crm = {}) {
  return {{"OPENHOUSE_TWILIO_MODE", "rest"},
          {"TWILIO_ACCOUNT_SID", account_sid},
          {"OPENHOUSE_TWILIO_API_URL", twilio},
          {"OPENHOUSE_TWILIO_STATUS_CALLBACK", std::string{public_url} + "/webhooks/twilio/status"},
          {"OPENHOUSE_CRM_API_URL", crm},
          {"OPENHOUSE_CRM_API_TOKEN", crm.empty() ? "" : "crm-e2e-token"},
          {"OPENHOUSE_OUTBOX_POLL_MS", "50"},
          {"OPENHOUSE_OUTBOX_BASE_DELAY_MS", "50"}};
}

std::string query_text(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  const auto r = tx.exec(sql);
  return r.empty() || r[0][0].is_null() ? std::string{} : r[0][0].as<std::string>();
}

bool is_empty_twiml(const std::string& body) {
  return body.find("<Response/>") != std::string::npos;
}

test::http_result post_status(http_client& c, const std::string& base,
                              const std::map<std::string, std::string>& params,
                              std::optional<std::string> signature = std::nullopt) {
  const std::vector<twilio::param> signed_params(params.begin(), params.end());
  const auto sig = signature.value_or(twilio::compute_signature(
      auth_token, std::string{public_url} + "/webhooks/twilio/status", signed_params));
  return c.post(
      base + "/webhooks/twilio/status", test::form_body(params),
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", sig}});
}

}  // namespace

TEST_CASE("REST mode: one Messages.json call per reply and a redelivery sends nothing",
          "[e2e][outbox]") {
  test::scratch_database db;
  simulator sim;
  mock_http twilio;
  node n{db.url(), sim.url(), test::redis_url(), rest_env(twilio.url())};
  http_client c;
  const std::string lead = "+19095558101";

  auto r = post_sms(c, n.url(), sms_params(sid(1), lead, "Hi, what areas do you cover?"));
  REQUIRE(r.status == 200);
  CHECK(is_empty_twiml(r.body));  // the reply leaves through the outbox
  REQUIRE(twilio.wait_for(messages_path, 1));
  auto calls = twilio.requests_to(messages_path);
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].method == "POST");
  // base64("<account sid>:e2e-auth-token")
  CHECK(calls[0].headers["authorization"] ==
        "Basic QUMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMTplMmUtYXV0aC10b2tlbg==");
  CHECK(calls[0].headers["i-twilio-idempotency-token"] == "sms:" + sid(1));
  CHECK_THAT(calls[0].body, Catch::Contains("To=%2B19095558101"));
  CHECK_THAT(calls[0].body, Catch::Contains("From=%2B19095550100"));
  CHECK_THAT(calls[0].body, Catch::Contains("StatusCallback="));
  const auto body_in_db =
      query_text(db.url(), "SELECT body FROM messages WHERE direction = 'outbound'");
  CHECK_THAT(calls[0].body, Catch::Contains("Body="));
  CHECK_FALSE(body_in_db.empty());

  // Twilio redelivers the same webhook: still one row, nothing more to send.
  auto again = post_sms(c, n.url(), sms_params(sid(1), lead, "Hi, what areas do you cover?"));
  CHECK(again.status == 200);
  CHECK(is_empty_twiml(again.body));
  CHECK(query_long(db.url(), "SELECT count(*) FROM outbox") == 1);
  // A later message is sent after it; by then a second send of sid(1) would
  // have happened too (one worker, oldest row first).
  post_sms(c, n.url(), sms_params(sid(2), lead, "And Riverside?"));
  REQUIRE(twilio.wait_for(messages_path, 2));
  calls = twilio.requests_to(messages_path);
  CHECK(calls.size() == 2);
  CHECK(calls[1].headers["i-twilio-idempotency-token"] == "sms:" + sid(2));
  // The worker records a send after Twilio answers it: once a third send is
  // seen, the first two are on record (one worker, one row at a time).
  post_sms(c, n.url(), sms_params(sid(3), lead, "thanks"));
  REQUIRE(twilio.wait_for(messages_path, 3));
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM outbox WHERE status = 'sent' AND "
                   "provider_id LIKE 'SMmock%' AND idempotency_key IN ('sms:" +
                       sid(1) + "', 'sms:" + sid(2) + "')") == 2);
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM messages WHERE direction = 'outbound' AND "
                   "status = 'queued' AND provider_sid LIKE 'SMmock%'") >= 2);
  CHECK_THAT(c.get(n.url() + "/metrics").body,
             Catch::Contains(R"(openhouse_outbox_attempts_total{kind="sms",outcome="sent"} )"));
}

TEST_CASE("a failed send is retried under the same idempotency token", "[e2e][outbox]") {
  test::scratch_database db;
  simulator sim;
  mock_http twilio;
  twilio.fail_next(1);
  node n{db.url(), sim.url(), test::redis_url(), rest_env(twilio.url())};
  http_client c;
  auto r = post_sms(c, n.url(), sms_params(sid(1), "+19095558102", "Hello there"));
  REQUIRE(r.status == 200);
  REQUIRE(twilio.wait_for(messages_path, 2));
  // The row is marked sent in the transaction that held it; the next poll
  // finds nothing. A third request would be a second SMS.
  post_sms(c, n.url(), sms_params(sid(2), "+19095558102", "Still there?"));
  REQUIRE(twilio.wait_for(messages_path, 3));
  auto calls = twilio.requests_to(messages_path);
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].headers["i-twilio-idempotency-token"] == "sms:" + sid(1));
  CHECK(calls[1].headers["i-twilio-idempotency-token"] == "sms:" + sid(1));
  CHECK(calls[2].headers["i-twilio-idempotency-token"] == "sms:" + sid(2));
  CHECK(query_long(db.url(), "SELECT attempts FROM outbox WHERE idempotency_key = 'sms:" + sid(1) +
                                 "' AND status = 'sent'") == 2);
  CHECK_THAT(c.get(n.url() + "/metrics").body,
             Catch::Contains(R"(openhouse_outbox_attempts_total{kind="sms",outcome="retry"} 1)"));
}

TEST_CASE("a node killed before the send sends the SMS once after a restart", "[e2e][outbox]") {
  test::scratch_database db;
  simulator sim;
  // Nothing listens where the first node sends: its attempts fail.
  std::string down_url;
  {
    mock_http gone;
    down_url = gone.url();
  }
  {
    node n{db.url(), sim.url(), test::redis_url(), rest_env(down_url)};
    http_client c;
    auto r = post_sms(c, n.url(), sms_params(sid(1), "+19095558103", "Hi, I'd like to sell"));
    REQUIRE(r.status == 200);
    CHECK(is_empty_twiml(r.body));
    n.stop(SIGKILL);
  }
  CHECK(query_long(db.url(), "SELECT count(*) FROM outbox WHERE status = 'pending'") == 1);
  mock_http twilio;
  node n{db.url(), sim.url(), test::redis_url(), rest_env(twilio.url())};
  REQUIRE(twilio.wait_for(messages_path, 1));
  // Proof that nothing else is queued: a new message's send comes next.
  http_client c;
  post_sms(c, n.url(), sms_params(sid(2), "+19095558103", "Are you there?"));
  REQUIRE(twilio.wait_for(messages_path, 2));
  auto calls = twilio.requests_to(messages_path);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].headers["i-twilio-idempotency-token"] == "sms:" + sid(1));
  CHECK(calls[1].headers["i-twilio-idempotency-token"] == "sms:" + sid(2));
  // A send is recorded after Twilio answers it: once a third is seen, the
  // first two are on record (one worker, one row at a time).
  post_sms(c, n.url(), sms_params(sid(3), "+19095558103", "hello?"));
  REQUIRE(twilio.wait_for(messages_path, 3));
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM outbox WHERE status = 'sent' AND "
                   "idempotency_key IN ('sms:" +
                       sid(1) + "', 'sms:" + sid(2) + "')") == 2);
}

TEST_CASE("a temperature change syncs the CRM tags through the outbox", "[e2e][outbox]") {
  test::scratch_database db;
  simulator sim;
  mock_http api;
  node n{db.url(), sim.url(), test::redis_url(), rest_env(api.url(), api.url() + "/crm")};
  http_client c;
  const std::string lead = "+19095558104";
  auto r = post_sms(c, n.url(),
                    sms_params(sid(1), lead,
                               "I want to buy a 3 bedroom house in Fontana, I'm pre-approved for "
                               "$550k and want to move in 2 months"));
  REQUIRE(r.status == 200);
  const auto temperature = query_text(db.url(), "SELECT temperature FROM conversation_state");
  REQUIRE(temperature != "cold");
  const std::string tags_path = "/crm/contacts/%2B19095558104/tags";
  REQUIRE(api.wait_for(tags_path, 2));
  auto calls = api.requests_to(tags_path);
  REQUIRE(calls.size() == 2);
  const std::string tag = temperature == "hot" ? "Hot-Lead" : "Warm-Lead";
  CHECK(calls[0].method == "POST");
  CHECK(calls[0].body == R"({"tags":[")" + tag + R"("]})");
  CHECK(calls[0].headers["authorization"] == "Bearer crm-e2e-token");
  CHECK(calls[0].headers["idempotency-key"] == "crm_tags:" + sid(1) + ":add");
  CHECK(calls[1].method == "DELETE");
  CHECK_THAT(calls[1].body, Catch::Contains("Cold-Lead"));
  CHECK_THAT(calls[1].body, !Catch::Contains(tag));
  // The exchange is in the CRM's conversation: the lead's text, then the reply.
  const std::string log_path = "/crm/contacts/%2B19095558104/messages";
  REQUIRE(api.wait_for(log_path, 2));
  auto logged = api.requests_to(log_path);
  REQUIRE(logged.size() == 2);
  CHECK(nlohmann::json::parse(logged[0].body)["direction"] == "inbound");
  CHECK_THAT(logged[0].body, Catch::Contains("pre-approved for"));
  CHECK(nlohmann::json::parse(logged[1].body)["direction"] == "outbound");
  CHECK(logged[1].headers["idempotency-key"] == "crm_message:" + sid(1) + ":out");
  // The tag row is recorded after the CRM answers: once the next reply's SMS
  // is seen, it is on record (one worker, oldest row first).
  post_sms(c, n.url(), sms_params(sid(2), lead, "thanks"));
  REQUIRE(api.wait_for(messages_path, 2));
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM outbox WHERE kind = 'crm_tags' AND "
                   "status = 'sent'") == 1);
}

TEST_CASE("POST /webhooks/twilio/status updates the sent message", "[e2e][outbox]") {
  test::scratch_database db;
  simulator sim;
  mock_http twilio;
  node n{db.url(), sim.url(), test::redis_url(), rest_env(twilio.url())};
  http_client c;
  post_sms(c, n.url(), sms_params(sid(1), "+19095558105", "Hi there"));
  REQUIRE(twilio.wait_for(messages_path, 1));
  // The mock's answer (the sid) is recorded with the row when it is marked
  // sent, in the same transaction; wait for a later send to be sure.
  post_sms(c, n.url(), sms_params(sid(2), "+19095558105", "Hello?"));
  REQUIRE(twilio.wait_for(messages_path, 2));
  post_sms(c, n.url(), sms_params(sid(3), "+19095558105", "Anyone?"));
  REQUIRE(twilio.wait_for(messages_path, 3));
  const auto provider_sid = query_text(
      db.url(), "SELECT provider_id FROM outbox WHERE idempotency_key = 'sms:" + sid(1) + "'");
  REQUIRE_FALSE(provider_sid.empty());

  auto ok = post_status(
      c, n.url(),
      {{"MessageSid", provider_sid}, {"MessageStatus", "delivered"}, {"AccountSid", account_sid}});
  CHECK(ok.status == 200);
  CHECK_THAT(ok.body, Catch::Contains("recorded"));
  CHECK(query_text(db.url(), "SELECT status FROM messages WHERE provider_sid = '" + provider_sid +
                                 "'") == "delivered");
  CHECK(query_text(db.url(), "SELECT delivery_status FROM outbox WHERE provider_id = '" +
                                 provider_sid + "'") == "delivered");
  // A late "sent" never moves a delivered message back.
  CHECK(post_status(c, n.url(), {{"MessageSid", provider_sid}, {"MessageStatus", "sent"}}).status ==
        200);
  CHECK(query_text(db.url(), "SELECT status FROM messages WHERE provider_sid = '" + provider_sid +
                                 "'") == "delivered");

  auto unknown =
      post_status(c, n.url(), {{"MessageSid", "SMunknown"}, {"MessageStatus", "failed"}});
  CHECK(unknown.status == 200);
  CHECK_THAT(unknown.body, Catch::Contains("unknown"));
  CHECK(post_status(c, n.url(), {{"MessageSid", provider_sid}, {"MessageStatus", "failed"}},
                    std::string{"bad-signature"})
            .status == 403);
  CHECK(post_status(c, n.url(), {{"MessageSid", provider_sid}}).status == 400);
  CHECK(post_status(c, n.url(), {{"MessageSid", provider_sid}, {"MessageStatus", "read"}}).status ==
        400);
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages WHERE status = 'failed'") == 0);
}

TEST_CASE("a tour request reaches the agent as a CRM note, once", "[e2e][outbox][bots]") {
  test::scratch_database db;
  simulator sim;
  mock_http api;
  node n{db.url(), sim.url(), test::redis_url(), rest_env(api.url(), api.url() + "/crm")};
  http_client c;
  const std::string lead = "+19095558105";
  const std::string text = "Can we tour the house on Saturday? or set up a showing";
  REQUIRE(post_sms(c, n.url(), sms_params(sid(1), lead, text)).status == 200);
  // A redelivery of the same message adds no second note.
  REQUIRE(post_sms(c, n.url(), sms_params(sid(1), lead, text)).status == 200);
  const std::string notes_path = "/crm/contacts/%2B19095558105/notes";
  REQUIRE(api.wait_for(notes_path, 1));
  // The lead still gets the bot's answer.
  REQUIRE(api.wait_for(messages_path, 1));
  // Wait for a later send, after which the note's row is on record.
  REQUIRE(post_sms(c, n.url(), sms_params(sid(2), lead, "thanks")).status == 200);
  REQUIRE(api.wait_for(messages_path, 2));
  auto notes = api.requests_to(notes_path);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].headers["idempotency-key"] == "crm_request:" + sid(1));
  CHECK(nlohmann::json::parse(notes[0].body)["body"] ==
        "Tour or appointment requested (lead bot): \"" + text + "\"");
  CHECK(query_long(db.url(), "SELECT count(*) FROM outbox WHERE kind = 'crm_note'") == 1);
}
