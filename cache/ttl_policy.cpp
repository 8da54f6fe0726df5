#include "cache/ttl_policy.hpp"

#include "config/market.hpp"

#include <algorithm>
#include <cmath>

namespace openhouse::cache {

ttl_policy::ttl_policy(per_task_map per_task, std::chrono::seconds fallback, adaptive_ttl adaptive)
    : per_task_(std::move(per_task)), fallback_(fallback), adaptive_(adaptive) {}

ttl_policy::ttl_policy(per_task_map per_task, per_task_map shared, std::chrono::seconds fallback,
                       adaptive_ttl adaptive)
    : per_task_(std::move(per_task)),
      shared_(std::move(shared)),
      fallback_(fallback),
      adaptive_(adaptive) {}

ttl_policy ttl_policy::from_settings(const config::cache_settings& settings,
                                     adaptive_ttl adaptive) {
  per_task_map map(settings.ttl.begin(), settings.ttl.end());
  per_task_map shared(settings.shared_ttl.begin(), settings.shared_ttl.end());
  return ttl_policy{std::move(map), std::move(shared), default_fallback, adaptive};
}

std::chrono::seconds ttl_policy::base(std::string_view task) const {
  auto found = per_task_.find(task);
  return found == per_task_.end() ? fallback_ : found->second;
}

std::chrono::seconds ttl_policy::ttl(std::string_view task, scope s,
                                     std::span<const std::chrono::seconds> recent_gaps) const {
  if (!has_contact(s)) {
    if (auto found = shared_.find(task); found != shared_.end()) {
      return found->second;
    }
  }
  const auto b = base(task);
  if (!adaptive_.enabled || !has_contact(s) || recent_gaps.size() < adaptive_.min_gaps ||
      recent_gaps.empty()) {
    return b;
  }
  const auto median = *median_gap(recent_gaps);
  const double scaled = adaptive_.gap_multiple * static_cast<double>(median.count());
  // Saturate rather than overflow for absurd gaps; the min with base bounds it anyway.
  const auto cap = scaled >= static_cast<double>(b.count())
                       ? b
                       : std::chrono::seconds{static_cast<std::int64_t>(std::floor(scaled))};
  const auto floored = std::max(cap, adaptive_.floor);
  return std::min(b, floored);
}

std::optional<std::chrono::seconds> ttl_policy::median_gap(
    std::span<const std::chrono::seconds> gaps) {
  if (gaps.empty()) {
    return std::nullopt;
  }
  std::vector<std::chrono::seconds> v(gaps.begin(), gaps.end());
  const auto mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const auto upper = v[mid];
  if (v.size() % 2 == 1) {
    return upper;
  }
  const auto lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

std::vector<std::chrono::seconds> ttl_policy::gaps_between(
    std::span<const std::chrono::system_clock::time_point> times) {
  std::vector<std::chrono::system_clock::time_point> sorted(times.begin(), times.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::chrono::seconds> out;
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const auto raw = sorted[i] - sorted[i - 1];
    if (raw > std::chrono::system_clock::duration::zero()) {
      // Rounded up: a burst of sub-second messages is a 1 s gap, not no gap.
      out.push_back(std::chrono::ceil<std::chrono::seconds>(raw));
    }
  }
  return out;
}

}  // namespace openhouse::cache
