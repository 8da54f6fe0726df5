#include "integrations/llm/circuit_breaker.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace openhouse::llm;
using namespace std::chrono_literals;
namespace cfg = openhouse::config;

namespace {

using time_point = std::chrono::system_clock::time_point;
const time_point t0 = time_point{} + std::chrono::hours(24 * 365 * 56);

cfg::breaker_settings settings(int threshold = 3, std::chrono::milliseconds open = 10000ms) {
  cfg::breaker_settings s;
  s.failure_threshold = threshold;
  s.open = open;
  return s;
}

/// A breaker opened at `at` by `threshold` failures.
circuit_breaker opened(time_point at) {
  circuit_breaker b(settings());
  for (int i = 0; i < 3; ++i) b.on_failure(at);
  REQUIRE(b.state() == breaker_state::open);
  return b;
}

}  // namespace

TEST_CASE("breaker: closed lets calls through and opens after N consecutive failures",
          "[llm][gateway]") {
  circuit_breaker b(settings());
  CHECK(b.state() == breaker_state::closed);
  CHECK(b.allow(t0));
  b.on_failure(t0);
  b.on_failure(t0 + 1s);
  CHECK(b.state() == breaker_state::closed);
  CHECK(b.consecutive_failures() == 2);
  CHECK(b.allow(t0 + 2s));
  b.on_failure(t0 + 2s);
  CHECK(b.state() == breaker_state::open);
  CHECK(b.open_until() == std::optional(t0 + 12s));
  CHECK_FALSE(b.allow(t0 + 2s));
  CHECK_FALSE(b.allow(t0 + 11999ms));
}

TEST_CASE("breaker: a success resets the failure run", "[llm][gateway]") {
  circuit_breaker b(settings());
  b.on_failure(t0);
  b.on_failure(t0);
  b.on_success(t0 + 1s);
  CHECK(b.consecutive_failures() == 0);
  b.on_failure(t0 + 2s);
  b.on_failure(t0 + 2s);
  CHECK(b.state() == breaker_state::closed);
  b.on_failure(t0 + 2s);
  CHECK(b.state() == breaker_state::open);
}

TEST_CASE("breaker: after the open period one trial call decides", "[llm][gateway]") {
  auto b = opened(t0);

  SECTION("half-open allows exactly one trial") {
    CHECK(b.allow(t0 + 10s));
    CHECK(b.state() == breaker_state::half_open);
    CHECK_FALSE(b.allow(t0 + 10s));
    CHECK_FALSE(b.allow(t0 + 15s));
  }
  SECTION("trial success closes") {
    REQUIRE(b.allow(t0 + 10s));
    b.on_success(t0 + 11s);
    CHECK(b.state() == breaker_state::closed);
    CHECK(b.consecutive_failures() == 0);
    CHECK(b.allow(t0 + 11s));
    CHECK(b.allow(t0 + 11s));
    CHECK_FALSE(b.open_until().has_value());
  }
  SECTION("trial failure reopens for another full period") {
    REQUIRE(b.allow(t0 + 10s));
    b.on_failure(t0 + 11s);
    CHECK(b.state() == breaker_state::open);
    CHECK(b.open_until() == std::optional(t0 + 21s));
    CHECK_FALSE(b.allow(t0 + 20s));
    CHECK(b.allow(t0 + 21s));
    CHECK(b.state() == breaker_state::half_open);
    b.on_success(t0 + 22s);
    CHECK(b.state() == breaker_state::closed);
  }
  SECTION("a lost trial is replaced after another open period") {
    REQUIRE(b.allow(t0 + 10s));
    CHECK_FALSE(b.allow(t0 + 19s));
    CHECK(b.allow(t0 + 20s));
    CHECK(b.state() == breaker_state::half_open);
  }
}

TEST_CASE("breaker: late results while open neither extend nor close it", "[llm][gateway]") {
  auto b = opened(t0);
  b.on_failure(t0 + 5s);  // a call started before it opened
  CHECK(b.open_until() == std::optional(t0 + 10s));
  b.on_success(t0 + 6s);
  CHECK(b.state() == breaker_state::open);
  CHECK(b.allow(t0 + 10s));
}

TEST_CASE("breaker: a threshold of 1 opens on the first failure", "[llm][gateway]") {
  circuit_breaker b(settings(1, 500ms));
  b.on_failure(t0);
  CHECK(b.state() == breaker_state::open);
  CHECK_FALSE(b.allow(t0 + 499ms));
  CHECK(b.allow(t0 + 500ms));
  CHECK(to_string(breaker_state::half_open) == "half_open");
  CHECK(to_string(breaker_state::open) == "open");
  CHECK(to_string(breaker_state::closed) == "closed");
}
