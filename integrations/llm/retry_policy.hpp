#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "config/market.hpp"
#include "core/llm_messages.hpp"

namespace openhouse::llm {

/// What to do about one failed provider call.
enum class retry_class : std::uint8_t {
  retry,    ///< the provider may answer if asked again (after a wait)
  give_up,  ///< asking again cannot help (our request, our key, our money)
};

/// Name of a retry class, for logs and metric labels.
[[nodiscard]] std::string_view to_string(retry_class c) noexcept;

/// True when `error` says the account itself cannot pay: HTTP 402, a
/// spend-limit or quota 429 (messages.hpp's is_spend_limit, plus Anthropic's
/// "usage limits"/"credits" wording), or a 400/403 about the credit balance or
/// billing. Never retried: waiting will not refill the account, and the
/// gateway should tell a human rather than count it as provider trouble.
///
/// client_error carries no provider error type as a field, so this reads the
/// HTTP status and client_error::message ("type: message").
[[nodiscard]] bool is_billing_failure(const client_error& error);

/// Classifies a failure: 429 (unless a billing failure), 529, 500, 502, 503,
/// 504, timeouts (incl. 408), transport errors and malformed bodies retry;
/// 400, 401, 403, other 4xx, 501/505 and billing failures give up.
[[nodiscard]] retry_class classify(const client_error& error);

/// Retry timing of one provider call: exponential backoff with deterministic
/// jitter, bounded by attempts and by a deadline over the whole call.
/// Pure: the caller passes the clock readings and a per-call seed, so the same
/// inputs always give the same answer (tests, replay).
class retry_policy {
 public:
  using time_point = std::chrono::system_clock::time_point;

  /// `settings` must be valid as the loader checks them (attempts >= 1,
  /// base <= max delay, jitter in [0, 1]); out-of-range values are clamped.
  explicit retry_policy(config::retry_settings settings);

  /// How long to wait before the next attempt, or nullopt to stop.
  ///
  /// `attempt` is the 1-based attempt that just failed with `error`; `started`
  /// is when attempt 1 began, `now` is when `error` arrived. Stops when the
  /// error gives up, when `attempt` reached max_attempts, or when waiting the
  /// delay would reach the deadline (no time would be left for the call).
  ///
  /// The backoff before attempt n+1 is cap = min(max_delay, base * 2^(n-1));
  /// the delay is cap * (1 - jitter) + cap * jitter * u, with u in [0, 1)
  /// derived from (`jitter_seed`, attempt) — jitter 1 is AWS's "full jitter".
  /// A retry-after longer than that replaces it (not capped by max_delay,
  /// only by the deadline: the provider said when it will take calls again).
  [[nodiscard]] std::optional<std::chrono::milliseconds> next_delay(
      int attempt, const client_error& error, time_point started, time_point now,
      std::uint64_t jitter_seed) const;

  /// The un-jittered backoff ceiling after `attempt` failed (>= 1).
  [[nodiscard]] std::chrono::milliseconds backoff_cap(int attempt) const;

  [[nodiscard]] const config::retry_settings& settings() const noexcept { return settings_; }

 private:
  config::retry_settings settings_;
};

}  // namespace openhouse::llm
