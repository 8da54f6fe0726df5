#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

namespace openhouse::redis {

/// Waits, on a thread of its own blocked in poll(2), for one socket to become
/// ready or for a deadline, and then calls a callback once. It lets an
/// event-based actor that owns a non-blocking connection (the cache's L2
/// reader) sleep until its replies are in instead of polling in a loop: the
/// actor arms a wait after each send, and the callback sends it a message.
///
/// arm() may be called from any thread; the callback runs on the watcher's
/// thread, must be quick (e.g. send an actor message) and must not call
/// arm() or destroy the watcher. The destructor wakes the thread and joins it.
class fd_watcher {
 public:
  using callback = std::function<void()>;

  explicit fd_watcher(callback on_ready);
  ~fd_watcher();
  fd_watcher(const fd_watcher&) = delete;
  fd_watcher& operator=(const fd_watcher&) = delete;

  /// Arms one wait (replacing any armed one): `on_ready` runs once when `fd`
  /// is readable (or writable too, when `write`), has an error, or when
  /// `deadline` passes, whichever comes first. The watcher is then idle
  /// until armed again.
  void arm(int fd, bool write, std::chrono::steady_clock::time_point deadline);

  /// Disarms a wait not yet fired.
  void disarm();

 private:
  void run();
  void wake();

  callback on_ready_;
  std::mutex mutex_;
  bool stopping_ = false;
  bool armed_ = false;
  int fd_ = -1;
  bool write_ = false;
  std::chrono::steady_clock::time_point deadline_{};
  int wake_ = -1;  ///< eventfd: arm() and the destructor interrupt poll()
  std::thread thread_;
};

}  // namespace openhouse::redis
