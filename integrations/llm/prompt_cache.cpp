#include "integrations/llm/prompt_cache.hpp"

#include <utility>

namespace openhouse::llm::sim {

prompt_cache::prompt_cache(clock_fn clock, std::chrono::seconds ttl)
    : clock_(std::move(clock)), ttl_(ttl) {}

bool prompt_cache::touch(std::uint64_t prefix_hash) {
  const auto now = clock_();
  const std::lock_guard lock{mutex_};
  prune_locked(now);
  auto [it, inserted] = expires_.try_emplace(prefix_hash, now + ttl_);
  const bool warm = !inserted && it->second > now;
  it->second = now + ttl_;
  return warm;
}

std::size_t prompt_cache::size() const {
  const auto now = clock_();
  const std::lock_guard lock{mutex_};
  std::size_t warm = 0;
  for (const auto& [hash, expires] : expires_) warm += expires > now ? 1 : 0;
  return warm;
}

// Expired entries are dropped at most once per TTL so that a long run with
// many distinct prompts keeps bounded memory without a scan per call.
void prompt_cache::prune_locked(std::chrono::steady_clock::time_point now) {
  if (now < next_prune_) return;
  std::erase_if(expires_, [now](const auto& entry) { return entry.second <= now; });
  next_prune_ = now + ttl_;
}

}  // namespace openhouse::llm::sim
