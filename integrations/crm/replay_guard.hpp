#pragma once

#include "core/clock.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

/// Replay protection of CRM webhooks: a delivery is refused when its
/// timestamp is outside ±window of the (injected) clock, and recognised as a
/// redelivery when its webhookId was seen within the window. This node-local
/// memory only saves work: the webhookId recorded in PostgreSQL with the
/// webhook's effect is what makes a redelivery after a restart, or to another
/// node, a duplicate too.
namespace openhouse::crm {

enum class delivery_verdict {
  fresh,      ///< never seen, timestamp in the window: handle it
  duplicate,  ///< this node has handled the webhookId: acknowledge, change nothing
  too_old,    ///< timestamp before now - window: refused (a replay, or hopelessly late)
  too_new,    ///< timestamp after now + window: refused (clock skew or forgery)
};

[[nodiscard]] std::string_view to_string(delivery_verdict v) noexcept;

/// Thread-safe: the HTTP front calls it from several I/O threads.
class replay_guard {
 public:
  replay_guard(std::shared_ptr<const runtime::clock> time, std::chrono::seconds window);

  /// The verdict for a delivery; remembers nothing.
  [[nodiscard]] delivery_verdict check(const std::string& webhook_id,
                                       std::int64_t timestamp_ms) const;

  /// Records a handled delivery (only once its effect is stored, so a failed
  /// attempt can be delivered again). Entries older than the window are
  /// dropped: their timestamps are refused anyway.
  void remember(const std::string& webhook_id, std::int64_t timestamp_ms);

  /// Remembered ids (for tests: the memory stays bounded by the window).
  [[nodiscard]] std::size_t size() const;

 private:
  void expire(std::int64_t now_ms);

  std::shared_ptr<const runtime::clock> time_;
  std::int64_t window_ms_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> seen_;  ///< id -> its timestamp
  std::multimap<std::int64_t, std::string> by_time_;    ///< timestamp -> id, for expiry
};

}  // namespace openhouse::crm
