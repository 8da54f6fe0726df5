#include "integrations/llm/retry_policy.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

using namespace openhouse::llm;
using namespace std::chrono_literals;
namespace cfg = openhouse::config;

namespace {

using time_point = std::chrono::system_clock::time_point;

const time_point t0 = time_point{} + std::chrono::hours(24 * 365 * 56);

client_error error_of(client_errc code, int status, std::string message = {},
                      std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  return client_error{code, status, std::move(message), retry_after};
}

cfg::retry_settings no_jitter() {
  cfg::retry_settings s;
  s.max_attempts = 10;
  s.base_delay = 250ms;
  s.max_delay = 8000ms;
  s.deadline = 600000ms;
  s.jitter = 0;
  return s;
}

/// Anthropic's wording of an ordinary 429 (from its API docs): a rate limit.
const std::string anthropic_rate_limit =
    "rate_limit_error: This request would exceed the rate limit for your organization of 50,000 "
    "input tokens per "
    "minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the "
    "response headers "
    "for current usage. Please reduce the prompt length or the maximum tokens requested, or try "
    "again later.";

}  // namespace

TEST_CASE("classify: every client_errc and status", "[llm][gateway]") {
  struct row {
    const char* name;
    client_error error;
    retry_class expected;
  };
  const std::vector<row> rows = {
      {"transport", error_of(client_errc::transport, 0, "connection refused"), retry_class::retry},
      {"timeout", error_of(client_errc::timeout, 0, "operation timed out"), retry_class::retry},
      {"408 timeout", error_of(client_errc::timeout, 408), retry_class::retry},
      {"429 rate limit", error_of(client_errc::rate_limited, 429, anthropic_rate_limit, 3s),
       retry_class::retry},
      {"429 without retry-after",
       error_of(client_errc::rate_limited, 429, "rate_limit_error: slow down"), retry_class::retry},
      {"529 overloaded", error_of(client_errc::overloaded, 529, "overloaded_error: Overloaded"),
       retry_class::retry},
      {"500", error_of(client_errc::server_error, 500, "api_error: Internal server error"),
       retry_class::retry},
      {"502", error_of(client_errc::server_error, 502), retry_class::retry},
      {"503", error_of(client_errc::server_error, 503), retry_class::retry},
      {"504", error_of(client_errc::server_error, 504), retry_class::retry},
      {"501", error_of(client_errc::server_error, 501), retry_class::give_up},
      {"malformed 200", error_of(client_errc::malformed_response, 200, "invalid JSON"),
       retry_class::retry},
      {"400", error_of(client_errc::bad_request, 400, "invalid_request_error: max_tokens"),
       retry_class::give_up},
      {"404", error_of(client_errc::bad_request, 404, "not_found_error: model"),
       retry_class::give_up},
      {"413", error_of(client_errc::bad_request, 413, "request_too_large"), retry_class::give_up},
      {"401", error_of(client_errc::unauthorized, 401, "authentication_error: invalid x-api-key"),
       retry_class::give_up},
      {"403", error_of(client_errc::unauthorized, 403, "permission_error: no access"),
       retry_class::give_up},
      {"spend-limit 429 (Anthropic)",
       error_of(client_errc::rate_limited, 429,
                "rate_limit_error: You have reached your specified workspace spend limit.", 60s),
       retry_class::give_up},
      {"spend-limit 429 (API usage limits)",
       error_of(client_errc::rate_limited, 429,
                "rate_limit_error: You have reached your specified API usage limits. You will "
                "regain access on "
                "2026-12-01 at 00:00 UTC."),
       retry_class::give_up},
      {"quota 429 (OpenAI)",
       error_of(client_errc::rate_limited, 429,
                "insufficient_quota: You exceeded your current quota, please check your plan and "
                "billing details."),
       retry_class::give_up},
      {"402 payment required", error_of(client_errc::bad_request, 402, "HTTP 402"),
       retry_class::give_up},
      {"400 credit balance",
       error_of(
           client_errc::bad_request, 400,
           "invalid_request_error: Your credit balance is too low to access the Anthropic API."),
       retry_class::give_up},
  };
  for (const auto& r : rows) {
    SECTION(r.name) { CHECK(classify(r.error) == r.expected); }
  }
}

TEST_CASE("billing failures are told apart from rate limits", "[llm][gateway]") {
  CHECK_FALSE(is_billing_failure(error_of(client_errc::rate_limited, 429, anthropic_rate_limit)));
  CHECK_FALSE(is_billing_failure(
      error_of(client_errc::server_error, 500, "api_error: Internal server error")));
  CHECK(is_billing_failure(
      error_of(client_errc::rate_limited, 429, "rate_limit_error: Spend Limit reached")));
  CHECK(is_billing_failure(error_of(client_errc::bad_request, 402, "")));
  CHECK(is_billing_failure(
      error_of(client_errc::unauthorized, 403, "permission_error: billing is disabled")));
  CHECK(to_string(retry_class::retry) == "retry");
  CHECK(to_string(retry_class::give_up) == "give_up");
}

TEST_CASE("backoff doubles from the base delay and stops at the cap", "[llm][gateway]") {
  const retry_policy policy(no_jitter());
  const auto err = error_of(client_errc::overloaded, 529);
  const std::vector<std::chrono::milliseconds> expected = {250ms,  500ms,  1000ms, 2000ms, 4000ms,
                                                           8000ms, 8000ms, 8000ms, 8000ms};
  for (int attempt = 1; attempt <= 9; ++attempt) {
    INFO("attempt " << attempt);
    CHECK(policy.backoff_cap(attempt) == expected[static_cast<std::size_t>(attempt - 1)]);
    const auto delay = policy.next_delay(attempt, err, t0, t0, 42);
    REQUIRE(delay.has_value());
    CHECK(*delay == expected[static_cast<std::size_t>(attempt - 1)]);
  }
  // A huge attempt number must not overflow the doubling.
  CHECK(policy.backoff_cap(1000) == 8000ms);
}

TEST_CASE("jitter stays in [cap * (1 - jitter), cap] and is deterministic for a seed",
          "[llm][gateway]") {
  auto settings = no_jitter();
  settings.jitter = 0.5;
  const retry_policy policy(settings);
  const auto err = error_of(client_errc::server_error, 503);
  bool seeds_differ = false;
  for (int attempt = 1; attempt <= 6; ++attempt) {
    const auto cap = policy.backoff_cap(attempt);
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
      const auto delay = policy.next_delay(attempt, err, t0, t0, seed);
      REQUIRE(delay.has_value());
      CHECK(*delay >= cap / 2);
      CHECK(*delay <= cap);
      // Same inputs, same answer.
      CHECK(policy.next_delay(attempt, err, t0, t0, seed) == delay);
      if (*delay != *policy.next_delay(attempt, err, t0, t0, seed + 1)) seeds_differ = true;
    }
  }
  CHECK(seeds_differ);

  SECTION("full jitter spreads over [0, cap]") {
    settings.jitter = 1;
    const retry_policy full(settings);
    std::chrono::milliseconds lowest = 8000ms, highest = 0ms;
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
      const auto d = *full.next_delay(3, err, t0, t0, seed);
      lowest = std::min(lowest, d);
      highest = std::max(highest, d);
      CHECK(d <= 1000ms);
    }
    CHECK(lowest < 250ms);
    CHECK(highest > 750ms);
  }
}

TEST_CASE("retry-after overrides a shorter backoff, not a longer one", "[llm][gateway]") {
  const retry_policy policy(no_jitter());
  SECTION("longer than the backoff: honoured, even above max_delay") {
    const auto d =
        policy.next_delay(1, error_of(client_errc::rate_limited, 429, "slow down", 12s), t0, t0, 1);
    REQUIRE(d.has_value());
    CHECK(*d == 12000ms);
  }
  SECTION("shorter than the backoff: the backoff") {
    const auto d =
        policy.next_delay(5, error_of(client_errc::rate_limited, 429, "slow down", 1s), t0, t0, 1);
    REQUIRE(d.has_value());
    CHECK(*d == 4000ms);
  }
  SECTION("retry-after on a 529 counts too") {
    const auto d = policy.next_delay(1, error_of(client_errc::overloaded, 529, "", 2s), t0, t0, 1);
    REQUIRE(d.has_value());
    CHECK(*d == 2000ms);
  }
  SECTION("but not on a spend-limit 429") {
    CHECK_FALSE(policy
                    .next_delay(1,
                                error_of(client_errc::rate_limited, 429,
                                         "insufficient_quota: You exceeded your current quota", 1s),
                                t0, t0, 1)
                    .has_value());
  }
}

TEST_CASE("retries stop at max_attempts", "[llm][gateway]") {
  auto settings = no_jitter();
  settings.max_attempts = 4;
  const retry_policy policy(settings);
  const auto err = error_of(client_errc::timeout, 0);
  CHECK(policy.next_delay(1, err, t0, t0, 7).has_value());
  CHECK(policy.next_delay(2, err, t0, t0, 7).has_value());
  CHECK(policy.next_delay(3, err, t0, t0, 7).has_value());
  CHECK_FALSE(policy.next_delay(4, err, t0, t0, 7).has_value());
  CHECK_FALSE(policy.next_delay(5, err, t0, t0, 7).has_value());

  SECTION("one attempt means no retry at all") {
    settings.max_attempts = 1;
    CHECK_FALSE(retry_policy(settings).next_delay(1, err, t0, t0, 7).has_value());
  }
}

TEST_CASE("retries stop when the wait would reach the deadline", "[llm][gateway]") {
  auto settings = no_jitter();
  settings.deadline = 20000ms;
  const retry_policy policy(settings);
  const auto err = error_of(client_errc::server_error, 500);
  // Attempt 3 failed: backoff 1000 ms.
  CHECK(policy.next_delay(3, err, t0, t0 + 18000ms, 1) == std::optional(1000ms));
  CHECK(policy.next_delay(3, err, t0, t0 + 18999ms, 1) == std::optional(1000ms));
  CHECK_FALSE(policy.next_delay(3, err, t0, t0 + 19000ms, 1).has_value());
  CHECK_FALSE(policy.next_delay(3, err, t0, t0 + 25000ms, 1).has_value());

  SECTION("a retry-after past the deadline stops at once") {
    CHECK_FALSE(policy.next_delay(1, error_of(client_errc::rate_limited, 429, "", 30s), t0, t0, 1)
                    .has_value());
    CHECK(policy.next_delay(1, error_of(client_errc::rate_limited, 429, "", 19s), t0, t0, 1) ==
          std::optional(19000ms));
  }
}

TEST_CASE("errors that give up never get a delay", "[llm][gateway]") {
  const retry_policy policy(no_jitter());
  for (auto status : {400, 401, 403, 404}) {
    const auto code =
        status == 401 || status == 403 ? client_errc::unauthorized : client_errc::bad_request;
    CHECK_FALSE(policy.next_delay(1, error_of(code, status), t0, t0, 1).has_value());
  }
}

TEST_CASE("a whole call's schedule with the shipped defaults", "[llm][gateway]") {
  const cfg::retry_settings
      defaults;  // 4 attempts, 250 ms base, 8 s cap, 20 s deadline, jitter 0.5
  const retry_policy policy(defaults);
  const auto err = error_of(client_errc::overloaded, 529);
  time_point now = t0;
  std::vector<std::chrono::milliseconds> waits;
  for (int attempt = 1;; ++attempt) {
    now += 1s;  // each attempt takes a second before failing
    const auto d = policy.next_delay(attempt, err, t0, now, 0xfeedULL);
    if (!d) break;
    waits.push_back(*d);
    now += *d;
  }
  REQUIRE(waits.size() == 3);  // attempts 2, 3 and 4
  CHECK(waits[0] >= 125ms);
  CHECK(waits[0] <= 250ms);
  CHECK(waits[1] >= 250ms);
  CHECK(waits[1] <= 500ms);
  CHECK(waits[2] >= 500ms);
  CHECK(waits[2] <= 1000ms);
}
