#pragma once

#include <atomic>
#include <cstddef>

namespace openhouse::runtime {

/// Bounds the store's turn writes queued or in flight (storage.write_queue).
/// Thread-safe: the store's front admits a write on one thread, the batch
/// writer lets it go on another once its batch is answered.
class write_admission {
 public:
  /// `limit`: writes admitted at most at once (at least 1).
  explicit write_admission(std::size_t limit) : limit_(limit == 0 ? 1 : limit) {}

  /// Admits one write; false (and nothing counted) when `limit` are in.
  bool try_enter();

  /// Lets `n` admitted writes go.
  void leave(std::size_t n = 1);

  /// Writes admitted now.
  [[nodiscard]] std::size_t in() const { return in_.load(std::memory_order_relaxed); }

  [[nodiscard]] std::size_t limit() const { return limit_; }

 private:
  const std::size_t limit_;
  std::atomic<std::size_t> in_{0};
};

}  // namespace openhouse::runtime
