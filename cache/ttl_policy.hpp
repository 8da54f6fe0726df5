#pragma once

#include "core/cache_unit.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace openhouse::config {
struct cache_settings;
}

namespace openhouse::cache {

/// How a fast conversation shortens TTLs.
///
/// Why: a conversation- or contact-scoped entry (intent, facts, the reply) is
/// only worth keeping while the conversation could still ask for it again.
/// When a lead texts every 20 seconds its state moves on within a minute or
/// two; keeping those entries for the task's full TTL (15 min for scoring)
/// only holds memory, and any state change the generation numbers do not
/// see (e.g. an input the caller forgot to put in the key) stays around
/// longer than the conversation's own rhythm. So such a unit's TTL is capped
/// at `gap_multiple` × the median of the recent inter-message gaps, but never
/// below `floor` (one quick exchange must not make caching useless) and never
/// above the task's base TTL. Market and global units are not tied to one
/// conversation's pace and keep their base TTL.
struct adaptive_ttl {
  bool enabled = true;
  double gap_multiple = 4.0;       ///< k in "k × median gap"
  std::chrono::seconds floor{60};  ///< lower bound of an adapted TTL
  std::size_t min_gaps = 2;        ///< fewer recent gaps than this: no adaptation
};

/// TTL of a cache entry by task (volatility, from YAML `cache.ttl_s`), with a
/// default for tasks not listed and the adaptive shortening above.
class ttl_policy {
 public:
  using per_task_map = std::map<std::string, std::chrono::seconds, std::less<>>;

  /// Default TTL for tasks the YAML does not list: the shortest one DESIGN.md
  /// gives (intent, 5 min), since an unknown task's volatility is unknown.
  static constexpr std::chrono::seconds default_fallback{300};

  /// `per_task` maps task -> TTL; `fallback` applies to other tasks.
  explicit ttl_policy(per_task_map per_task, std::chrono::seconds fallback = default_fallback,
                      adaptive_ttl adaptive = {});

  /// `shared` maps task -> TTL of the task's market- and global-scoped
  /// units (YAML `cache.shared_ttl_s`); tasks not in it use `per_task`.
  ttl_policy(per_task_map per_task, per_task_map shared, std::chrono::seconds fallback,
             adaptive_ttl adaptive);

  /// From the market configuration's `cache.ttl_s` map.
  [[nodiscard]] static ttl_policy from_settings(const config::cache_settings& settings,
                                                adaptive_ttl adaptive = {});

  /// The task's configured TTL, or the fallback.
  [[nodiscard]] std::chrono::seconds base(std::string_view task) const;

  /// The TTL for a unit of `task` and scope `s`, given the gaps between the
  /// conversation's recent messages (any order). See adaptive_ttl. A market
  /// or global unit of a task listed in `shared` gets that TTL.
  [[nodiscard]] std::chrono::seconds ttl(std::string_view task, scope s,
                                         std::span<const std::chrono::seconds> recent_gaps) const;

  [[nodiscard]] const adaptive_ttl& adaptive() const noexcept { return adaptive_; }

  /// Median of `gaps` (mean of the two middle values for an even count,
  /// rounded down to whole seconds); nullopt when empty.
  [[nodiscard]] static std::optional<std::chrono::seconds> median_gap(
      std::span<const std::chrono::seconds> gaps);

  /// Gaps between consecutive message times, sorted first, rounded up to
  /// whole seconds; zero gaps (the same instant twice) are dropped.
  [[nodiscard]] static std::vector<std::chrono::seconds> gaps_between(
      std::span<const std::chrono::system_clock::time_point> times);

 private:
  per_task_map per_task_;
  per_task_map shared_;
  std::chrono::seconds fallback_;
  adaptive_ttl adaptive_;
};

}  // namespace openhouse::cache
