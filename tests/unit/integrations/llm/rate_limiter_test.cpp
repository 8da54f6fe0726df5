#include "integrations/llm/rate_limiter.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

using namespace openhouse::llm;
using namespace std::chrono_literals;
namespace cfg = openhouse::config;

namespace {

using time_point = std::chrono::system_clock::time_point;

// 2026-01-01T00:00:00Z, so that RFC 3339 resets can be written by hand.
const time_point t0 = time_point{} + std::chrono::seconds{1767225600};

rate_limiter limiter_of(std::int64_t rpm, std::int64_t in_tpm, std::int64_t out_tpm) {
  std::map<std::string, cfg::rate_limit_settings> limits;
  limits["small"] = cfg::rate_limit_settings{rpm, in_tpm, out_tpm};
  return rate_limiter{limits};
}

}  // namespace

TEST_CASE("rate limiter: requests per minute admit a burst, then one call per refill",
          "[llm][rate_limit]") {
  auto limiter = limiter_of(6, 0, 0);  // one request every 10 s
  for (int i = 0; i < 6; ++i) CHECK(limiter.try_acquire("small", 10, 10, t0) == 0ms);
  CHECK(limiter.try_acquire("small", 10, 10, t0) == 10000ms);
  // Asking too early charges nothing and names the rest of the wait.
  CHECK(limiter.try_acquire("small", 10, 10, t0 + 4s) == 6000ms);
  CHECK(limiter.try_acquire("small", 10, 10, t0 + 10s) == 0ms);
  CHECK(limiter.try_acquire("small", 10, 10, t0 + 10s) > 0ms);
}

TEST_CASE("rate limiter: a model without limits is never held back", "[llm][rate_limit]") {
  auto limiter = limiter_of(1, 1, 1);
  for (int i = 0; i < 1000; ++i) REQUIRE(limiter.try_acquire("other", 5000, 5000, t0) == 0ms);
}

TEST_CASE("rate limiter: input and output tokens per minute", "[llm][rate_limit]") {
  auto limiter = limiter_of(0, 6000, 600);
  CHECK(limiter.try_acquire("small", 4000, 100, t0) == 0ms);
  // 2000 input tokens left: 3000 more need 1000 tokens of refill = 10 s.
  CHECK(limiter.try_acquire("small", 3000, 100, t0) == 10000ms);
  CHECK(limiter.try_acquire("small", 2000, 100, t0) == 0ms);
  // Output: two calls took 100 each, 400 of 600 are left; 500 more wait for
  // 100 tokens of refill at 10 a second = 10 s.
  CHECK(limiter.try_acquire("small", 0, 500, t0) == 10000ms);
  // A call bigger than a minute's allowance waits for a full bucket, then goes.
  CHECK(limiter.try_acquire("small", 50000, 0, t0 + 60s) == 0ms);
}

TEST_CASE("rate limiter: settle returns unused output tokens", "[llm][rate_limit]") {
  auto limiter = limiter_of(0, 0, 1000);
  CHECK(limiter.try_acquire("small", 0, 800, t0) == 0ms);
  CHECK(limiter.try_acquire("small", 0, 800, t0) > 0ms);
  limiter.settle("small", 800, 50, t0);  // the answer used 50 of the 800 reserved
  CHECK(limiter.try_acquire("small", 0, 800, t0) == 0ms);
}

TEST_CASE("rate limiter: retry-after pauses the model, not others", "[llm][rate_limit]") {
  auto limiter = limiter_of(0, 0, 0);
  limiter.pause("small", 7000ms, t0);
  CHECK(limiter.try_acquire("small", 1, 1, t0 + 2s) == 5000ms);
  CHECK(limiter.try_acquire("big", 1, 1, t0 + 2s) == 0ms);
  CHECK(limiter.try_acquire("small", 1, 1, t0 + 7s) == 0ms);
  // A shorter pause never cuts a longer one short.
  limiter.pause("small", 9000ms, t0 + 7s);
  limiter.pause("small", 1000ms, t0 + 7s);
  CHECK(limiter.try_acquire("small", 1, 1, t0 + 9s) == 7000ms);
}

TEST_CASE("rate limiter: Anthropic headers lower the buckets and pause at zero",
          "[llm][rate_limit]") {
  const std::vector<header_field> headers = {
      {"Anthropic-Ratelimit-Requests-Remaining", "0"},
      {"anthropic-ratelimit-requests-reset", "2026-01-01T00:00:20Z"},
      {"anthropic-ratelimit-input-tokens-remaining", "1200"},
      {"anthropic-ratelimit-input-tokens-reset", "2026-01-01T00:00:05.500Z"},
      {"anthropic-ratelimit-output-tokens-remaining", "not a number"},
  };
  const auto hint = read_limit_headers(headers, t0);
  REQUIRE(hint.requests_remaining == 0);
  REQUIRE(hint.requests_reset == t0 + 20s);
  REQUIRE(hint.input_tokens_remaining == 1200);
  REQUIRE(hint.input_tokens_reset == t0 + 5500ms);
  CHECK_FALSE(hint.output_tokens_remaining);

  auto limiter = limiter_of(0, 60000, 0);
  limiter.observe("small", hint, t0);
  CHECK(limiter.try_acquire("small", 1, 1, t0 + 10s) == 10000ms);  // paused until the reset
  // From the reset on, the input bucket (lowered to 1200, then refilling at
  // 1000 per second for 20 s) decides.
  CHECK(limiter.try_acquire("small", 20000, 1, t0 + 20s) == 0ms);
}

TEST_CASE("rate limiter: OpenAI headers with durations", "[llm][rate_limit]") {
  const std::vector<header_field> headers = {
      {"x-ratelimit-remaining-requests", "0"},
      {"x-ratelimit-reset-requests", "1m2.5s"},
      {"x-ratelimit-remaining-tokens", "30"},
      {"x-ratelimit-reset-tokens", "250ms"},
  };
  const auto hint = read_limit_headers(headers, t0);
  REQUIRE(hint.requests_reset == t0 + 62500ms);
  REQUIRE(hint.input_tokens_reset == t0 + 250ms);
  REQUIRE(hint.input_tokens_remaining == 30);

  auto limiter = limiter_of(0, 0, 0);
  limiter.observe("small", hint, t0);
  CHECK(limiter.try_acquire("small", 1, 1, t0) == 62500ms);
  // Headers of one model leave another alone.
  CHECK(limiter.try_acquire("big", 1, 1, t0) == 0ms);
}

TEST_CASE("rate limiter: a remaining count above ours leaves the bucket as it is",
          "[llm][rate_limit]") {
  auto limiter = limiter_of(2, 0, 0);
  CHECK(limiter.try_acquire("small", 1, 1, t0) == 0ms);
  CHECK(limiter.try_acquire("small", 1, 1, t0) == 0ms);
  provider_limit_hint hint;
  hint.requests_remaining = 500;
  limiter.observe("small", hint, t0);
  CHECK(limiter.try_acquire("small", 1, 1, t0) == 30000ms);
}
