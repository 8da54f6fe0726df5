#include "cache/ttl_policy.hpp"

#include "config/market.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <vector>

using openhouse::cache::adaptive_ttl;
using openhouse::cache::scope;
using openhouse::cache::ttl_policy;
using namespace std::chrono_literals;
using seconds = std::chrono::seconds;

namespace {

ttl_policy design_policy(adaptive_ttl adaptive = {}) {
  return ttl_policy{{{"intent", 300s}, {"scoring", 900s}, {"market_context", 3600s},
                     {"faq", 86400s}},
                    120s, adaptive};
}

}  // namespace

TEST_CASE("TTL by task, with a default for unlisted tasks", "[cache][ttl]") {
  const auto p = design_policy();
  CHECK(p.base("intent") == 300s);
  CHECK(p.base("scoring") == 900s);
  CHECK(p.base("faq") == 86400s);
  CHECK(p.base("unknown") == 120s);
  const std::vector<seconds> none;
  CHECK(p.ttl("faq", scope::market, none) == 86400s);
  CHECK(p.ttl("intent", scope::conversation, none) == 300s);
}

TEST_CASE("TTL policy from the market configuration", "[cache][ttl]") {
  openhouse::config::cache_settings settings;
  settings.ttl = {{"intent", 300s}, {"faq", 86400s}};
  const auto p = ttl_policy::from_settings(settings);
  CHECK(p.base("intent") == 300s);
  CHECK(p.base("faq") == 86400s);
  CHECK(p.base("other") == ttl_policy::default_fallback);
}

TEST_CASE("adaptive TTL: a fast conversation caps TTL at k x median gap", "[cache][ttl]") {
  const auto p = design_policy({.enabled = true, .gap_multiple = 4.0, .floor = 60s, .min_gaps = 2});
  // A lead texting every ~30 s: median 30 s -> 120 s instead of 900 s.
  const std::vector<seconds> fast{25s, 30s, 40s};
  CHECK(p.ttl("scoring", scope::contact, fast) == 120s);
  CHECK(p.ttl("scoring", scope::conversation, fast) == 120s);
  CHECK(p.ttl("intent", scope::conversation, fast) == 120s);

  // The median ignores one long pause.
  const std::vector<seconds> with_pause{20s, 20s, 3600s};
  CHECK(p.ttl("scoring", scope::contact, with_pause) == 80s);

  // Never below the floor...
  const std::vector<seconds> burst{2s, 3s, 1s};
  CHECK(p.ttl("scoring", scope::contact, burst) == 60s);
  // ...and never above the base TTL.
  const std::vector<seconds> slow{600s, 900s};
  CHECK(p.ttl("intent", scope::contact, slow) == 300s);
  // A base below the floor stays the base.
  const auto short_task = ttl_policy{{{"tiny", 30s}}, 120s,
                                     {.enabled = true, .gap_multiple = 4.0, .floor = 60s, .min_gaps = 2}};
  CHECK(short_task.ttl("tiny", scope::contact, burst) == 30s);
}

TEST_CASE("adaptive TTL leaves shared scopes alone and needs enough gaps", "[cache][ttl]") {
  const auto p = design_policy();
  const std::vector<seconds> fast{10s, 10s, 10s};
  CHECK(p.ttl("faq", scope::market, fast) == 86400s);
  CHECK(p.ttl("market_context", scope::global, fast) == 3600s);

  const std::vector<seconds> one{10s};
  CHECK(p.ttl("scoring", scope::contact, one) == 900s);  // min_gaps = 2

  const auto off = design_policy({.enabled = false});
  CHECK(off.ttl("scoring", scope::contact, fast) == 900s);
}

TEST_CASE("median gap and gaps between message times", "[cache][ttl]") {
  CHECK_FALSE(ttl_policy::median_gap({}).has_value());
  const std::vector<seconds> odd{50s, 10s, 30s};
  CHECK(ttl_policy::median_gap(odd) == 30s);
  const std::vector<seconds> even{10s, 40s, 20s, 100s};
  CHECK(ttl_policy::median_gap(even) == 30s);

  const auto t = std::chrono::system_clock::time_point{} + 1000h;
  const std::vector<std::chrono::system_clock::time_point> times{t + 70s, t, t + 30s, t + 30s,
                                                                 t + 70500ms};
  // sorted: t, t+30, t+30 (dropped), t+70, t+70.5 (rounded up to 1 s)
  CHECK(ttl_policy::gaps_between(times) == std::vector<seconds>{30s, 40s, 1s});
}
