// Text that PostgreSQL cannot store, posted through the front doors: a signed
// Twilio SMS or a signed CRM InboundMessage whose body is not valid UTF-8 or
// holds a NUL. The front door repairs such text (ill-formed bytes become
// U+FFFD, NUL and other control characters are dropped), so the message is
// stored and answered once instead of refused on every redelivery.

#include "integrations/crm/signature.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <string>

using namespace openhouse;
using namespace openhouse::test::e2e;
using namespace std::string_literals;
using test::http_client;

namespace {

const std::string fffd = "\xEF\xBF\xBD";

/// Each stored message of the lead, oldest first, as "direction:body".
std::vector<std::string> stored_messages(const std::string& database_url,
                                         const std::string& phone) {
  pqxx::connection c{database_url};
  pqxx::nontransaction tx{c};
  const auto rows = tx.exec_params(
      "SELECT m.direction, m.body FROM messages m JOIN contacts c ON c.id = m.contact_id "
      "WHERE c.phone = $1 ORDER BY m.id",
      phone);
  std::vector<std::string> out;
  for (const auto& row : rows) {
    out.push_back(row[0].as<std::string>() + ":" + row[1].as<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE("a signed SMS whose body is not UTF-8 is stored repaired and answered once",
          "[e2e][hostile_text]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;

  // Latin-1 bytes, as a misconfigured gateway might forward them.
  const auto params = sms_params(sid(31), "+19095553101", "Caf\xE9 owner, selling in Ontario \xFF");
  const auto first = post_sms(c, n.url(), params);
  REQUIRE(first.status == 200);
  CHECK(is_message_twiml(first.body));
  const auto stored = stored_messages(db.url(), "+19095553101");
  REQUIRE(stored.size() == 2);
  CHECK(stored[0] == "inbound:Caf" + fffd + " owner, selling in Ontario " + fffd);
  CHECK(stored[1].rfind("outbound:", 0) == 0);
  CHECK(stored[1].size() > std::string{"outbound:"}.size());

  // Twilio's redelivery is answered from the stored reply, nothing added.
  const auto again = post_sms(c, n.url(), params);
  CHECK(again.status == 200);
  CHECK(again.body == first.body);
  CHECK(stored_messages(db.url(), "+19095553101").size() == 2);
}

TEST_CASE("a NUL in a signed SMS body is dropped, not cut at, and the text is answered",
          "[e2e][hostile_text]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;

  const auto res =
      post_sms(c, n.url(),
               sms_params(sid(32), "+19095553102", "need 3 bedrooms\0 near Corona, budget 520k"s));
  REQUIRE(res.status == 200);
  CHECK(is_message_twiml(res.body));
  const auto stored = stored_messages(db.url(), "+19095553102");
  REQUIRE(stored.size() == 2);
  CHECK(stored[0] == "inbound:need 3 bedrooms near Corona, budget 520k");
  CHECK(stored[1].rfind("outbound:", 0) == 0);
}

TEST_CASE("a CRM InboundMessage with ill-formed bytes and an escaped NUL is stored and answered",
          "[e2e][hostile_text]") {
  constexpr const char* secret = "e2e-hostile-crm-secret";
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url(), test::redis_url(), {{"OPENHOUSE_CRM_SECRET", secret}}};
  http_client c;

  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  // JSON escapes a NUL as \u0000; the raw bytes \xC3\x28 are an ill-formed pair.
  std::string body = nlohmann::json{{"type", "InboundMessage"},
                                    {"webhookId", "wh-hostile-1"},
                                    {"locationId", "loc-1"},
                                    {"timestamp", now},
                                    {"messageId", "ghl-msg-hostile-1"},
                                    {"messageType", "SMS"},
                                    {"direction", "inbound"},
                                    {"phone", "+19095553103"},
                                    {"body", "any condos under 400k in Upland\0 RAW?"s}}
                         .dump();
  const auto raw = body.find("RAW");
  REQUIRE(raw != std::string::npos);
  body.replace(raw, 3, "\xC3\x28");
  const auto res = c.post(n.url() + "/webhooks/crm", body,
                          {{"Content-Type", "application/json"},
                           {"X-CRM-Signature", crm::hmac_sha256_hex(secret, body)}});
  REQUIRE(res.status == 200);
  const auto answer = nlohmann::json::parse(res.body);
  CHECK(answer.at("status") == "accepted");
  CHECK_FALSE(answer.at("reply").get<std::string>().empty());
  const auto stored = stored_messages(db.url(), "+19095553103");
  REQUIRE(stored.size() == 2);
  CHECK(stored[0] == "inbound:any condos under 400k in Upland " + fffd + "(?");
  CHECK(stored[1].rfind("outbound:", 0) == 0);
}
