// POST /webhooks/crm end to end on the real binary, with real Redis and
// PostgreSQL and the LLM simulator: a person's temperature tag applied on one
// node invalidates the lead's cached units on another; a redelivered webhook
// (also after a restart, also to the other node) changes nothing; bad
// signatures, bad JSON and stale timestamps are refused with nothing changed;
// a GoHighLevel InboundMessage is answered like an SMS, once; custom fields
// change the stored facts and scores.

#include "cache/invalidation.hpp"
#include "integrations/crm/signature.hpp"
#include "integrations/redis/client.hpp"
#include "tests/support/crm_keys.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <filesystem>
#include <fstream>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;
using test::http_result;
using json = nlohmann::json;

namespace {

constexpr const char* crm_secret = "e2e-crm-secret";
constexpr const char* market_id = "inland-empire";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The CRM's public key in a file, as the YAML's crm.public_key may name it.
class key_file {
 public:
  key_file()
      : path_(std::filesystem::temp_directory_path() /
              ("openhouse-crm-key-" + std::to_string(now_ms()) + ".pem")) {
    std::ofstream{path_} << test::crm_keys::public_pem;
  }
  ~key_file() { std::filesystem::remove(path_); }
  key_file(const key_file&) = delete;
  key_file& operator=(const key_file&) = delete;
  [[nodiscard]] std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

std::map<std::string, std::string> crm_env(const key_file& key) {
  return {{"OPENHOUSE_CRM_SECRET", crm_secret}, {"OPENHOUSE_CRM_PUBLIC_KEY", key.path()}};
}

/// Posts `body` to /webhooks/crm with exactly these signature headers.
http_result post_crm_as(http_client& c, const node& n, const std::string& body,
                        std::map<std::string, std::string> headers) {
  headers["Content-Type"] = "application/json";
  return c.post(n.url() + "/webhooks/crm", body, headers);
}

/// Posts `body` to /webhooks/crm, HMAC-signed with the shared secret.
http_result post_crm(http_client& c, const node& n, const std::string& body) {
  return post_crm_as(c, n, body, {{"X-CRM-Signature", crm::hmac_sha256_hex(crm_secret, body)}});
}

std::string tag_update(const std::string& webhook_id, const std::string& phone,
                       const std::vector<std::string>& tags, std::int64_t at_ms = now_ms()) {
  return json{{"type", "ContactTagUpdate"},
              {"webhookId", webhook_id},
              {"timestamp", at_ms},
              {"locationId", "loc-1"},
              {"id", "ghl-contact-1"},
              {"phone", phone},
              {"tags", tags}}
      .dump();
}

std::string field_update(const std::string& webhook_id, const std::string& phone,
                         const json& custom_data) {
  return json{{"type", "ContactUpdate"},  {"webhookId", webhook_id}, {"timestamp", now_ms()},
              {"locationId", "loc-1"},    {"id", "ghl-contact-2"},   {"phone", phone},
              {"customData", custom_data}}
      .dump();
}

std::string inbound_message(const std::string& webhook_id, const std::string& message_id,
                            const std::string& phone, const std::string& body) {
  return json{{"type", "InboundMessage"},
              {"webhookId", webhook_id},
              {"timestamp", now_ms()},
              {"locationId", "loc-1"},
              {"contactId", "ghl-contact-3"},
              {"conversationId", "ghl-conv-3"},
              {"messageId", message_id},
              {"messageType", "SMS"},
              {"direction", "inbound"},
              {"phone", phone},
              {"body", body}}
      .dump();
}

std::string query_text(const std::string& database_url, const std::string& sql) {
  pqxx::connection c{database_url};
  pqxx::nontransaction tx{c};
  const auto r = tx.exec(sql);
  return r.empty() || r[0][0].is_null() ? std::string{} : r[0][0].as<std::string>();
}

/// Everything a CRM webhook may change in PostgreSQL, as one comparable text.
std::string crm_footprint(const std::string& database_url) {
  return query_text(
      database_url,
      "SELECT concat_ws('|', (SELECT count(*) FROM crm_webhooks), "
      "(SELECT count(*) FROM temperature_changes), (SELECT count(*) FROM messages), "
      "(SELECT count(*) FROM contacts), "
      "(SELECT string_agg(concat_ws(',', contact_id, temperature, temperature_override, "
      "override_basis, crm_tags, crm_version, facts, frs, pcs, muted), ';' ORDER BY contact_id) "
      "FROM conversation_state))");
}

/// The lead's contact generation in Redis (what every node reads per turn).
long contact_generation(const std::string& database_url, const std::string& contact) {
  const cache::redis_keys keys{"test_" + database_url.substr(database_url.rfind('/') + 1)};
  redis::client r{*redis::parse_url(test::redis_url())};
  const auto v = r.get(keys.contact_generation(market_id, contact));
  return v ? std::stol(*v) : 0;
}

double sample(const std::string& metrics, const std::string& name_and_labels) {
  const auto at = metrics.find(name_and_labels + " ");
  if (at == std::string::npos) {
    return 0;
  }
  return std::stod(metrics.substr(at + name_and_labels.size() + 1));
}

double intent_outcome(http_client& c, const node& n, const std::string& outcome) {
  return sample(c.get(n.url() + "/metrics").body,
                R"(openhouse_cache_requests_total{outcome=")" + outcome + R"(",task="intent"})");
}

}  // namespace

TEST_CASE("a person's Hot-Lead tag on one node invalidates the lead on another, once",
          "[e2e][crm]") {
  test::scratch_database db;
  simulator sim;
  key_file key;
  const std::string lead = "+19095559001";
  // With an email in it the lead's units are contact-scoped (agents/
  // unit_scope): the ones a change of this lead must invalidate.
  const std::string question = "I'm jo.doe@example.com - how much are HOA fees in Fontana?";
  std::optional<node> a{std::in_place, db.url(), sim.url(), test::redis_url(), crm_env(key)};
  node b{db.url(), sim.url(), test::redis_url(), crm_env(key)};
  http_client c;

  // B holds the lead's intent unit in L1.
  REQUIRE(post_sms(c, a->url(), sms_params(sid(1), lead, question)).status == 200);
  REQUIRE(post_sms(c, b.url(), sms_params(sid(2), lead, question)).status == 200);
  REQUIRE(post_sms(c, b.url(), sms_params(sid(3), lead, question)).status == 200);
  REQUIRE(intent_outcome(c, b, "l1") == 1);
  REQUIRE(intent_outcome(c, b, "miss") == 0);
  REQUIRE(query_text(db.url(), "SELECT temperature FROM conversation_state") == "cold");
  const long g0 = contact_generation(db.url(), lead);

  // (a) A person sets Hot-Lead in the CRM; the webhook reaches node A.
  const auto hot = tag_update("wh-hot-1", lead, {"vip", "Hot-Lead"});
  auto res = post_crm(c, *a, hot);
  REQUIRE(res.status == 200);
  auto body = json::parse(res.body);
  CHECK(body.at("status") == "applied");
  CHECK(body.at("temperature") == "hot");
  CHECK(body.at("person_temperature") == true);
  CHECK(contact_generation(db.url(), lead) == g0 + 1);
  CHECK(query_text(db.url(),
                   "SELECT temperature || '/' || temperature_override FROM "
                   "conversation_state") == "hot/hot");
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM temperature_changes WHERE from_temp = 'cold' "
                   "AND to_temp = 'hot'") == 1);

  // B's next turn for the lead is a miss for its contact-scoped units, and
  // B respects the person's temperature (it reloads the lead first).
  const long calls = sim.requests();
  REQUIRE(post_sms(c, b.url(), sms_params(sid(4), lead, question)).status == 200);
  CHECK(intent_outcome(c, b, "miss") == 1);
  CHECK(intent_outcome(c, b, "l1") == 1);
  CHECK(sim.requests() > calls);
  CHECK(query_text(db.url(), "SELECT temperature FROM conversation_state") == "hot");

  // (b) The same webhook again, to either node: acknowledged, nothing changes.
  const auto before = crm_footprint(db.url());
  const long g1 = contact_generation(db.url(), lead);
  for (node* n : {&*a, &b}) {
    res = post_crm(c, *n, hot);
    CHECK(res.status == 200);
    CHECK(json::parse(res.body).at("status") == "duplicate");
  }
  CHECK(contact_generation(db.url(), lead) == g1);
  CHECK(crm_footprint(db.url()) == before);

  // ... also after node A restarts (its memory of the id is gone).
  CHECK(a->stop() == 0);
  a.emplace(db.url(), sim.url(), test::redis_url(), crm_env(key));
  res = post_crm(c, *a, hot);
  CHECK(res.status == 200);
  CHECK(json::parse(res.body).at("status") == "duplicate");
  CHECK(contact_generation(db.url(), lead) == g1);
  CHECK(crm_footprint(db.url()) == before);

  // The runtime's own tag echoed back (Hot-Lead while the lead is hot) and
  // an unrelated tag change the score nothing and bump nothing.
  res = post_crm(c, *a, tag_update("wh-hot-2", lead, {"Hot-Lead"}));
  REQUIRE(res.status == 200);
  body = json::parse(res.body);
  CHECK(body.at("status") == "applied");
  CHECK(body.at("temperature_changed") == false);
  CHECK(contact_generation(db.url(), lead) == g1);
}

TEST_CASE("bad CRM webhooks are refused and change nothing", "[e2e][crm]") {
  test::scratch_database db;
  simulator sim;
  key_file key;
  node n{db.url(), sim.url(), test::redis_url(), crm_env(key)};
  http_client c;
  const std::string lead = "+19095559002";
  REQUIRE(post_sms(c, n.url(), sms_params(sid(1), lead, "Hi, thinking of selling")).status == 200);
  const auto before = crm_footprint(db.url());
  const long g0 = contact_generation(db.url(), lead);
  const auto good = tag_update("wh-bad-1", lead, {"Hot-Lead"});

  // (c) Signatures.
  CHECK(post_crm_as(c, n, good, {}).status == 403);
  CHECK(
      post_crm_as(c, n, good, {{"X-CRM-Signature", crm::hmac_sha256_hex("wrong", good)}}).status ==
      403);
  CHECK(post_crm_as(c, n, good, {{"X-CRM-Signature", "zz"}}).status == 403);
  CHECK(post_crm_as(c, n, good + " ", {{"X-CRM-Signature", crm::hmac_sha256_hex(crm_secret, good)}})
            .status == 403);  // the body is not what was signed
  CHECK(post_crm_as(c, n, good,
                    {{"x-wh-signature",
                      crm::rsa_sha256_sign_base64(test::crm_keys::private_pem, good + "x")}})
            .status == 403);
  CHECK(post_crm_as(c, n, good, {{"x-wh-signature", "not base64!"}}).status == 403);
  // Malformed, correctly signed: 400.
  CHECK(post_crm(c, n, "{not json").status == 400);
  CHECK(post_crm(c, n, R"(["a list"])").status == 400);
  CHECK(post_crm(c, n,
                 json{{"type", "ContactTagUpdate"},
                      {"webhookId", "wh-bad-2"},
                      {"timestamp", now_ms()},
                      {"phone", lead}}
                     .dump())
            .status == 400);  // no tag list
  CHECK(post_crm(c, n, tag_update("wh-bad-3", "9095559002", {"Hot-Lead"})).status == 400);
  CHECK(post_crm(c, n,
                 json{{"type", "ContactTagUpdate"},
                      {"webhookId", "wh-bad-4"},
                      {"phone", lead},
                      {"tags", {"Hot-Lead"}}}
                     .dump())
            .status == 400);  // no timestamp
  // Outside the replay window (5 minutes), either way: 403.
  CHECK(post_crm(c, n, tag_update("wh-bad-5", lead, {"Hot-Lead"}, now_ms() - 3'600'000)).status ==
        403);
  CHECK(post_crm(c, n, tag_update("wh-bad-6", lead, {"Hot-Lead"}, now_ms() + 3'600'000)).status ==
        403);
  // A signed event type the runtime does not handle: acknowledged, ignored.
  auto other = post_crm(
      c, n,
      json{{"type", "OpportunityCreate"}, {"webhookId", "wh-bad-7"}, {"timestamp", now_ms()}}
          .dump());
  CHECK(other.status == 200);
  CHECK(json::parse(other.body).at("status") == "ignored");
  CHECK(crm_footprint(db.url()) == before);
  CHECK(contact_generation(db.url(), lead) == g0);

  // GoHighLevel's RSA signature with the configured key is accepted.
  auto rsa = post_crm_as(
      c, n, good,
      {{"x-wh-signature", crm::rsa_sha256_sign_base64(test::crm_keys::private_pem, good)}});
  CHECK(rsa.status == 200);
  CHECK(json::parse(rsa.body).at("temperature") == "hot");
  CHECK(crm_footprint(db.url()) != before);
}

TEST_CASE("a GoHighLevel InboundMessage is answered like an SMS, once", "[e2e][crm]") {
  test::scratch_database db;
  simulator sim;
  key_file key;
  node n{db.url(), sim.url(), test::redis_url(), crm_env(key)};
  http_client c;
  const std::string lead = "+19095559003";

  // (d) The lead's SMS arrives through the CRM instead of Twilio.
  auto res = post_crm(
      c, n,
      inbound_message("wh-msg-1", "ghl-msg-1", lead, "Hi, I'm looking to buy a home in Riverside"));
  REQUIRE(res.status == 200);
  auto body = json::parse(res.body);
  CHECK(body.at("status") == "accepted");
  CHECK_FALSE(body.at("reply").get<std::string>().empty());
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM messages WHERE provider_sid = 'ghl-msg-1' AND "
                   "direction = 'inbound'") == 1);
  const auto replies_sql =
      "SELECT count(*) FROM messages WHERE direction = 'outbound' AND in_reply_to = (SELECT id "
      "FROM messages WHERE provider_sid = 'ghl-msg-1')";
  CHECK(query_long(db.url(), replies_sql) == 1);
  const long calls = sim.requests();

  // Redelivered: under the same webhookId, and under a new one with the same
  // messageId. No second reply, no LLM work.
  for (const auto* webhook : {"wh-msg-1", "wh-msg-2"}) {
    res = post_crm(
        c, n,
        inbound_message(webhook, "ghl-msg-1", lead, "Hi, I'm looking to buy a home in Riverside"));
    CHECK(res.status == 200);
    body = json::parse(res.body);
    CHECK(body.at("status") == "duplicate");
    CHECK_FALSE(body.contains("reply"));
  }
  CHECK(sim.requests() == calls);
  CHECK(query_long(db.url(), replies_sql) == 1);

  // An outbound message (the CRM's own) or an email is not for the bots.
  auto outbound = json::parse(inbound_message("wh-msg-3", "ghl-msg-2", lead, "Hello from us"));
  outbound["direction"] = "outbound";
  res = post_crm(c, n, outbound.dump());
  CHECK(res.status == 200);
  CHECK(json::parse(res.body).at("status") == "ignored");
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages WHERE provider_sid = 'ghl-msg-2'") ==
        0);
}

TEST_CASE("CRM custom fields change the stored facts and the scores", "[e2e][crm]") {
  test::scratch_database db;
  simulator sim;
  key_file key;
  node n{db.url(), sim.url(), test::redis_url(), crm_env(key)};
  http_client c;
  const std::string lead = "+19095559004";
  REQUIRE(post_sms(c, n.url(), sms_params(sid(1), lead, "Hi there")).status == 200);
  const long frs0 = query_long(db.url(), "SELECT round(frs)::bigint FROM conversation_state");
  const long g0 = contact_generation(db.url(), lead);

  // (e) A person records pre-approval and a budget in the CRM.
  auto res = post_crm(
      c, n, field_update("wh-field-1", lead, {{"pre_approved", "yes"}, {"budget", "$600,000"}}));
  REQUIRE(res.status == 200);
  auto body = json::parse(res.body);
  CHECK(body.at("status") == "applied");
  CHECK(body.at("fields_applied").size() == 2);
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM conversation_state WHERE "
                   "(facts::json ->> 'budget_usd')::numeric = 600000") == 1);
  CHECK(query_text(db.url(), "SELECT facts::json ->> 'pre_approved' FROM conversation_state") ==
        "true");
  CHECK(query_long(db.url(), "SELECT round(frs)::bigint FROM conversation_state") > frs0);
  CHECK(contact_generation(db.url(), lead) == g0 + 1);

  // A value that does not validate is reported and changes nothing.
  res = post_crm(c, n, field_update("wh-field-2", lead, {{"budget", "lots"}}));
  REQUIRE(res.status == 200);
  body = json::parse(res.body);
  CHECK(body.at("fields_rejected") == json{"budget"});
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM conversation_state WHERE "
                   "(facts::json ->> 'budget_usd')::numeric = 600000") == 1);
  CHECK(contact_generation(db.url(), lead) == g0 + 1);
}
