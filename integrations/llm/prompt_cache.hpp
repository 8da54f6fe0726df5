#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace openhouse::llm::sim {

/// The simulator's model of Anthropic prompt caching: which cacheable
/// prefixes are warm. A prefix written once is read by every later call
/// within `ttl` of its last use (each read refreshes it, as the provider's
/// ephemeral cache does). Thread-safe.
class prompt_cache {
 public:
  using clock_fn = std::function<std::chrono::steady_clock::time_point()>;

  explicit prompt_cache(clock_fn clock, std::chrono::seconds ttl = std::chrono::minutes{5});

  /// Records a use of the prefix with hash `prefix_hash`: true if it was warm
  /// (a cache read), false if this call writes it (a cache creation).
  bool touch(std::uint64_t prefix_hash);

  /// Warm prefixes right now (expired ones are not counted).
  [[nodiscard]] std::size_t size() const;

 private:
  void prune_locked(std::chrono::steady_clock::time_point now);

  clock_fn clock_;
  std::chrono::seconds ttl_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::chrono::steady_clock::time_point> expires_;
  std::chrono::steady_clock::time_point next_prune_{};
};

}  // namespace openhouse::llm::sim
