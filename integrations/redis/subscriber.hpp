#pragma once

#include "integrations/redis/client.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace openhouse::redis {

/// Timing of a subscriber.
struct subscriber_settings {
  /// Bounds the connect, the SUBSCRIBE round trip and the wait for an answer
  /// to a keep-alive PING.
  std::chrono::milliseconds timeout{500};
  /// First delay before reconnecting after a failure; doubled per failure...
  std::chrono::milliseconds backoff_min{50};
  /// ... up to this bound.
  std::chrono::milliseconds backoff_max{2000};
  /// A PING is sent after this long without traffic, so that a link that
  /// died silently (no FIN, e.g. a partition) is noticed within
  /// ping_interval + timeout.
  std::chrono::milliseconds ping_interval{5000};
  /// When non-zero, a PING is sent this long after the last one was answered,
  /// whatever the traffic, and each answer is reported to the fence handler
  /// with the time its PING was sent: Redis answers it after every message
  /// published before, so by then all of them have been passed to
  /// on_message (see cache::generation_sync).
  std::chrono::milliseconds fence_interval{0};
};

/// Listens on one Redis pub/sub channel on a thread of its own.
///
/// The thread connects, SUBSCRIBEs and calls `on_message(payload)` for each
/// message published on the channel. `on_state(true)` is called once the
/// subscription is confirmed, `on_state(false)` when a confirmed subscription
/// is lost; while Redis is away the thread retries with exponential backoff
/// (subscriber_settings), and calls on_state(true) again when it is back.
/// Messages published while no subscription was up are lost (that is Redis
/// pub/sub): a receiver that needs them should treat on_state(true) after an
/// on_state(false) as "anything may have changed".
///
/// **Both callbacks run on the subscriber's own thread**, one at a time and
/// in order; they must be quick (e.g. send an actor message) and must not
/// call stop() or destroy the subscriber. An exception they throw is caught
/// and ignored.
///
/// stop() (and the destructor) wake the thread through a pipe and join it;
/// it never waits in a blocking read, so stopping takes at most one callback.
class subscriber {
 public:
  using message_handler = std::function<void(std::string payload)>;
  using state_handler = std::function<void(bool connected)>;
  using fence_handler = std::function<void(std::chrono::steady_clock::time_point ping_sent)>;

  /// Starts the thread at once. `on_fence` (with settings.fence_interval)
  /// runs on the same thread, in order with the other callbacks.
  subscriber(endpoint ep, std::string channel, message_handler on_message, state_handler on_state,
             subscriber_settings settings = {}, fence_handler on_fence = {});
  ~subscriber();
  subscriber(const subscriber&) = delete;
  subscriber& operator=(const subscriber&) = delete;

  /// Ends the thread and waits for it; idempotent. If a subscription was up,
  /// on_state(false) is the last callback.
  void stop();

  /// True while the subscription is confirmed (as last told to on_state).
  [[nodiscard]] bool connected() const { return connected_.load(); }

  [[nodiscard]] const std::string& channel() const { return channel_; }

 private:
  void run();
  /// One connection's life: connect, subscribe, read until it breaks or
  /// stop() is called. Returns true when it got as far as a confirmed
  /// subscription (the backoff then starts over).
  bool session();
  /// Waits `delay` or until stop(); returns false when stopping.
  bool pause(std::chrono::milliseconds delay);
  void set_state(bool connected);

  endpoint endpoint_;
  std::string channel_;
  message_handler on_message_;
  state_handler on_state_;
  subscriber_settings settings_;
  fence_handler on_fence_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
  std::string last_refusal_;  ///< the thread's last error reply, logged once
  int wake_read_ = -1;        ///< self-pipe: stop() writes, the thread polls
  int wake_write_ = -1;
  std::mutex stop_mutex_;
  std::thread thread_;
};

}  // namespace openhouse::redis
