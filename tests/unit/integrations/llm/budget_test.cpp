#include "integrations/llm/budget.hpp"
#include "tests/support/hash_slot.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace openhouse::llm;
namespace cfg = openhouse::config;

namespace {

/// Small caps so the numbers in the tests read easily.
cfg::budget_settings caps(cfg::over_cap_action action) {
  cfg::budget_settings s;
  s.contact_daily_tokens = 1000;
  s.contact_daily_usd = 1.0;
  s.market_daily_tokens = 5000;
  s.market_daily_usd = 10.0;
  s.action = action;
  s.downgrade_model = "claude-haiku-4-5";
  s.hard_cap_ratio = 1.5;
  return s;
}

const std::string day1 = "2026-11-22";
const std::string day2 = "2026-11-23";

}  // namespace

TEST_CASE("budget: decisions by cap, scope and action", "[llm][gateway]") {
  struct row {
    const char* name;
    cfg::over_cap_action action;
    std::int64_t spent_tokens;  ///< recorded for "+15550001" before the check
    double spent_usd;
    std::int64_t other_tokens;  ///< recorded for other contacts (market totals)
    double other_usd;
    std::int64_t estimate_tokens;
    double estimate_usd;
    budget_action expected;
    budget_scope scope;
    budget_metric metric;
  };
  using enum cfg::over_cap_action;
  const std::vector<row> rows = {
      {"fresh contact", downgrade, 0, 0, 0, 0, 100, 0.01, budget_action::allow, budget_scope::none,
       budget_metric::none},
      {"exactly at the token cap is allowed", downgrade, 900, 0.1, 0, 0, 100, 0.01,
       budget_action::allow, budget_scope::none, budget_metric::none},
      {"contact tokens over cap: downgrade", downgrade, 950, 0.1, 0, 0, 100, 0.01,
       budget_action::downgrade, budget_scope::contact, budget_metric::tokens},
      {"contact tokens over cap: fallback", fallback, 950, 0.1, 0, 0, 100, 0.01,
       budget_action::fallback, budget_scope::contact, budget_metric::tokens},
      {"contact tokens past the hard cap: fallback even when downgrading", downgrade, 1450, 0.1, 0,
       0, 100, 0.01, budget_action::fallback, budget_scope::contact, budget_metric::tokens},
      {"contact dollars over cap: downgrade", downgrade, 10, 0.95, 0, 0, 10, 0.10,
       budget_action::downgrade, budget_scope::contact, budget_metric::usd},
      {"contact dollars over cap: fallback", fallback, 10, 0.95, 0, 0, 10, 0.10,
       budget_action::fallback, budget_scope::contact, budget_metric::usd},
      {"contact dollars past the hard cap", downgrade, 10, 1.45, 0, 0, 10, 0.10,
       budget_action::fallback, budget_scope::contact, budget_metric::usd},
      {"market tokens over cap: downgrade", downgrade, 0, 0, 4950, 1.0, 100, 0.01,
       budget_action::downgrade, budget_scope::market, budget_metric::tokens},
      {"market tokens over cap: fallback", fallback, 0, 0, 4950, 1.0, 100, 0.01,
       budget_action::fallback, budget_scope::market, budget_metric::tokens},
      {"market dollars over cap: downgrade", downgrade, 0, 0, 100, 9.99, 10, 0.02,
       budget_action::downgrade, budget_scope::market, budget_metric::usd},
      {"market dollars past the hard cap", downgrade, 0, 0, 100, 14.99, 10, 0.02,
       budget_action::fallback, budget_scope::market, budget_metric::usd},
      {"the worse of contact downgrade and market fallback", downgrade, 950, 0.1, 100, 15.0, 100,
       0.01, budget_action::fallback, budget_scope::market, budget_metric::usd},
      {"a single call larger than the cap", fallback, 0, 0, 0, 0, 1001, 0.01,
       budget_action::fallback, budget_scope::contact, budget_metric::tokens},
  };
  for (const auto& r : rows) {
    SECTION(r.name) {
      budget_tracker tracker(caps(r.action));
      if (r.spent_tokens > 0 || r.spent_usd > 0)
        tracker.record("+15550001", day1, r.spent_tokens, r.spent_usd);
      if (r.other_tokens > 0 || r.other_usd > 0)
        tracker.record("+15550002", day1, r.other_tokens, r.other_usd);
      const auto d = tracker.check("+15550001", day1, r.estimate_tokens, r.estimate_usd);
      CHECK(d.action == r.expected);
      CHECK(d.scope == r.scope);
      CHECK(d.metric == r.metric);
    }
  }
}

TEST_CASE("budget: contacts are capped separately, the market together", "[llm][gateway]") {
  budget_tracker tracker(caps(cfg::over_cap_action::fallback));
  tracker.record("+15550001", day1, 1000, 0.5);
  CHECK(tracker.check("+15550001", day1, 1, 0.0).action == budget_action::fallback);
  CHECK(tracker.check("+15550002", day1, 1, 0.0).action == budget_action::allow);
  CHECK(tracker.contact_spend("+15550001", day1).tokens == 1000);
  CHECK(tracker.contact_spend("+15550002", day1).tokens == 0);
  // Five contacts at their cap reach the market's 5000-token cap.
  for (const char* c : {"+15550002", "+15550003", "+15550004", "+15550005"})
    tracker.record(c, day1, 1000, 0.5);
  CHECK(tracker.market_spend(day1).tokens == 5000);
  CHECK(tracker.market_spend(day1).usd == Approx(2.5));
  const auto d = tracker.check("+15550099", day1, 1, 0.0);
  CHECK(d.action == budget_action::fallback);
  CHECK(d.scope == budget_scope::market);
  CHECK(tracker.tracked_contacts() == 5);
}

TEST_CASE("budget: a new day starts from zero and drops the old one", "[llm][gateway]") {
  budget_tracker tracker(caps(cfg::over_cap_action::fallback));
  tracker.record("+15550001", day1, 1000, 1.0);
  tracker.record("+15550002", day1, 10, 0.01);
  REQUIRE(tracker.check("+15550001", day1, 10, 0.01).action == budget_action::fallback);

  // Checking the next day sees nothing spent, before anything is recorded.
  CHECK(tracker.check("+15550001", day2, 10, 0.01).action == budget_action::allow);

  tracker.record("+15550003", day2, 5, 0.001);
  CHECK(tracker.current_day() == day2);
  CHECK(tracker.tracked_contacts() == 1);
  CHECK(tracker.contact_spend("+15550001", day1).tokens == 0);
  CHECK(tracker.market_spend(day2).tokens == 5);
  CHECK(tracker.check("+15550001", day2, 10, 0.01).action == budget_action::allow);

  SECTION("late usage for the day before is dropped") {
    tracker.record("+15550001", day1, 500, 0.5);
    CHECK(tracker.current_day() == day2);
    CHECK(tracker.market_spend(day2).tokens == 5);
    CHECK(tracker.contact_spend("+15550001", day2).tokens == 0);
  }
}

TEST_CASE("budget: names for logs and metrics", "[llm][gateway]") {
  CHECK(to_string(budget_action::allow) == "allow");
  CHECK(to_string(budget_action::downgrade) == "downgrade");
  CHECK(to_string(budget_action::fallback) == "fallback");
  CHECK(to_string(budget_scope::contact) == "contact");
  CHECK(to_string(budget_scope::market) == "market");
  CHECK(to_string(budget_metric::tokens) == "tokens");
  CHECK(to_string(budget_metric::usd) == "usd");
}

TEST_CASE("budget: decide() reads any count, so a fleet's shared totals cap every node",
          "[llm][gateway][fleet]") {
  const auto s = caps(cfg::over_cap_action::fallback);
  // Two nodes' trackers each saw half the market's spending; neither alone
  // reaches the cap, their sum (what Redis holds) does.
  budget_tracker node_a(s);
  budget_tracker node_b(s);
  for (int i = 0; i < 5; ++i) {
    node_a.record("+1555000" + std::to_string(i), day1, 495, 0.01);
    node_b.record("+1555100" + std::to_string(i), day1, 495, 0.01);
  }
  CHECK(node_a.check("+15559999", day1, 100, 0.01).action == budget_action::allow);
  CHECK(node_b.check("+15559999", day1, 100, 0.01).action == budget_action::allow);
  const spend fleet_market{node_a.market_spend(day1).tokens + node_b.market_spend(day1).tokens,
                           node_a.market_spend(day1).usd + node_b.market_spend(day1).usd};
  const auto d = decide(s, spend{}, fleet_market, 100, 0.01);
  CHECK(d.action == budget_action::fallback);
  CHECK(d.scope == budget_scope::market);
  CHECK(d.metric == budget_metric::tokens);
  // The same count through the tracker and through decide() decides alike.
  CHECK(decide(s, node_a.contact_spend("+15550001", day1), node_a.market_spend(day1), 100, 0.01)
            .action == node_a.check("+15550001", day1, 100, 0.01).action);
}

TEST_CASE("budget: at_least keeps the larger of two counts, field by field", "[llm][gateway]") {
  CHECK(at_least({10, 0.5}, {20, 0.1}) == spend{20, 0.5});
  CHECK(at_least({}, {3, 0.25}) == spend{3, 0.25});
}

TEST_CASE("budget: dollars as whole micro-dollars, never short", "[llm][gateway]") {
  CHECK(to_micro_usd(0) == 0);
  CHECK(to_micro_usd(-1) == 0);
  CHECK(to_micro_usd(0.000001) == 1);
  CHECK(to_micro_usd(1.5) == 1'500'000);
  CHECK(to_micro_usd(0.0000004) == 1);  // a sliver of a micro-dollar still counts
  CHECK(to_micro_usd(0.0123456) == 12346);
  CHECK(from_micro_usd(2'500'000) == Approx(2.5));
  // A day of small calls adds up exactly (no float drift between nodes).
  std::int64_t sum = 0;
  for (int i = 0; i < 100'000; ++i) sum += to_micro_usd(0.000375);
  CHECK(sum == 37'500'000);
}

TEST_CASE("budget: Redis keys of a day share one cluster slot per market and day",
          "[llm][gateway][cluster]") {
  using openhouse::test::hash_slot;
  const auto a = budget_redis_keys("openhouse", "inland-empire", day1, "+19095551234");
  CHECK(a.market == "{openhouse:budget:inland-empire:2026-11-22}:market");
  CHECK(a.contact == "{openhouse:budget:inland-empire:2026-11-22}:contact:+19095551234");
  CHECK(hash_slot(a.contact) == hash_slot(a.market));
  const auto b = budget_redis_keys("openhouse", "inland-empire", day1, "+14155550000");
  CHECK(b.market == a.market);
  CHECK(hash_slot(b.contact) == hash_slot(a.market));
  // Other days and markets are other keys (and, by the hash, usually other slots).
  CHECK(budget_redis_keys("openhouse", "inland-empire", day2, "+1").market != a.market);
  CHECK(budget_redis_keys("openhouse", "bay-area", day1, "+1").market != a.market);
  CHECK(budget_redis_keys("other", "inland-empire", day1, "+1").market != a.market);
  // Ids cannot open or close the tag, nor make two contacts share a key.
  const auto odd = budget_redis_keys("oh", "m}x", day1, "c{d}:e");
  CHECK(hash_slot(odd.contact) == hash_slot(odd.market));
  CHECK(odd.contact.find("c{") == std::string::npos);
  std::set<std::string> seen;
  for (const std::string c : {"a:b", "a%3Ab", "a", "a:", ":a", "a b", "a%20b"}) {
    CHECK(seen.insert(budget_redis_keys("oh", "m", day1, c).contact).second);
  }
}
