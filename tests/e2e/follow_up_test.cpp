// Follow-ups through the real binary: `openhouse serve` in REST mode with
// follow_up on, a short `after` and poll (serve reads the system clock, so
// these tests wait seconds, not hours), against a mock of Twilio's REST API.
// Days, midnight-wrapping quiet hours and two workers at once are driven on
// a manual clock in tests/integration/runtime/follow_up_worker_test.cpp.

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

constexpr const char* account_sid = "AC00000000000000000000000000000001";
constexpr const char* messages_path =
    "/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json";

/// "HH:MM" of `minute` after local midnight (wrapped into a day).
std::string hh_mm(int minute) {
  minute = ((minute % 1440) + 1440) % 1440;
  char out[6];
  std::snprintf(out, sizeof out, "%02d:%02d", minute / 60, minute % 60);
  return out;
}

/// A REST node with follow-ups after 2 s of silence, looked for every 100 ms,
/// and the quiet window [start, end) given (equal: none).
std::map<std::string, std::string> follow_up_env(const std::string& twilio,
                                                 const std::string& quiet_start,
                                                 const std::string& quiet_end) {
  return {{"OPENHOUSE_TWILIO_MODE", "rest"},
          {"TWILIO_ACCOUNT_SID", account_sid},
          {"OPENHOUSE_TWILIO_API_URL", twilio},
          {"OPENHOUSE_OUTBOX_POLL_MS", "50"},
          {"OPENHOUSE_FOLLOW_UP", "true"},
          {"OPENHOUSE_FOLLOW_UP_AFTER", "2s"},
          {"OPENHOUSE_FOLLOW_UP_POLL", "100ms"},
          {"OPENHOUSE_QUIET_START", quiet_start},
          {"OPENHOUSE_QUIET_END", quiet_end},
          // The node also serves Phoenix, whose follow-up worker counts into
          // the same series: never quiet unless a test says so.
          {"OPENHOUSE_PHX_QUIET_START", "00:00"},
          {"OPENHOUSE_PHX_QUIET_END", "00:00"}};
}

/// The value of one Prometheus series in `text` (0 when absent).
double metric(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return 0;
  return std::stod(text.substr(at + series.size() + 2));
}

/// Polls /metrics until `series` reaches `value`; false after 20 s.
bool wait_for_metric(http_client& c, const std::string& base, const std::string& series,
                     double value) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (std::chrono::steady_clock::now() < deadline) {
    if (metric(c.get(base + "/metrics").body, series) >= value) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return false;
}

long follow_up_rows(const std::string& db, const std::string& lead) {
  return query_long(db,
                    "SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'follow_up:%' AND "
                    "contact = '" +
                        lead + "'");
}

const std::string ticks_ran = R"(openhouse_follow_up_ticks_total{outcome="ran"})";
const std::string ticks_quiet = R"(openhouse_follow_up_ticks_total{outcome="quiet_hours"})";

}  // namespace

TEST_CASE("serve texts a silent lead one follow-up, and none after STOP", "[e2e][follow_up]") {
  test::scratch_database db;
  simulator sim;
  mock_http twilio;
  node n{db.url(), sim.url(), test::redis_url(), follow_up_env(twilio.url(), "00:00", "00:00")};
  http_client c;
  const std::string silent = "+19095558501";
  const std::string stopped = "+19095558502";

  // The second lead stops at once, well inside the 2 s wait.
  REQUIRE(post_sms(c, n.url(), sms_params(sid(2), stopped, "Hi, what homes do you have?")).status ==
          200);
  REQUIRE(post_sms(c, n.url(), sms_params(sid(3), stopped, "STOP")).status == 200);
  REQUIRE(post_sms(c, n.url(), sms_params(sid(1), silent, "Hi, I'm looking to buy in Riverside"))
              .status == 200);

  // The silent lead's reply, then its follow-up.
  const auto is_follow_up_to = [](const test::recorded_request& r, const std::string& lead) {
    return r.headers.at("i-twilio-idempotency-token").starts_with("follow_up:") &&
           r.body.find("To=%2B" + lead.substr(1)) != std::string::npos;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  std::vector<test::recorded_request> calls;
  bool seen = false;
  for (std::size_t n_calls = 1; !seen && std::chrono::steady_clock::now() < deadline; ++n_calls) {
    REQUIRE(twilio.wait_for(messages_path, n_calls));
    calls = twilio.requests_to(messages_path);
    for (const auto& r : calls) seen = seen || is_follow_up_to(r, silent);
  }
  REQUIRE(seen);
  CHECK(follow_up_rows(db.url(), silent) == 1);

  // Many ticks later (each a full look at the database) there is still one,
  // and none for the lead who stopped, although its silence is as old.
  const double ran = metric(c.get(n.url() + "/metrics").body, ticks_ran);
  REQUIRE(wait_for_metric(c, n.url(), ticks_ran, ran + 10));
  CHECK(follow_up_rows(db.url(), silent) == 1);
  CHECK(follow_up_rows(db.url(), stopped) == 0);
  std::size_t follow_ups = 0;
  for (const auto& r : twilio.requests_to(messages_path)) {
    CHECK_FALSE(is_follow_up_to(r, stopped));
    if (is_follow_up_to(r, silent)) ++follow_ups;
  }
  CHECK(follow_ups == 1);
  CHECK(metric(c.get(n.url() + "/metrics").body, R"(openhouse_follow_ups_total{outcome="sent"})") ==
        1);
}

TEST_CASE("serve holds follow-ups during the market's quiet hours", "[e2e][follow_up]") {
  test::scratch_database db;
  simulator sim;
  mock_http twilio;
  // A quiet window around the market's local time now (America/Los_Angeles,
  // as the shipped file says), two hours wide.
  const auto zone = runtime::time_zone::load("America/Los_Angeles");
  const int now = zone.minute_of_day(std::chrono::system_clock::now());
  auto env = follow_up_env(twilio.url(), hh_mm(now - 60), hh_mm(now + 60));
  // The node's other market (Phoenix) is quiet too, so that no tick runs.
  const int az_now =
      runtime::time_zone::load("America/Phoenix").minute_of_day(std::chrono::system_clock::now());
  env["OPENHOUSE_PHX_QUIET_START"] = hh_mm(az_now - 60);
  env["OPENHOUSE_PHX_QUIET_END"] = hh_mm(az_now + 60);
  node n{db.url(), sim.url(), test::redis_url(), env};
  http_client c;
  const std::string lead = "+19095558503";
  // A reply to the lead's own text is not held.
  REQUIRE(
      post_sms(c, n.url(), sms_params(sid(1), lead, "Is the Main St house available?")).status ==
      200);
  REQUIRE(twilio.wait_for(messages_path, 1));
  // Ticks past the 2 s wait are all skipped for quiet hours.
  const double quiet = metric(c.get(n.url() + "/metrics").body, ticks_quiet);
  REQUIRE(wait_for_metric(c, n.url(), ticks_quiet, quiet + 30));
  CHECK(metric(c.get(n.url() + "/metrics").body, ticks_ran) == 0);
  CHECK(follow_up_rows(db.url(), lead) == 0);
  CHECK(twilio.requests_to(messages_path).size() == 1);
}

TEST_CASE(
    "the FCC's seven words and plain-word revocations each opt a fresh lead out, with one "
    "confirmation and no follow-up",
    "[e2e][follow_up][opt_out]") {
  test::scratch_database db;
  simulator sim;
  mock_http twilio;
  node n{db.url(), sim.url(), test::redis_url(), follow_up_env(twilio.url(), "00:00", "00:00")};
  http_client c;
  // Written for this test, not taken from any trace.
  const std::vector<std::string> opt_outs{"STOP",
                                          "Quit",
                                          "end.",
                                          "REVOKE",
                                          "opt out",
                                          "Cancel!",
                                          "unsubscribe",
                                          "please stop texting me",
                                          "stop sending me these",
                                          "I don't want these texts",
                                          "unsubscribe this number",
                                          "take me off your list",
                                          "no more messages please",
                                          "do not contact me again",
                                          "leave me alone",
                                          "remove my number",
                                          "I revoke my consent to receive texts"};
  const auto lead_of = [](std::size_t i) { return "+19095586" + std::to_string(100 + i); };
  const auto texts_to = [&](const std::string& lead) {
    std::vector<std::string> bodies;
    for (const auto& r : twilio.requests_to(messages_path)) {
      if (r.body.find("To=%2B" + lead.substr(1)) != std::string::npos) bodies.push_back(r.body);
    }
    return bodies;
  };
  // Each lead says hi, gets the bot's question, then opts out; a control
  // lead only says hi, and its silence is chased.
  const std::string control = "+19095586099";
  std::size_t sms = 0;
  for (std::size_t i = 0; i < opt_outs.size(); ++i) {
    // The bot's answer goes out before the opt-out comes (an answer still
    // queued when it comes is never sent): every earlier SMS first, then
    // this lead's answer.
    REQUIRE(twilio.wait_for(messages_path, sms));
    REQUIRE(post_sms(c, n.url(), sms_params(sid(100 + 2 * static_cast<int>(i)), lead_of(i), "hi"))
                .status == 200);
    REQUIRE(twilio.wait_for(messages_path, sms + 1));
    REQUIRE(post_sms(c, n.url(),
                     sms_params(sid(101 + 2 * static_cast<int>(i)), lead_of(i), opt_outs[i]))
                .status == 200);
    sms += 2;
  }
  REQUIRE(post_sms(c, n.url(), sms_params(sid(99), control, "hi")).status == 200);
  // Every reply and confirmation, and the control lead's follow-up (after
  // 2 s); ten more full ticks later none has gone to a lead who opted out.
  REQUIRE(twilio.wait_for(messages_path, sms + 2));
  REQUIRE(texts_to(control).size() == 2);
  const double ran = metric(c.get(n.url() + "/metrics").body, ticks_ran);
  REQUIRE(wait_for_metric(c, n.url(), ticks_ran, ran + 10));
  for (std::size_t i = 0; i < opt_outs.size(); ++i) {
    INFO(opt_outs[i]);
    const auto bodies = texts_to(lead_of(i));
    REQUIRE(bodies.size() == 2);  // the bot's first answer, then the one confirmation
    CHECK_THAT(bodies[1], Catch::Contains("unsubscribed") && Catch::Contains("START"));
    CHECK(follow_up_rows(db.url(), lead_of(i)) == 0);
    CHECK(query_long(db.url(),
                     "SELECT count(*) FROM conversation_state cs JOIN contacts c ON "
                     "c.id = cs.contact_id WHERE cs.opted_out AND c.phone = '" +
                         lead_of(i) + "'") == 1);
  }
}

TEST_CASE("serve holds the follow-up of a lead whose own clock is in quiet hours",
          "[e2e][follow_up][quiet]") {
  test::scratch_database db;
  simulator sim;
  mock_http twilio;
  // A one-hour quiet window around the time now in Honolulu: Los Angeles,
  // the market's zone, is two or three hours later and outside it.
  const auto honolulu = runtime::time_zone::load("Pacific/Honolulu");
  const int now = honolulu.minute_of_day(std::chrono::system_clock::now());
  node n{db.url(), sim.url(), test::redis_url(),
         follow_up_env(twilio.url(), hh_mm(now - 30), hh_mm(now + 30))};
  http_client c;
  const std::string local = "+19095558504";
  const std::string island = "+18085558505";
  REQUIRE(post_sms(c, n.url(), sms_params(sid(1), island, "Hi, I'm looking to buy in Riverside"))
              .status == 200);
  REQUIRE(
      post_sms(c, n.url(), sms_params(sid(2), local, "Hi, I'm looking to buy in Corona")).status ==
      200);

  // The local lead's follow-up goes out (after both replies).
  const auto is_follow_up_to = [](const test::recorded_request& r, const std::string& lead) {
    return r.headers.at("i-twilio-idempotency-token").starts_with("follow_up:") &&
           r.body.find("To=%2B" + lead.substr(1)) != std::string::npos;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  bool seen = false;
  for (std::size_t n_calls = 1; !seen && std::chrono::steady_clock::now() < deadline; ++n_calls) {
    REQUIRE(twilio.wait_for(messages_path, n_calls));
    for (const auto& r : twilio.requests_to(messages_path))
      seen = seen || is_follow_up_to(r, local);
  }
  REQUIRE(seen);
  // The Honolulu lead, silent as long, is held tick after tick.
  const std::string held = R"(openhouse_follow_ups_total{outcome="lead_quiet_hours"})";
  REQUIRE(wait_for_metric(c, n.url(), held, 10));
  CHECK(follow_up_rows(db.url(), local) == 1);
  CHECK(follow_up_rows(db.url(), island) == 0);
  for (const auto& r : twilio.requests_to(messages_path)) CHECK_FALSE(is_follow_up_to(r, island));
  CHECK(metric(c.get(n.url() + "/metrics").body, ticks_quiet) == 0);
}
