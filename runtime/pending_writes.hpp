#pragma once

#include <cstddef>
#include <deque>
#include <utility>
#include <vector>

namespace openhouse::runtime {

/// The writes waiting for the store's next commit, and when to flush them.
/// Batches size themselves to the load without a timer: the first write
/// after a flush asks for a flush at once; the writes that arrive before that
/// request is handled (those that queued behind a running commit) join it, up
/// to `max_batch`. Plain logic: the batch writer actor drives it.
template <class T>
class pending_writes {
 public:
  /// `max_batch`: writes per batch at most (at least 1).
  explicit pending_writes(std::size_t max_batch) : max_batch_(max_batch == 0 ? 1 : max_batch) {}

  /// Queues a write; true when the caller must ask for a flush (none is
  /// asked for yet).
  bool push(T write) {
    items_.push_back(std::move(write));
    if (flush_asked_) return false;
    flush_asked_ = true;
    return true;
  }

  /// The next batch (oldest first, at most max_batch). The flush it answers
  /// is done; when writes remain, another is asked for (`more()`).
  std::vector<T> take() {
    std::vector<T> out;
    const auto n = items_.size() < max_batch_ ? items_.size() : max_batch_;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      out.push_back(std::move(items_.front()));
      items_.pop_front();
    }
    flush_asked_ = !items_.empty();
    return out;
  }

  /// True when writes wait beyond the batch just taken: the caller asks for
  /// another flush.
  [[nodiscard]] bool more() const { return !items_.empty(); }

  [[nodiscard]] std::size_t size() const { return items_.size(); }

 private:
  std::size_t max_batch_;
  std::deque<T> items_;
  bool flush_asked_ = false;
};

}  // namespace openhouse::runtime
