// The bots end to end on the real binary: compliance keywords, a buyer handed
// from the Lead bot to the Buyer bot, a temperature change persisted with its
// reason, and a request for a person muting the bots.

#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;

namespace {

constexpr const char* empty_twiml = "<Response/>";

bool is_empty_twiml(const std::string& body) {
  return body.find(empty_twiml) != std::string::npos ||
         body.find("<Response></Response>") != std::string::npos;
}

}  // namespace

TEST_CASE("STOP is honoured at once, across a restart, until START", "[e2e][bots]") {
  test::scratch_database db;
  simulator sim;
  const std::string lead = "+19095558001";
  {
    node n{db.url(), sim.url()};
    http_client c;
    REQUIRE(is_message_twiml(
        post_sms(c, n.url(), sms_params(sid(1), lead, "Looking to buy in Riverside")).body));
    auto stop = post_sms(c, n.url(), sms_params(sid(2), lead, "  Stop. "));
    CHECK(stop.status == 200);
    // The one confirmation, saying how to opt back in.
    CHECK_THAT(stop.body, Catch::Contains("unsubscribed") && Catch::Contains("START"));
    // A second STOP gets nothing: one confirmation, then silence.
    CHECK(is_empty_twiml(post_sms(c, n.url(), sms_params(sid(9), lead, "STOP")).body));
    const auto calls = sim.requests();
    auto after = post_sms(c, n.url(), sms_params(sid(3), lead, "Actually, what about Ontario?"));
    CHECK(after.status == 200);
    CHECK(is_empty_twiml(after.body));
    CHECK(sim.requests() == calls);  // no LLM work for an opted-out lead
    CHECK(n.stop() == 0);
  }
  node n{db.url(), sim.url()};
  http_client c;
  // After a restart the opt-out still holds; HELP is still answered.
  CHECK(is_empty_twiml(post_sms(c, n.url(), sms_params(sid(4), lead, "hello?")).body));
  auto help = post_sms(c, n.url(), sms_params(sid(5), lead, "HELP"));
  CHECK_THAT(help.body, Catch::Contains("Reply STOP to opt out"));
  auto start = post_sms(c, n.url(), sms_params(sid(6), lead, "start"));
  CHECK_THAT(start.body, Catch::Contains("subscribed again"));
  CHECK(is_message_twiml(
      post_sms(c, n.url(), sms_params(sid(7), lead, "What about Ontario then?")).body));
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM messages WHERE direction = 'outbound' AND "
                   "body <> '' AND in_reply_to IN (SELECT id FROM messages WHERE "
                   "provider_sid IN ('" +
                       sid(3) + "','" + sid(4) + "'))") == 0);
  // Words that only contain a keyword are not opt-outs.
  CHECK(is_message_twiml(
      post_sms(c, n.url(), sms_params(sid(8), lead, "I know, stop by this weekend")).body));
}

TEST_CASE("an opt-out in words is confirmed once, then nothing, across a restart", "[e2e][bots]") {
  test::scratch_database db;
  simulator sim;
  const std::string lead = "+19095558011";
  {
    node n{db.url(), sim.url()};
    http_client c;
    REQUIRE(is_message_twiml(
        post_sms(c, n.url(), sms_params(sid(1), lead, "Looking to buy in Fontana")).body));
    auto wish = post_sms(c, n.url(), sms_params(sid(2), lead, "please stop texting me"));
    CHECK(wish.status == 200);
    CHECK_THAT(wish.body, Catch::Contains("unsubscribed") && Catch::Contains("START"));
    CHECK(is_empty_twiml(post_sms(c, n.url(), sms_params(sid(3), lead, "ok?")).body));
    CHECK(n.stop() == 0);
  }
  node n{db.url(), sim.url()};
  http_client c;
  CHECK(is_empty_twiml(post_sms(c, n.url(), sms_params(sid(4), lead, "hello?")).body));
  CHECK(query_long(db.url(), "SELECT count(*) FROM conversation_state WHERE opted_out") == 1);
}

TEST_CASE("a buyer is handed to the Buyer bot and scored", "[e2e][bots]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;
  const std::string lead = "+19095558002";
  auto r = post_sms(c, n.url(),
                    sms_params(sid(1), lead,
                               "I want to buy a 3 bedroom house in Fontana, I'm pre-approved for "
                               "$550k and want to move in 2 months"));
  REQUIRE(r.status == 200);
  CHECK(is_message_twiml(r.body));
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM conversation_state WHERE active_bot = 'buyer'") == 1);
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages WHERE bot = 'buyer'") == 1);
  // A pre-approved buyer with a budget and a short timeline is no longer cold,
  // and the change is on record with its reason.
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM conversation_state WHERE temperature <> 'cold'") == 1);
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM temperature_changes WHERE from_temp = 'cold' AND "
                   "reason <> ''") == 1);
  const auto metrics = c.get(n.url() + "/metrics").body;
  CHECK_THAT(metrics, Catch::Contains(R"(openhouse_handoffs_total{from="lead",to="buyer"} 1)"));
  CHECK_THAT(metrics, Catch::Contains("openhouse_temperature_changes_total{to="));
}

TEST_CASE("a request for a person mutes the bots for that lead", "[e2e][bots]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;
  const std::string lead = "+19095558003";
  auto r = post_sms(c, n.url(),
                    sms_params(sid(1), lead, "I'm going through a divorce and need to sell"));
  CHECK_THAT(r.body, Catch::Contains("agent from Inland Empire Home Team will text you"));
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM conversation_state WHERE muted AND "
                   "needs_human") == 1);
  const auto calls = sim.requests();
  // A person has the lead: the next text hears that the message reached one
  // (once per escalation.hold_reply_every), and no model is asked.
  CHECK_THAT(post_sms(c, n.url(), sms_params(sid(2), lead, "hello?")).body,
             Catch::Contains("has your message and will text you shortly"));
  CHECK(is_empty_twiml(post_sms(c, n.url(), sms_params(sid(4), lead, "hello??")).body));
  CHECK(sim.requests() == calls);

  // A person gives the lead back to the bots.
  auto release = [&](const std::string& body, const std::string& token) {
    return c.post(n.url() + "/admin/contacts/release", body,
                  {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
  };
  CHECK(release(R"({"contact": ")" + lead + R"("})", "wrong").status == 401);
  CHECK(release(R"({"who": "x"})", admin_token).status == 400);
  CHECK(release(R"({"contact": "+19095550000"})", admin_token).status == 404);
  CHECK(release(R"({"contact": ")" + lead + R"("})", admin_token).status == 200);
  CHECK(is_message_twiml(
      post_sms(c, n.url(), sms_params(sid(3), lead, "Ok, what would my 3 bedroom sell for?"))
          .body));
  CHECK(query_long(db.url(), "SELECT count(*) FROM conversation_state WHERE muted") == 0);
}
