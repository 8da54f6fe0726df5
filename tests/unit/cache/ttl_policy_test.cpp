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
  return ttl_policy{
      {{"intent", 300s}, {"scoring", 900s}, {"market_context", 3600s}, {"faq", 86400s}},
      120s,
      adaptive};
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
  const auto short_task = ttl_policy{
      {{"tiny", 30s}}, 120s, {.enabled = true, .gap_multiple = 4.0, .floor = 60s, .min_gaps = 2}};
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

TEST_CASE("shared TTLs: market and global units of a listed task get the shared TTL",
          "[cache][ttl][shared]") {
  // Shared TTLs both longer (intent, facts) and shorter (reply) than the
  // per-task one, to show they replace it rather than bound it; `summary` is
  // listed only as shared, `faq` only per task.
  const ttl_policy p{{{"intent", 300s}, {"facts", 900s}, {"reply", 600s}, {"faq", 86400s}},
                     {{"intent", 604800s}, {"facts", 86400s}, {"reply", 30s}, {"summary", 7200s}},
                     120s,
                     {.enabled = true, .gap_multiple = 4.0, .floor = 60s, .min_gaps = 2}};
  const std::vector<seconds> none;
  const std::vector<seconds> fast{20s, 30s, 40s};  // median 30 s -> adapted cap 120 s
  const std::vector<seconds> slow{600s, 900s};     // 4 x 750 s is above every base here

  struct row {
    const char* name;
    const char* task;
    scope s;
    const std::vector<seconds>& gaps;
    seconds expected;
  };
  const std::vector<row> rows{
      {"market unit of a shared task", "intent", scope::market, none, 604800s},
      {"global unit of a shared task", "facts", scope::global, none, 86400s},
      {"a shared TTL below the per-task one still applies", "reply", scope::market, none, 30s},
      // The shared TTL is not a conversation's: its pace does not shorten it.
      {"shared TTL is not adapted to a fast conversation", "intent", scope::market, fast, 604800s},
      {"shared TTL below the floor is kept", "reply", scope::global, fast, 30s},
      {"a task listed only as shared, market", "summary", scope::market, none, 7200s},
      // The lead's own units keep the per-task TTL and its adaptation.
      {"contact unit keeps the per-task TTL", "intent", scope::contact, none, 300s},
      {"conversation unit keeps the per-task TTL", "facts", scope::conversation, none, 900s},
      {"contact unit is adapted", "intent", scope::contact, fast, 120s},
      {"conversation unit is adapted", "reply", scope::conversation, fast, 120s},
      {"contact unit capped at its per-task base", "facts", scope::contact, slow, 900s},
      {"a task listed only as shared, contact: fallback", "summary", scope::contact, none, 120s},
      // Tasks not in `shared` behave as without it.
      {"unshared task, market: per-task TTL", "faq", scope::market, fast, 86400s},
      {"unshared task, contact: adapted per-task TTL", "faq", scope::contact, fast, 120s},
      {"unlisted task, market: fallback", "other", scope::market, none, 120s},
  };
  for (const auto& r : rows) {
    SECTION(r.name) { CHECK(p.ttl(r.task, r.s, r.gaps) == r.expected); }
  }
}

TEST_CASE("shared TTLs do not change the per-task base", "[cache][ttl][shared]") {
  const ttl_policy p{{{"intent", 300s}}, {{"intent", 604800s}, {"summary", 7200s}}, 120s, {}};
  CHECK(p.base("intent") == 300s);
  CHECK(p.base("summary") == 120s);
}

TEST_CASE("TTL policy from the market configuration's shared_ttl", "[cache][ttl][shared]") {
  openhouse::config::cache_settings settings;
  settings.ttl = {{"intent", 300s}, {"faq", 86400s}};
  settings.shared_ttl = {{"intent", 604800s}};
  const auto p = ttl_policy::from_settings(settings);
  const std::vector<seconds> none;
  CHECK(p.ttl("intent", scope::market, none) == 604800s);
  CHECK(p.ttl("intent", scope::contact, none) == 300s);
  CHECK(p.ttl("faq", scope::market, none) == 86400s);
  CHECK(p.ttl("other", scope::global, none) == ttl_policy::default_fallback);
}
