#include "runtime/orphan_policy.hpp"

#include <catch2/catch.hpp>

using namespace openhouse;
using namespace openhouse::runtime;
using namespace std::chrono_literals;

TEST_CASE("an orphaned text is answered in REST mode while young", "[runtime][orphans]") {
  const auto rest = config::reply_mode::rest;
  CHECK(orphan_action_of(false, 20s, 10min, rest) == orphan_action::answer);
  CHECK(orphan_action_of(false, 10min, 10min, rest) == orphan_action::answer);
  CHECK(orphan_action_of(false, 10min + 1ms, 10min, rest) == orphan_action::flag);
  CHECK(orphan_action_of(false, 3h, 10min, rest) == orphan_action::flag);
  CHECK(orphan_action_of(false, 1s, 0ms, rest) == orphan_action::flag);  // 0: always a person
}

TEST_CASE("in TwiML mode an orphaned text always goes to a person", "[runtime][orphans]") {
  // The webhook's HTTP answer is gone: there is no way to text the lead.
  CHECK(orphan_action_of(false, 1s, 10min, config::reply_mode::twiml) == orphan_action::flag);
}

TEST_CASE("a text the lead followed with another is superseded, in any mode",
          "[runtime][orphans]") {
  CHECK(orphan_action_of(true, 1s, 10min, config::reply_mode::rest) == orphan_action::supersede);
  CHECK(orphan_action_of(true, 1s, 10min, config::reply_mode::twiml) == orphan_action::supersede);
  CHECK(orphan_action_of(true, 2h, 10min, config::reply_mode::rest) == orphan_action::supersede);
}

TEST_CASE("outcome names match the migration's check", "[runtime][orphans]") {
  CHECK(std::string{outcome_of(orphan_action::answer)} == "answered");
  CHECK(std::string{outcome_of(orphan_action::flag)} == "flagged");
  CHECK(std::string{outcome_of(orphan_action::supersede)} == "superseded");
}

TEST_CASE("the claim window: settled by the lease, bounded by age and lookback",
          "[runtime][orphans]") {
  config::runtime_settings rt;
  rt.turn_lease = 15s;
  rt.orphan_max_age = 10min;
  const std::int64_t now = 1'800'000'000'000;
  const auto q = orphan_claim_at(now, rt, 60s, "node-a:1", 25);
  CHECK(q.now_ms == now);
  CHECK(q.settled_before_ms == now - 15'000);  // a live turn holds its lease that long
  CHECK(q.reclaim_before_ms == now - 60'000);
  CHECK(q.since_ms == now - 600'000 - 24 * 3'600'000LL);
  CHECK(q.node == "node-a:1");
  CHECK(q.limit == 25);
}
