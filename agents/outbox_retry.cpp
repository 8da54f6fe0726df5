#include "agents/outbox_retry.hpp"

#include <array>
#include <utility>

namespace openhouse::runtime {

send_verdict classify(long http_status) noexcept {
  if (http_status >= 200 && http_status < 300) return send_verdict::sent;
  if (http_status == 0 || http_status == 408 || http_status == 429 || http_status >= 500) {
    return send_verdict::retry;
  }
  return send_verdict::failed;
}

std::string_view to_string(send_verdict v) noexcept {
  switch (v) {
    case send_verdict::sent:
      return "sent";
    case send_verdict::retry:
      return "retry";
    case send_verdict::failed:
      return "failed";
  }
  return "unknown";
}

std::chrono::milliseconds backoff(int attempts, const config::outbox_settings& s) {
  auto delay = s.base_delay;
  for (int i = 1; i < attempts && delay < s.max_delay; ++i) delay *= 2;
  return std::min(delay, s.max_delay);
}

attempt_update after_attempt(int attempts_before, send_verdict verdict, std::int64_t now_ms,
                             const config::outbox_settings& s) {
  attempt_update out;
  out.attempts = attempts_before + 1;
  out.next_attempt_at_ms = now_ms;
  switch (verdict) {
    case send_verdict::sent:
      out.status = "sent";
      break;
    case send_verdict::failed:
      out.status = "failed";
      break;
    case send_verdict::retry:
      if (out.attempts >= s.max_attempts) {
        out.status = "failed";
      } else {
        out.status = "pending";
        out.next_attempt_at_ms = now_ms + backoff(out.attempts, s).count();
      }
      break;
  }
  return out;
}

namespace {

// Rank of each status: final ones share the top rank (Twilio may report
// "failed" after "sent", or "undelivered" after "delivered" never happens).
constexpr std::array<std::pair<std::string_view, int>, 7> ranks{{
    {"accepted", 0},
    {"queued", 1},
    {"sending", 2},
    {"sent", 3},
    {"delivered", 4},
    {"undelivered", 4},
    {"failed", 4},
}};

int rank_of(std::string_view s) {
  for (const auto& [name, rank] : ranks) {
    if (name == s) return rank;
  }
  return -1;
}

}  // namespace

bool is_delivery_status(std::string_view status) { return rank_of(status) >= 0; }

bool delivery_status_advances(std::string_view current, std::string_view incoming) {
  const int in = rank_of(incoming);
  if (in < 0) return false;
  const int cur = rank_of(current);
  // A final status is never replaced; anything else moves forward only.
  if (cur == 4) return false;
  return in > cur;
}

}  // namespace openhouse::runtime
