#pragma once

#include "config/market.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

/// What the outbox does after one send attempt: plain functions, so the
/// worker stays a thin loop and the rules are tested without a network.
namespace openhouse::runtime {

enum class send_verdict {
  sent,   ///< 2xx: done, never sent again
  retry,  ///< no answer, 408, 429 or 5xx: try again after a backoff
  failed  ///< any other 4xx (or 3xx): the request itself is wrong; permanent
};

/// The verdict on an HTTP status; 0 stands for "no HTTP answer" (network
/// error, timeout).
[[nodiscard]] send_verdict classify(long http_status) noexcept;

/// "sent" | "retry" | "failed" (metric labels).
[[nodiscard]] std::string_view to_string(send_verdict v) noexcept;

/// The wait before the next attempt after `attempts` attempts so far (>= 1):
/// base_delay * 2^(attempts-1), capped at max_delay.
[[nodiscard]] std::chrono::milliseconds backoff(int attempts, const config::outbox_settings& s);

/// A row after one attempt.
struct attempt_update {
  std::string status;                   ///< pending | sent | failed
  int attempts = 0;                     ///< including this one
  std::int64_t next_attempt_at_ms = 0;  ///< meaningful when pending
};

/// `attempts_before` attempts were made before this one, which ended with
/// `verdict` at `now_ms`. A retry past max_attempts fails the row.
[[nodiscard]] attempt_update after_attempt(int attempts_before, send_verdict verdict,
                                           std::int64_t now_ms, const config::outbox_settings& s);

/// Twilio delivery statuses in the order they happen; reports can arrive out
/// of order, so a later one never goes back (delivered is not followed by
/// "sent"). True when `incoming` should replace `current` ("" : none yet).
/// Unknown statuses are refused.
[[nodiscard]] bool delivery_status_advances(std::string_view current, std::string_view incoming);

/// True for the statuses POST /webhooks/twilio/status accepts.
[[nodiscard]] bool is_delivery_status(std::string_view status);

}  // namespace openhouse::runtime
