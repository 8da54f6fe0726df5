#include "runtime/write_admission.hpp"

namespace openhouse::runtime {

bool write_admission::try_enter() {
  auto now = in_.load(std::memory_order_relaxed);
  do {
    if (now >= limit_) return false;
  } while (!in_.compare_exchange_weak(now, now + 1, std::memory_order_relaxed));
  return true;
}

void write_admission::leave(std::size_t n) { in_.fetch_sub(n, std::memory_order_relaxed); }

}  // namespace openhouse::runtime
