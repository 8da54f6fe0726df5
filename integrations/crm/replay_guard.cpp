#include "integrations/crm/replay_guard.hpp"

namespace openhouse::crm {

std::string_view to_string(delivery_verdict v) noexcept {
  switch (v) {
    case delivery_verdict::fresh:
      return "fresh";
    case delivery_verdict::duplicate:
      return "duplicate";
    case delivery_verdict::too_old:
      return "too_old";
    case delivery_verdict::too_new:
      return "too_new";
  }
  return "unknown";
}

replay_guard::replay_guard(std::shared_ptr<const runtime::clock> time, std::chrono::seconds window)
    : time_(std::move(time)),
      window_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(window).count()) {}

delivery_verdict replay_guard::check(const std::string& webhook_id,
                                     std::int64_t timestamp_ms) const {
  const auto now = time_->now_ms();
  if (timestamp_ms < now - window_ms_) {
    return delivery_verdict::too_old;
  }
  if (timestamp_ms > now + window_ms_) {
    return delivery_verdict::too_new;
  }
  std::lock_guard lock{mutex_};
  return seen_.contains(webhook_id) ? delivery_verdict::duplicate : delivery_verdict::fresh;
}

void replay_guard::remember(const std::string& webhook_id, std::int64_t timestamp_ms) {
  std::lock_guard lock{mutex_};
  expire(time_->now_ms());
  if (seen_.emplace(webhook_id, timestamp_ms).second) {
    by_time_.emplace(timestamp_ms, webhook_id);
  }
}

std::size_t replay_guard::size() const {
  std::lock_guard lock{mutex_};
  return seen_.size();
}

void replay_guard::expire(std::int64_t now_ms) {
  const auto oldest_accepted = now_ms - window_ms_;
  while (!by_time_.empty() && by_time_.begin()->first < oldest_accepted) {
    seen_.erase(by_time_.begin()->second);
    by_time_.erase(by_time_.begin());
  }
}

}  // namespace openhouse::crm
