// End to end: one node, two markets (config/node.yaml: Inland Empire at
// +19095550100, Phoenix at +16025550100). The number a lead texts picks the
// market: its answers, its conversation, its quiet hours.

#include "core/time_zone.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/mock_http.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;
using test::mock_http;

namespace {

constexpr const char* inland_empire = "+19095550100";
constexpr const char* phoenix = "+16025550100";
constexpr const char* account_sid = "AC00000000000000000000000000000001";
constexpr const char* messages_path =
    "/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json";

/// A Twilio SMS from `from` to the brokerage number `to`.
std::map<std::string, std::string> sms_to(const std::string& to, int n, const std::string& from,
                                          const std::string& body) {
  auto params = sms_params(sid(n), from, body);
  params["To"] = to;
  return params;
}

/// "HH:MM" of `minute` after local midnight (wrapped into a day).
std::string hh_mm(int minute) {
  minute = ((minute % 1440) + 1440) % 1440;
  char out[6];
  std::snprintf(out, sizeof out, "%02d:%02d", minute / 60, minute % 60);
  return out;
}

long count(const std::string& db, const std::string& sql) { return query_long(db, sql); }

}  // namespace

TEST_CASE("one node answers each market's number with that market's answers and conversation",
          "[e2e][markets]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;
  const std::string lead = "+14805557731";  // one person texting both brokerages

  // The same question, each in its own market's city: each answer is that
  // market's FAQ facts (config/markets/*.yaml, faq hoa).
  const auto ie =
      post_sms(c, n.url(), sms_to(inland_empire, 1, lead, "what do HOA dues run in Fontana"));
  REQUIRE(ie.status == 200);
  REQUIRE(is_message_twiml(ie.body));
  CHECK_THAT(ie.body, Catch::Contains("HOA dues in the Inland Empire"));
  const auto phx =
      post_sms(c, n.url(), sms_to(phoenix, 2, lead, "what do HOA dues run in Gilbert"));
  REQUIRE(phx.status == 200);
  REQUIRE(is_message_twiml(phx.body));
  CHECK_THAT(phx.body, Catch::Contains("Many Valley neighborhoods have an HOA"));
  CHECK_THAT(phx.body, !Catch::Contains("Inland Empire"));

  // One lead, two conversations: a contact per market, each with its turn.
  CHECK(count(db.url(), "SELECT count(*) FROM contacts WHERE phone = '" + lead + "'") == 2);
  CHECK(count(db.url(), "SELECT count(DISTINCT market) FROM contacts") == 2);
  CHECK(count(db.url(),
              "SELECT count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id "
              "WHERE c.market = 'phoenix' AND m.direction = 'inbound'") == 1);

  // The same question in both markets' words again: each market's own
  // cache entry serves it, never the other's.
  const auto phx_again =
      post_sms(c, n.url(), sms_to(phoenix, 3, "+14805557732", "what do HOA dues run in Gilbert"));
  CHECK_THAT(phx_again.body, Catch::Contains("Many Valley neighborhoods have an HOA"));

  SECTION("a number of no market: an empty answer, one log line, nothing stored") {
    const long messages = count(db.url(), "SELECT count(*) FROM messages");
    const auto other =
        post_sms(c, n.url(), sms_to("+12125550100", 4, "+14805557733", "hello, anyone there?"));
    CHECK(other.status == 200);
    CHECK_FALSE(is_message_twiml(other.body));
    CHECK_THAT(other.body, Catch::Contains("<Response"));
    CHECK(count(db.url(), "SELECT count(*) FROM messages") == messages);
    CHECK(count(db.url(), "SELECT count(*) FROM contacts WHERE phone = '+14805557733'") == 0);
  }
  CHECK(n.stop() == 0);
}

TEST_CASE("each market keeps its own quiet hours in its own time zone", "[e2e][markets]") {
  test::scratch_database db;
  simulator sim;
  mock_http twilio;
  // Phoenix is quiet now (a two-hour window around its local time); the
  // Inland Empire has no quiet hours. Follow-ups after 2 s of silence.
  const auto az = runtime::time_zone::load("America/Phoenix");
  const int now = az.minute_of_day(std::chrono::system_clock::now());
  node n{db.url(),
         sim.url(),
         test::redis_url(),
         {{"OPENHOUSE_TWILIO_MODE", "rest"},
          {"TWILIO_ACCOUNT_SID", account_sid},
          {"OPENHOUSE_TWILIO_API_URL", twilio.url()},
          {"OPENHOUSE_OUTBOX_POLL_MS", "50"},
          {"OPENHOUSE_FOLLOW_UP", "true"},
          {"OPENHOUSE_FOLLOW_UP_AFTER", "2s"},
          {"OPENHOUSE_FOLLOW_UP_POLL", "100ms"},
          {"OPENHOUSE_QUIET_START", "00:00"},
          {"OPENHOUSE_QUIET_END", "00:00"},
          {"OPENHOUSE_PHX_QUIET_START", hh_mm(now - 60)},
          {"OPENHOUSE_PHX_QUIET_END", hh_mm(now + 60)}}};
  http_client c;
  const std::string ie_lead = "+19095558711";
  const std::string az_lead = "+14805558712";
  REQUIRE(
      post_sms(c, n.url(), sms_to(inland_empire, 1, ie_lead, "looking to buy in Ontario")).status ==
      200);
  REQUIRE(post_sms(c, n.url(), sms_to(phoenix, 2, az_lead, "looking to buy in Tempe")).status ==
          200);
  // Both replies leave (a reply to a lead's own text is never held), each
  // from its market's number.
  REQUIRE(twilio.wait_for(messages_path, 2));
  // Then the Inland Empire lead's follow-up; the Phoenix lead's waits.
  REQUIRE(twilio.wait_for(messages_path, 3));
  const auto follow_ups = [&](const std::string& market) {
    return count(db.url(),
                 "SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'follow_up:%' "
                 "AND market = '" +
                     market + "'");
  };
  CHECK(follow_ups("inland-empire") == 1);
  // Many of Phoenix's poll rounds later (100 ms each, past the 2 s wait),
  // every one skipped for quiet hours, still none.
  const std::string quiet = R"(openhouse_follow_up_ticks_total{outcome="quiet_hours"})";
  const auto quiet_ticks = [&] {
    const auto text = c.get(n.url() + "/metrics").body;
    const auto at = text.find("\n" + quiet + " ");
    return at == std::string::npos ? 0.0 : std::stod(text.substr(at + quiet.size() + 2));
  };
  const double before = quiet_ticks();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (quiet_ticks() < before + 30 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds{50});  // polling, as follow_up_test
  }
  REQUIRE(quiet_ticks() >= before + 30);
  CHECK(follow_ups("phoenix") == 0);
  std::size_t from_phoenix = 0, from_ie = 0;
  for (const auto& r : twilio.requests_to(messages_path)) {
    if (r.body.find("From=%2B16025550100") != std::string::npos) ++from_phoenix;
    if (r.body.find("From=%2B19095550100") != std::string::npos) ++from_ie;
  }
  CHECK(from_phoenix == 1);  // the reply only
  CHECK(from_ie == 2);       // the reply and the follow-up
  CHECK(n.stop() == 0);
}
