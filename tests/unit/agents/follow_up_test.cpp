#include "agents/follow_up.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using openhouse::agents::follow_up_due;
using openhouse::agents::follow_up_verdict;
using openhouse::agents::silence;
namespace cfg = openhouse::config;

namespace {

using namespace std::chrono_literals;

constexpr std::int64_t hour_ms = 3600LL * 1000;
/// The bot's question went out at this instant (an arbitrary UTC time; the
/// local minute of day is passed separately, as the worker does).
constexpr std::int64_t asked_ms = 1'790'000'000'000;

cfg::follow_up_settings enabled(int max_per_silence = 1) {
  cfg::follow_up_settings f;
  f.enabled = true;
  f.after = 24h;
  f.max_per_silence = max_per_silence;
  f.text = "Still looking? {business_name}";
  return f;
}

/// The bot asked at asked_ms; the lead last spoke an hour before.
silence waiting() {
  silence s;
  s.anchor_id = 42;
  s.last_outbound_ms = asked_ms;
  s.last_inbound_ms = asked_ms - hour_ms;
  return s;
}

struct due_case {
  const char* name;
  cfg::follow_up_settings settings;
  cfg::quiet_hours quiet;
  int local_minute;
  std::int64_t now_ms;
  silence s;
  follow_up_verdict expected;
};

cfg::quiet_hours nine_to_eight() { return {21 * 60, 8 * 60}; }

template <class F>
silence with(F change) {
  silence s = waiting();
  change(s);
  return s;
}

}  // namespace

TEST_CASE("a follow-up is due after `after` of silence, outside quiet hours, once",
          "[agents][follow_up]") {
  const std::int64_t due_at = asked_ms + 24 * hour_ms;
  const int noon = 12 * 60;
  const std::vector<due_case> cases{
      {"due exactly at the boundary", enabled(), nine_to_eight(), noon, due_at, waiting(),
       follow_up_verdict::send},
      {"one millisecond before the boundary", enabled(), nine_to_eight(), noon, due_at - 1,
       waiting(), follow_up_verdict::not_yet},
      {"long after", enabled(), nine_to_eight(), noon, due_at + 72 * hour_ms, waiting(),
       follow_up_verdict::send},
      {"off", cfg::follow_up_settings{}, nine_to_eight(), noon, due_at, waiting(),
       follow_up_verdict::disabled},
      // Quiet window 21:00-08:00 wraps midnight.
      {"21:00 is quiet", enabled(), nine_to_eight(), 21 * 60, due_at, waiting(),
       follow_up_verdict::quiet_hours},
      {"23:59 is quiet", enabled(), nine_to_eight(), 23 * 60 + 59, due_at, waiting(),
       follow_up_verdict::quiet_hours},
      {"00:00 is quiet", enabled(), nine_to_eight(), 0, due_at, waiting(),
       follow_up_verdict::quiet_hours},
      {"07:59 is quiet", enabled(), nine_to_eight(), 7 * 60 + 59, due_at, waiting(),
       follow_up_verdict::quiet_hours},
      {"08:00 the window has ended", enabled(), nine_to_eight(), 8 * 60, due_at, waiting(),
       follow_up_verdict::send},
      {"20:59 not yet quiet", enabled(), nine_to_eight(), 20 * 60 + 59, due_at, waiting(),
       follow_up_verdict::send},
      {"no quiet hours (start == end)", enabled(), cfg::quiet_hours{0, 0}, 3 * 60, due_at,
       waiting(), follow_up_verdict::send},
      {"quiet but not due yet: not_yet wins", enabled(), nine_to_eight(), 23 * 60, due_at - 1,
       waiting(), follow_up_verdict::not_yet},
      {"the lead answered since", enabled(), nine_to_eight(), noon, due_at,
       with([](silence& s) { s.last_inbound_ms = asked_ms + 1; }), follow_up_verdict::answered},
      // The bot's reply in the millisecond of the lead's text (a cached turn):
      // the anchor follows it in message order, so the silence stands.
      {"a reply in the same millisecond as the lead's text still waits for an answer", enabled(),
       nine_to_eight(), noon, due_at, with([](silence& s) { s.last_inbound_ms = asked_ms; }),
       follow_up_verdict::send},
      {"the lead spoke last (no anchor)", enabled(), nine_to_eight(), noon, due_at,
       with([](silence& s) { s.anchor_id = 0; }), follow_up_verdict::answered},
      {"a lead who never texted but got a bot message", enabled(), nine_to_eight(), noon, due_at,
       with([](silence& s) { s.last_inbound_ms = 0; }), follow_up_verdict::send},
      {"the bot's last message asked nothing (a HELP answer)", enabled(), nine_to_eight(), noon,
       due_at, with([](silence& s) { s.anchor_asks = false; }), follow_up_verdict::no_question},
      {"opted out", enabled(), nine_to_eight(), noon, due_at,
       with([](silence& s) { s.opted_out = true; }), follow_up_verdict::opted_out},
      {"opted out, in quiet hours too", enabled(), nine_to_eight(), 22 * 60, due_at,
       with([](silence& s) { s.opted_out = true; }), follow_up_verdict::opted_out},
      {"muted (a person has the lead)", enabled(), nine_to_eight(), noon, due_at,
       with([](silence& s) { s.muted = true; }), follow_up_verdict::muted},
      {"max 1, one sent", enabled(1), nine_to_eight(), noon, due_at + 72 * hour_ms,
       with([](silence& s) { s.follow_ups_sent = 1; }), follow_up_verdict::max_reached},
      // With 2 allowed, the second waits `after` from the first follow-up.
      {"max 2, one sent a day ago", enabled(2), nine_to_eight(), noon, due_at + 24 * hour_ms,
       with([](silence& s) {
         s.follow_ups_sent = 1;
         s.last_outbound_ms = asked_ms + 24 * hour_ms;
       }),
       follow_up_verdict::send},
      {"max 2, one sent an hour ago", enabled(2), nine_to_eight(), noon, due_at + hour_ms,
       with([](silence& s) {
         s.follow_ups_sent = 1;
         s.last_outbound_ms = asked_ms + 24 * hour_ms;
       }),
       follow_up_verdict::not_yet},
      {"max 2, two sent", enabled(2), nine_to_eight(), noon, due_at + 96 * hour_ms,
       with([](silence& s) { s.follow_ups_sent = 2; }), follow_up_verdict::max_reached},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      const auto got = follow_up_due(c.settings, c.quiet, c.local_minute, c.now_ms, c.s);
      INFO("got " << openhouse::agents::to_string(got));
      CHECK(got == c.expected);
    }
  }
}

TEST_CASE("the follow-up text names the business", "[agents][follow_up]") {
  auto f = enabled();
  CHECK(openhouse::agents::render_follow_up(f, "Test Realty") == "Still looking? Test Realty");
  f.text = "{business_name}: still there? -{business_name}";
  CHECK(openhouse::agents::render_follow_up(f, "IE Homes") == "IE Homes: still there? -IE Homes");
  f.text = "No placeholder.";
  CHECK(openhouse::agents::render_follow_up(f, "IE Homes") == "No placeholder.");
}

TEST_CASE("a follow-up's key is the silence's anchor and its number", "[agents][follow_up]") {
  CHECK(openhouse::agents::follow_up_key(42, 1) == "follow_up:42:1");
  CHECK(openhouse::agents::follow_up_key(42, 2) == "follow_up:42:2");
}

TEST_CASE("a bot message asks something when it has a question mark", "[agents][follow_up]") {
  using openhouse::agents::asks_question;
  CHECK(asks_question("Great! What's your budget?"));
  CHECK(asks_question("Riverside is lovely. Are you pre-approved? No rush."));
  CHECK_FALSE(asks_question("Inland Empire Home Team. Reply STOP to opt out."));
  CHECK_FALSE(asks_question("You're subscribed again."));
  CHECK_FALSE(asks_question(""));
}

TEST_CASE("quiet hours hold a follow-up on the market's clock and on every clock of the lead",
          "[agents][follow_up][quiet]") {
  using openhouse::agents::local_times;
  using openhouse::agents::quiet_for_lead;
  const auto q = nine_to_eight();
  const int h = 60;
  // The market's clock alone (a lead whose zone is unknown).
  CHECK(quiet_for_lead(q, local_times{9 * h, {}}) == follow_up_verdict::send);
  CHECK(quiet_for_lead(q, local_times{22 * h, {}}) == follow_up_verdict::quiet_hours);
  // The lead's one zone is three hours ahead: its evening ends the day first.
  CHECK(quiet_for_lead(q, local_times{17 * h + 59, {20 * h + 59}}) == follow_up_verdict::send);
  CHECK(quiet_for_lead(q, local_times{18 * h, {21 * h}}) == follow_up_verdict::lead_quiet_hours);
  // Two or three hours behind: its morning starts late.
  CHECK(quiet_for_lead(q, local_times{9 * h + 30, {6 * h + 30}}) ==
        follow_up_verdict::lead_quiet_hours);
  CHECK(quiet_for_lead(q, local_times{11 * h, {8 * h}}) == follow_up_verdict::send);
  // An area code over two zones: one side still asleep holds it.
  CHECK(quiet_for_lead(q, local_times{10 * h, {9 * h, 7 * h + 59}}) ==
        follow_up_verdict::lead_quiet_hours);
  CHECK(quiet_for_lead(q, local_times{10 * h, {7 * h + 59, 9 * h}}) ==
        follow_up_verdict::lead_quiet_hours);
  CHECK(quiet_for_lead(q, local_times{10 * h, {9 * h, 8 * h}}) == follow_up_verdict::send);
  // The market's own window is named first when both hold it.
  CHECK(quiet_for_lead(q, local_times{7 * h, {5 * h}}) == follow_up_verdict::quiet_hours);
  // start == end: the market has no quiet hours, so nothing holds it.
  CHECK(quiet_for_lead(cfg::quiet_hours{0, 0}, local_times{3 * h, {0, 23 * h}}) ==
        follow_up_verdict::send);
}

TEST_CASE("a due follow-up waits for the lead's morning; other reasons come first",
          "[agents][follow_up][quiet]") {
  using openhouse::agents::local_times;
  const std::int64_t due_at = asked_ms + 24 * hour_ms;
  const local_times lead_asleep{9 * 60, {6 * 60}};
  CHECK(follow_up_due(enabled(), nine_to_eight(), lead_asleep, due_at, waiting()) ==
        follow_up_verdict::lead_quiet_hours);
  CHECK(follow_up_due(enabled(), nine_to_eight(), local_times{9 * 60, {12 * 60}}, due_at,
                      waiting()) == follow_up_verdict::send);
  // Not due yet, or the lead answered: that is the reason, not the clock.
  CHECK(follow_up_due(enabled(), nine_to_eight(), lead_asleep, due_at - 1, waiting()) ==
        follow_up_verdict::not_yet);
  CHECK(follow_up_due(enabled(), nine_to_eight(), lead_asleep, due_at, with([](silence& s) {
                        s.last_inbound_ms = asked_ms + 5;
                      })) == follow_up_verdict::answered);
  CHECK(openhouse::agents::to_string(follow_up_verdict::lead_quiet_hours) == "lead_quiet_hours");
}
