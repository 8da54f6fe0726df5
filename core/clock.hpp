#pragma once

#include <atomic>
#include <chrono>

namespace openhouse::runtime {

/// Wall-clock time as the runtime sees it. Injected everywhere a timestamp,
/// TTL, window or quiet hour is read, so that tests and replay control time.
class clock {
 public:
  using time_point = std::chrono::system_clock::time_point;

  virtual ~clock() = default;
  [[nodiscard]] virtual time_point now() const = 0;

  /// Milliseconds since the Unix epoch; what messages carry.
  [[nodiscard]] std::int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
  }
};

/// The real clock.
class system_clock final : public clock {
 public:
  [[nodiscard]] time_point now() const override { return std::chrono::system_clock::now(); }
};

/// A clock that moves only when told to (tests, replay's virtual time).
class manual_clock final : public clock {
 public:
  explicit manual_clock(time_point start = time_point{}) : now_(start.time_since_epoch().count()) {}

  [[nodiscard]] time_point now() const override {
    return time_point{time_point::duration{now_.load()}};
  }

  void advance(std::chrono::system_clock::duration d) { now_ += d.count(); }
  void set(time_point t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<time_point::rep> now_;
};

}  // namespace openhouse::runtime
