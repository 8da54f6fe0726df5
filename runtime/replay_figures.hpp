#pragma once

#include "cache/llm_cache.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace openhouse::runtime {

/// Per task: requests, hits, cost and baseline — where the money goes.
struct task_tally {
  std::size_t requests = 0;
  std::size_t hits = 0;
  double cost = 0;
  double baseline = 0;
};

/// The report's cache figures, from the cache's own account of every unit.
struct cache_figures {
  std::size_t requests = 0;  ///< units asked (verifications not counted)
  std::size_t l1 = 0, l2 = 0, l3 = 0, misses = 0, bypasses = 0, coalesced = 0;
  /// Hits of a lead's unit served from an entry older than the lead's state.
  std::size_t stale = 0;
  std::uint64_t verifications = 0;  ///< background checks of sampled L3 hits
  double cost = 0;                  ///< what was paid, verifications included
  double baseline = 0;              ///< the same requests with no caching
  std::map<std::string, task_tally> by_task;
};

/// Sums the audit records of a replay. `known_at_turn` (sid -> the contact
/// generation the replay knew before that turn) decides, with the generation
/// each request read itself, whether a hit of a contact-scoped unit was stale.
[[nodiscard]] cache_figures tally_cache(
    const std::vector<cache::cache_audit_record>& records,
    const std::unordered_map<std::string, std::uint64_t>& known_at_turn);

/// One line of `replay --audit`: the record, costs rounded, the source and
/// similarity where they mean something.
[[nodiscard]] nlohmann::json audit_line(const cache::cache_audit_record& r);

/// by_task of the report: per task, requests, hits and rounded costs.
[[nodiscard]] nlohmann::json by_task_json(const std::map<std::string, task_tally>& by_task);

/// Sums every sample of a counter family in a Prometheus text exposition
/// (only those whose labels contain `label`, when given).
[[nodiscard]] double sum_family(const std::string& text, std::string_view family,
                                std::string_view label = {});

/// The nearest-rank percentile `p` (0-100) of `values`; 0 when empty.
[[nodiscard]] double percentile(std::vector<double> values, double p);

/// `v` rounded to `digits` decimals.
[[nodiscard]] double round_to(double v, int digits);

}  // namespace openhouse::runtime
