// The outbox's plain functions: Twilio and CRM requests, form encoding, the
// retry rules, the rows a reply writes, and one attempt against a fake HTTP.

#include "integrations/postgres/outbox.hpp"
#include "agents/outbox_retry.hpp"
#include "integrations/crm/api_request.hpp"
#include "integrations/twilio/rest_request.hpp"
#include "runtime/outbox_worker.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

using namespace openhouse;
using namespace std::chrono_literals;

namespace {

config::market_config rest_market() {
  config::market_config cfg;
  cfg.market.phone_number = "+19095550100";
  cfg.twilio.mode = config::reply_mode::rest;
  cfg.twilio.account_sid = "AC123";
  cfg.twilio.auth_token = "secret";
  cfg.twilio.api_base_url = "http://127.0.0.1:9300";
  cfg.crm.base_url = "http://crm.test/v1";
  cfg.crm.api_token = "crm-token";
  cfg.outbox.base_delay = 100ms;
  cfg.outbox.max_delay = 1000ms;
  cfg.outbox.max_attempts = 4;
  return cfg;
}

bool has_header(const http::outbound_request& r, const std::string& line) {
  return std::find(r.headers.begin(), r.headers.end(), line) != r.headers.end();
}

}  // namespace

TEST_CASE("Twilio Messages.json request with basic auth and form body and idempotency token",
          "[outbox][twilio]") {
  const auto cfg = rest_market();
  const auto req = twilio::message_request(
      cfg.twilio, {"+19095558001", "+19095550100", "Hi & welcome!", "https://x.test/cb"},
      "sms:SM1");
  CHECK(req.method == "POST");
  CHECK(req.url == "http://127.0.0.1:9300/2010-04-01/Accounts/AC123/Messages.json");
  // base64("AC123:secret")
  CHECK(has_header(req, "Authorization: Basic QUMxMjM6c2VjcmV0"));
  CHECK(has_header(req, "Content-Type: application/x-www-form-urlencoded"));
  CHECK(has_header(req, "I-Twilio-Idempotency-Token: sms:SM1"));
  CHECK(req.body ==
        "To=%2B19095558001&From=%2B19095550100&Body=Hi%20%26%20welcome%21&StatusCallback="
        "https%3A%2F%2Fx.test%2Fcb");
  const auto no_callback = twilio::message_request(cfg.twilio, {"+1", "+2", "b", ""}, "k");
  CHECK(no_callback.body == "To=%2B1&From=%2B2&Body=b");
}

TEST_CASE("basic auth and form encoding", "[outbox][twilio]") {
  CHECK(twilio::basic_auth("a", "b") == "Basic YTpi");
  CHECK(twilio::basic_auth("user", "pass:word") == "Basic dXNlcjpwYXNzOndvcmQ=");
  CHECK(twilio::form_encode({{"A b", "c=d"}, {"e", ""}}) == "A%20b=c%3Dd&e=");
  CHECK(twilio::messages_url("https://api.twilio.com/", "AC1") ==
        "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json");
  CHECK(twilio::message_sid(R"({"sid":"SM9","status":"queued"})") == "SM9");
  CHECK(twilio::message_sid("not json").empty());
}

TEST_CASE("CRM tag sync adds the new temperature and removes the other two", "[outbox][crm]") {
  const auto hot = crm::temperature_tags(agents::temperature::hot);
  CHECK(hot.add == std::vector<std::string>{"Hot-Lead"});
  CHECK(hot.remove == std::vector<std::string>{"Warm-Lead", "Cold-Lead"});
  const auto cold = crm::temperature_tags(agents::temperature::cold);
  CHECK(cold.add == std::vector<std::string>{"Cold-Lead"});
  const auto round = crm::tag_sync_from_json(crm::to_json(hot));
  CHECK(round.add == hot.add);
  CHECK(round.remove == hot.remove);

  const auto cfg = rest_market();
  const auto reqs = crm::tag_requests(cfg.crm, "+19095558001", hot, "crm_tags:SM1");
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].url == "http://crm.test/v1/contacts/%2B19095558001/tags");
  CHECK(nlohmann::json::parse(reqs[0].body) == nlohmann::json{{"tags", {"Hot-Lead"}}});
  CHECK(has_header(reqs[0], "Authorization: Bearer crm-token"));
  CHECK(has_header(reqs[0], "Idempotency-Key: crm_tags:SM1:add"));
  CHECK(reqs[1].method == "DELETE");
  CHECK(nlohmann::json::parse(reqs[1].body) ==
        nlohmann::json{{"tags", {"Warm-Lead", "Cold-Lead"}}});
  CHECK(has_header(reqs[1], "Idempotency-Key: crm_tags:SM1:remove"));
  CHECK(crm::tag_requests(cfg.crm, "+1", crm::tag_sync{{"x"}, {}}, "k").size() == 1);

  const auto note = crm::note_request(cfg.crm, "+19095558001", "agent wanted: distress", "n:1");
  CHECK(note.url == "http://crm.test/v1/contacts/%2B19095558001/notes");
  CHECK(nlohmann::json::parse(note.body) == nlohmann::json{{"body", "agent wanted: distress"}});
}

TEST_CASE("retry rules: classification and capped exponential backoff and attempts", "[outbox]") {
  using runtime::send_verdict;
  const std::vector<std::pair<long, send_verdict>> table{
      {200, send_verdict::sent},   {201, send_verdict::sent},   {0, send_verdict::retry},
      {408, send_verdict::retry},  {429, send_verdict::retry},  {500, send_verdict::retry},
      {503, send_verdict::retry},  {400, send_verdict::failed}, {401, send_verdict::failed},
      {404, send_verdict::failed}, {302, send_verdict::failed}};
  for (const auto& [status, verdict] : table) {
    INFO(status);
    CHECK(runtime::classify(status) == verdict);
  }
  const auto cfg = rest_market();
  CHECK(runtime::backoff(1, cfg.outbox) == 100ms);
  CHECK(runtime::backoff(2, cfg.outbox) == 200ms);
  CHECK(runtime::backoff(4, cfg.outbox) == 800ms);
  CHECK(runtime::backoff(5, cfg.outbox) == 1000ms);
  CHECK(runtime::backoff(60, cfg.outbox) == 1000ms);

  auto u = runtime::after_attempt(0, send_verdict::retry, 10'000, cfg.outbox);
  CHECK(u.status == "pending");
  CHECK(u.attempts == 1);
  CHECK(u.next_attempt_at_ms == 10'100);
  u = runtime::after_attempt(2, send_verdict::retry, 10'000, cfg.outbox);
  CHECK(u.next_attempt_at_ms == 10'400);
  CHECK(runtime::after_attempt(3, send_verdict::retry, 0, cfg.outbox).status == "failed");
  CHECK(runtime::after_attempt(0, send_verdict::failed, 0, cfg.outbox).status == "failed");
  CHECK(runtime::after_attempt(5, send_verdict::sent, 0, cfg.outbox).status == "sent");
}

TEST_CASE("delivery statuses only move forward", "[outbox]") {
  CHECK(runtime::delivery_status_advances("", "queued"));
  CHECK(runtime::delivery_status_advances("queued", "sent"));
  CHECK(runtime::delivery_status_advances("sent", "delivered"));
  CHECK_FALSE(runtime::delivery_status_advances("delivered", "sent"));
  CHECK_FALSE(runtime::delivery_status_advances("delivered", "failed"));
  CHECK_FALSE(runtime::delivery_status_advances("sent", "sent"));
  CHECK_FALSE(runtime::delivery_status_advances("", "bogus"));
  CHECK(runtime::is_delivery_status("undelivered"));
  CHECK_FALSE(runtime::is_delivery_status("read"));
}

TEST_CASE("replies_queue_rows is false exactly when no reply can write a row", "[outbox]") {
  // A reply with everything that can make a row: a body, the inbound text, a
  // temperature change, an escalation and an agent request.
  runtime::outbound_reply reply;
  reply.contact = "+19095558001";
  reply.in_reply_to_sid = "SM1";
  reply.body = "Hello";
  reply.inbound_body = "I want a tour";
  reply.state.temperature = openhouse::agents::temperature::hot;
  reply.temperature_from = "warm";
  reply.escalation_reason = "distress: probate";
  reply.agent_request = "tour";
  reply.hot_lead = "Hot lead";
  struct row {
    bool sms;
    bool crm;
  };
  for (const auto r : {row{false, false}, row{true, false}, row{false, true}, row{true, true}}) {
    postgres::outbox_policy policy;
    policy.sms = r.sms;
    policy.crm = r.crm;
    INFO("sms " << r.sms << ", crm " << r.crm);
    CHECK(postgres::replies_queue_rows(policy) == !postgres::outbox_items(reply, policy).empty());
  }
  CHECK_FALSE(postgres::replies_queue_rows(postgres::outbox_policy_of(config::market_config{})));
  CHECK(postgres::replies_queue_rows(postgres::outbox_policy_of(rest_market())));
}

TEST_CASE("the rows a reply writes are keyed by the inbound MessageSid", "[outbox]") {
  runtime::outbound_reply reply;
  reply.contact = "+19095558001";
  reply.in_reply_to_sid = "SM1";
  reply.body = "Hello";
  reply.state.temperature = openhouse::agents::temperature::hot;
  const auto policy = postgres::outbox_policy_of(rest_market());
  CHECK(postgres::outbox_key("sms", "SM1") == "sms:SM1");

  SECTION("a plain REST reply: one SMS row, then the CRM log") {
    const auto items = postgres::outbox_items(reply, policy);
    REQUIRE(items.size() == 2);
    CHECK(items[1].kind == "crm_message");
    CHECK(items[0].kind == "sms");
    CHECK(items[0].key == "sms:SM1");
    CHECK(nlohmann::json::parse(items[0].payload) ==
          nlohmann::json{{"to", "+19095558001"}, {"from", "+19095550100"}, {"body", "Hello"}});
  }
  SECTION("TwiML mode, no CRM: nothing") {
    CHECK(postgres::outbox_items(reply, postgres::outbox_policy{}).empty());
  }
  SECTION("an empty reply (opt-out) sends nothing") {
    reply.body.clear();
    CHECK(postgres::outbox_items(reply, policy).empty());
  }
  SECTION("with a CRM: the exchange is logged in the CRM's conversation") {
    reply.inbound_body = "hi there";
    const auto items = postgres::outbox_items(reply, policy);
    REQUIRE(items.size() == 2);
    CHECK(items[1].kind == "crm_message");
    CHECK(items[1].key == "crm_message:SM1");
    CHECK(nlohmann::json::parse(items[1].payload) ==
          nlohmann::json{{"inbound", "hi there"}, {"reply", "Hello"}});
  }
  SECTION("a temperature change and an escalation") {
    reply.temperature_from = "warm";
    reply.escalation_reason = "distress: probate";
    const auto items = postgres::outbox_items(reply, policy);
    REQUIRE(items.size() == 4);
    CHECK(items[1].kind == "crm_message");
    CHECK(items[2].kind == "crm_tags");
    CHECK(items[2].key == "crm_tags:SM1");
    CHECK(items[2].payload == crm::to_json(crm::temperature_tags(agents::temperature::hot)));
    CHECK(items[3].kind == "crm_note");
    CHECK(nlohmann::json::parse(items[3].payload)["body"] == "agent wanted: distress: probate");
  }
  SECTION("a tour request: a note for the agent, keyed apart from an escalation note") {
    reply.escalation_reason = "human_request";
    reply.agent_request = "Tour or appointment requested (buyer bot): \"sat at 2?\"";
    const auto items = postgres::outbox_items(reply, policy);
    REQUIRE(items.size() == 4);
    CHECK(items[2].kind == "crm_note");
    CHECK(items[3].kind == "crm_note");
    CHECK(items[3].key == "crm_request:SM1");
    CHECK(items[2].key != items[3].key);
    CHECK(nlohmann::json::parse(items[3].payload)["body"] == reply.agent_request);
  }
  SECTION("a lead turning Hot while the bot answers: a note of its own, once per sid") {
    reply.temperature_from = "warm";
    reply.agent_request = "Tour or appointment requested (buyer bot): \"sun at 11?\"";
    reply.hot_lead = "Hot lead (FRS 90, PCS 82): pre-approved. Latest text: \"cash offer\"";
    const auto items = postgres::outbox_items(reply, policy);
    REQUIRE(items.size() == 5);
    CHECK(items[4].kind == "crm_note");
    CHECK(items[4].key == "crm_hot:SM1");
    CHECK(items[3].key == "crm_request:SM1");
    CHECK(nlohmann::json::parse(items[4].payload)["body"] == reply.hot_lead);
    // The same inbound message always yields the same rows.
    const auto again = postgres::outbox_items(reply, policy);
    CHECK(again[4].key == items[4].key);
    auto no_crm = policy;
    no_crm.crm = false;
    CHECK(postgres::outbox_items(reply, no_crm).size() == 1);  // the SMS alone
  }
  SECTION("no CRM configured: no tag rows") {
    reply.temperature_from = "warm";
    auto p = policy;
    p.crm = false;
    CHECK(postgres::outbox_items(reply, p).size() == 1);
  }
}

TEST_CASE("one attempt: sent with the provider id or retried or failed", "[outbox]") {
  const auto cfg = rest_market();
  postgres::outbox_row sms{1,
                           "sms",
                           "sms:SM1",
                           "+19095558001",
                           R"({"to":"+19095558001","from":"+19095550100","body":"Hi"})",
                           0};
  std::vector<http::outbound_request> sent;
  auto answer = [&sent](long status, std::string body) {
    return [&sent, status, body](const http::outbound_request& r) {
      sent.push_back(r);
      return http::outbound_response{status, body, status == 0 ? "refused" : ""};
    };
  };
  auto rec = runtime::attempt(sms, cfg, 1000, answer(201, R"({"sid":"SM77"})"));
  CHECK(rec.update.status == "sent");
  CHECK(rec.provider_id == "SM77");
  REQUIRE(sent.size() == 1);
  CHECK(has_header(sent[0], "I-Twilio-Idempotency-Token: sms:SM1"));

  rec = runtime::attempt(sms, cfg, 1000, answer(0, ""));
  CHECK(rec.update.status == "pending");
  CHECK(rec.update.next_attempt_at_ms == 1100);
  CHECK_THAT(rec.error, Catch::Contains("refused"));

  rec = runtime::attempt(sms, cfg, 1000, answer(400, R"({"message":"bad To"})"));
  CHECK(rec.update.status == "failed");
  CHECK_THAT(rec.error, Catch::Contains("HTTP 400"));

  // A tag sync stops at the first failure and is retried whole.
  sent.clear();
  postgres::outbox_row tags{2,
                            "crm_tags",
                            "crm_tags:SM1",
                            "+19095558001",
                            crm::to_json(crm::temperature_tags(agents::temperature::warm)),
                            1};
  rec = runtime::attempt(tags, cfg, 0, answer(503, ""));
  CHECK(rec.update.status == "pending");
  CHECK(rec.update.attempts == 2);
  CHECK(sent.size() == 1);
  sent.clear();
  rec = runtime::attempt(tags, cfg, 0, answer(200, "{}"));
  CHECK(rec.update.status == "sent");
  CHECK(sent.size() == 2);

  auto no_crm = cfg;
  no_crm.crm.base_url.clear();
  CHECK(runtime::attempt(tags, no_crm, 0, answer(200, "{}")).update.status == "failed");
}

TEST_CASE("the CRM conversation log: one request per non-empty side, keyed apart",
          "[outbox][crm]") {
  config::crm_settings crm;
  crm.base_url = "https://crm.example/v1";
  crm.api_token = "tok";
  auto both = crm::message_requests(crm, "+19095558001", "is it still available?", "Yes, it is.",
                                    "crm_message:SM9");
  REQUIRE(both.size() == 2);
  CHECK(both[0].method == "POST");
  CHECK(both[0].url == "https://crm.example/v1/contacts/%2B19095558001/messages");
  CHECK(nlohmann::json::parse(both[0].body) ==
        nlohmann::json{{"direction", "inbound"}, {"body", "is it still available?"}});
  CHECK(nlohmann::json::parse(both[1].body) ==
        nlohmann::json{{"direction", "outbound"}, {"body", "Yes, it is."}});
  const auto has = [](const std::vector<std::string>& headers, const std::string& h) {
    return std::find(headers.begin(), headers.end(), h) != headers.end();
  };
  CHECK(has(both[0].headers, "Idempotency-Key: crm_message:SM9:in"));
  CHECK(has(both[1].headers, "Idempotency-Key: crm_message:SM9:out"));
  CHECK(has(both[1].headers, "Authorization: Bearer tok"));
  // An opt-out gets no reply: only the lead's STOP is logged.
  const auto stop = crm::message_requests(crm, "+19095558001", "STOP", "", "crm_message:SM10");
  REQUIRE(stop.size() == 1);
  CHECK(nlohmann::json::parse(stop[0].body)["direction"] == "inbound");
  CHECK(crm::message_requests(crm, "+19095558001", "", "", "k").empty());
}
