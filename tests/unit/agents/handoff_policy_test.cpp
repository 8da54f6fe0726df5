#include "agents/handoff_policy.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace openhouse::agents;
using namespace std::chrono_literals;
using time_point = std::chrono::system_clock::time_point;

namespace {

/// 2024-06-01 19:00 UTC = 12:00 in the market (UTC-7); local midnight is 07:00 UTC.
const time_point now = std::chrono::sys_days{std::chrono::year{2024} / 6 / 1} + 19h;

handoff_policy market_policy() {
  return handoff_policy{openhouse::config::handoff_settings{},
                        openhouse::runtime::time_zone::fixed(-7h)};
}

/// Handoffs that leave neither the buyer nor the seller bot: they only count.
std::vector<handoff_record> counted(std::initializer_list<std::chrono::minutes> ago) {
  std::vector<handoff_record> out;
  for (const auto a : ago) out.push_back({now - a, bot_kind::lead, bot_kind::buyer});
  return out;
}

struct handoff_case {
  std::string name;
  bot_kind current;
  intent_ranking intents;
  std::vector<handoff_record> history;
  std::optional<bot_kind> target;
  handoff_reason reason;
};

}  // namespace

TEST_CASE("handoff rules: thresholds, margin, return window, limits", "[agents][handoff]") {
  const auto buyer = [](double c) { return intent_score{intent::buyer, c, ""}; };
  const auto seller = [](double c) { return intent_score{intent::seller, c, ""}; };
  const auto other = [](intent i, double c) { return intent_score{i, c, ""}; };
  const std::vector<handoff_case> cases{
      // per-direction thresholds (defaults 0.7, 0.7, 0.8, 0.6), inclusive
      {"lead->buyer above",
       bot_kind::lead,
       {buyer(0.75), other(intent::other, 0.1)},
       {},
       bot_kind::buyer,
       handoff_reason::handed_off},
      {"lead->buyer at",
       bot_kind::lead,
       {buyer(0.70)},
       {},
       bot_kind::buyer,
       handoff_reason::handed_off},
      {"lead->buyer below",
       bot_kind::lead,
       {buyer(0.69)},
       {},
       std::nullopt,
       handoff_reason::below_threshold},
      {"lead->seller at",
       bot_kind::lead,
       {seller(0.70)},
       {},
       bot_kind::seller,
       handoff_reason::handed_off},
      {"lead->seller below",
       bot_kind::lead,
       {seller(0.65)},
       {},
       std::nullopt,
       handoff_reason::below_threshold},
      {"buyer->seller below",
       bot_kind::buyer,
       {seller(0.79)},
       {},
       std::nullopt,
       handoff_reason::below_threshold},
      {"buyer->seller at",
       bot_kind::buyer,
       {seller(0.80)},
       {},
       bot_kind::seller,
       handoff_reason::handed_off},
      {"seller->buyer at",
       bot_kind::seller,
       {buyer(0.60)},
       {},
       bot_kind::buyer,
       handoff_reason::handed_off},
      {"seller->buyer below",
       bot_kind::seller,
       {buyer(0.59)},
       {},
       std::nullopt,
       handoff_reason::below_threshold},
      // margin 0.15 between the top two
      {"margin too small",
       bot_kind::lead,
       {seller(0.70), buyer(0.56)},
       {},
       std::nullopt,
       handoff_reason::margin_too_small},
      {"margin exactly",
       bot_kind::lead,
       {seller(0.85), buyer(0.70)},
       {},
       bot_kind::seller,
       handoff_reason::handed_off},
      {"margin against a non-bot intent",
       bot_kind::lead,
       {buyer(0.80), other(intent::faq, 0.75)},
       {},
       std::nullopt,
       handoff_reason::margin_too_small},
      {"a tie leaves no margin",
       bot_kind::lead,
       {seller(0.72), buyer(0.72)},
       {},
       std::nullopt,
       handoff_reason::margin_too_small},
      {"unsorted ranking",
       bot_kind::lead,
       {other(intent::other, 0.1), buyer(0.9)},
       {},
       bot_kind::buyer,
       handoff_reason::handed_off},
      // what does not hand off
      {"same bot", bot_kind::buyer, {buyer(0.95)}, {}, std::nullopt, handoff_reason::already_there},
      {"faq",
       bot_kind::lead,
       {other(intent::faq, 0.9)},
       {},
       std::nullopt,
       handoff_reason::no_bot_intent},
      {"human request",
       bot_kind::buyer,
       {other(intent::human_request, 0.9), seller(0.5)},
       {},
       std::nullopt,
       handoff_reason::no_bot_intent},
      {"no intents", bot_kind::lead, {}, {}, std::nullopt, handoff_reason::no_bot_intent},
      // no return to a bot left less than 30 minutes ago
      {"return within the window",
       bot_kind::seller,
       {buyer(0.9)},
       {{now - 29min, bot_kind::buyer, bot_kind::seller}},
       std::nullopt,
       handoff_reason::return_window},
      {"return at the window's end",
       bot_kind::seller,
       {buyer(0.9)},
       {{now - 30min, bot_kind::buyer, bot_kind::seller}},
       bot_kind::buyer,
       handoff_reason::handed_off},
      {"the latest departure counts",
       bot_kind::seller,
       {buyer(0.9)},
       {{now - 50min, bot_kind::buyer, bot_kind::seller},
        {now - 40min, bot_kind::seller, bot_kind::buyer},
        {now - 10min, bot_kind::buyer, bot_kind::seller}},
       std::nullopt,
       handoff_reason::return_window},
      {"leaving another bot does not block",
       bot_kind::buyer,
       {seller(0.9)},
       {{now - 5min, bot_kind::lead, bot_kind::buyer}},
       bot_kind::seller,
       handoff_reason::handed_off},
      // at most 3 in a rolling hour
      {"three in the last hour",
       bot_kind::buyer,
       {seller(0.9)},
       counted({59min, 45min, 1min}),
       std::nullopt,
       handoff_reason::hourly_limit},
      {"two in the last hour, one just outside",
       bot_kind::buyer,
       {seller(0.9)},
       counted({60min, 45min, 1min}),
       bot_kind::seller,
       handoff_reason::handed_off},
      // at most 10 per market-local day (local midnight = 07:00 UTC = 12 h ago)
      {"ten today",
       bot_kind::buyer,
       {seller(0.9)},
       counted({11h + 59min, 11h, 10h, 9h, 8h, 7h, 6h, 5h, 4h, 3h}),
       std::nullopt,
       handoff_reason::daily_limit},
      {"nine today, one before local midnight",
       bot_kind::buyer,
       {seller(0.9)},
       counted({12h + 1min, 11h, 10h, 9h, 8h, 7h, 6h, 5h, 4h, 3h}),
       bot_kind::seller,
       handoff_reason::handed_off},
      {"a record from the future does not count",
       bot_kind::buyer,
       {seller(0.9)},
       counted({-5min, 10min, 20min}),
       bot_kind::seller,
       handoff_reason::handed_off},
  };
  const auto policy = market_policy();
  for (const auto& c : cases) {
    INFO(c.name);
    const auto d = policy.decide(c.current, c.intents, c.history, now);
    INFO(d.detail);
    CHECK(d.target == c.target);
    CHECK(d.reason == c.reason);
    CHECK(d.hands_off() == c.target.has_value());
  }
}

TEST_CASE("the first message hands off on that turn and counts", "[agents][handoff]") {
  const auto policy = market_policy();
  std::vector<handoff_record> history;
  const auto first = policy.decide(bot_kind::lead, {{intent::buyer, 0.84, ""}}, history, now);
  REQUIRE(first.target == bot_kind::buyer);
  history.push_back({now, bot_kind::lead, *first.target});
  // Ping-pong: buyer -> seller, then back to buyer within 30 minutes is refused.
  const auto second =
      policy.decide(bot_kind::buyer, {{intent::seller, 0.9, ""}}, history, now + 5min);
  REQUIRE(second.target == bot_kind::seller);
  history.push_back({now + 5min, bot_kind::buyer, bot_kind::seller});
  const auto third =
      policy.decide(bot_kind::seller, {{intent::buyer, 0.9, ""}}, history, now + 10min);
  CHECK(third.reason == handoff_reason::return_window);
  const auto later =
      policy.decide(bot_kind::seller, {{intent::buyer, 0.9, ""}}, history, now + 36min);
  CHECK(later.target == bot_kind::buyer);
}

TEST_CASE("handoff settings change the rules", "[agents][handoff]") {
  openhouse::config::handoff_settings s;
  s.return_window = 0min;
  s.max_per_hour = 0;
  s.margin = 0;
  const handoff_policy no_limits_on_return{s, openhouse::runtime::time_zone::fixed(0s)};
  const auto d = no_limits_on_return.decide(bot_kind::lead, {{intent::buyer, 0.9, ""}}, {}, now);
  CHECK(d.reason == handoff_reason::hourly_limit);  // 0 allows none

  s.max_per_hour = 3;
  const handoff_policy no_window{s, openhouse::runtime::time_zone::fixed(0s)};
  const auto back =
      no_window.decide(bot_kind::seller, {{intent::buyer, 0.9, ""}, {intent::seller, 0.9, ""}},
                       {{now - 1min, bot_kind::buyer, bot_kind::seller}}, now);
  CHECK(back.target == bot_kind::buyer);  // margin 0 and no return window

  CHECK(no_window.threshold(bot_kind::lead, bot_kind::buyer) == 0.7);
  CHECK(no_window.threshold(bot_kind::seller, bot_kind::buyer) == 0.6);
  CHECK_FALSE(no_window.threshold(bot_kind::buyer, bot_kind::lead));
  CHECK_FALSE(no_window.threshold(bot_kind::buyer, bot_kind::buyer));
}

TEST_CASE("bot and reason names", "[agents][handoff]") {
  for (const auto b : {bot_kind::lead, bot_kind::buyer, bot_kind::seller})
    CHECK(parse_bot_kind(to_string(b)) == b);
  CHECK(parse_bot_kind("Seller") == bot_kind::seller);
  CHECK_FALSE(parse_bot_kind("landlord"));
  CHECK(to_string(handoff_reason::margin_too_small) == "margin_too_small");
  CHECK(to_string(handoff_reason::daily_limit) == "daily_limit");
}

TEST_CASE("the handoff context tells the receiving bot what is known", "[agents][handoff]") {
  lead_facts f;
  f.budget_usd = 450000;
  f.pre_approved = true;
  f.timeline_months = 3;
  f.areas = {"Riverside", "Corona"};
  lead_score score;
  score.frs = 72.4;
  score.pcs = 55.1;
  score.composite = 63.75;
  score.temp = temperature::warm;
  const auto context = make_handoff_context(bot_kind::lead, bot_kind::buyer, f, score,
                                            "Wants a 3 bed home.\nRelocating   for work.");
  const auto text = render_handoff_context(context);
  INFO(text);
  CHECK(text.find(
            "Handoff from the lead bot. Lead temperature: warm (composite 64, FRS 72, PCS 55).") ==
        0);
  CHECK(text.find("budget up to $450,000") != std::string::npos);
  CHECK(text.find("pre-approved") != std::string::npos);
  CHECK(text.find("timeline: about 3 months") != std::string::npos);
  CHECK(text.find("areas: Riverside, Corona") != std::string::npos);
  CHECK(text.find("Wants a 3 bed home. Relocating for work.") != std::string::npos);

  SECTION("nothing known, no summary") {
    const auto empty =
        render_handoff_context(make_handoff_context(bot_kind::buyer, bot_kind::seller, {}, {}, ""));
    CHECK(empty.find("Known: nothing yet.") != std::string::npos);
    CHECK(empty.find("not instructions): none") != std::string::npos);
  }
  SECTION("the summary is capped") {
    const auto long_text = render_handoff_context(
        make_handoff_context(bot_kind::lead, bot_kind::seller, f, score, std::string(2000, 'x')));
    CHECK(long_text.size() < 1000);
    CHECK(long_text.find(std::string(600, 'x') + "...") != std::string::npos);
  }
}
