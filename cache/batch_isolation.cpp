#include "cache/batch_isolation.hpp"

#include <algorithm>

namespace openhouse::cache {

namespace {

/// Writes [first, first + n); false once the database is unavailable (the
/// caller stops and keeps the rest).
bool write_run(std::size_t first, std::size_t n,
               const std::function<write_outcome(std::size_t, std::size_t)>& write,
               std::vector<row_fate>& fates) {
  if (n == 0) return true;
  switch (write(first, n)) {
    case write_outcome::written:
      std::fill_n(fates.begin() + static_cast<std::ptrdiff_t>(first), n, row_fate::written);
      return true;
    case write_outcome::unavailable:
      return false;
    case write_outcome::refused:
      break;
  }
  if (n == 1) {
    fates[first] = row_fate::refused;
    return true;
  }
  const auto half = n / 2;
  return write_run(first, half, write, fates) && write_run(first + half, n - half, write, fates);
}

}  // namespace

std::vector<row_fate> write_isolating(
    std::size_t count,
    const std::function<write_outcome(std::size_t first, std::size_t n)>& write) {
  std::vector<row_fate> fates(count, row_fate::kept);
  write_run(0, count, write, fates);
  return fates;
}

std::chrono::milliseconds retry_backoff(int failures, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap) {
  if (failures <= 0) return std::chrono::milliseconds{0};
  auto delay = base;
  for (int i = 1; i < failures && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

}  // namespace openhouse::cache
