#pragma once

#include "cache/semantic_tier.hpp"
#include "config/market.hpp"

#include <chrono>
#include <cstddef>
#include <memory>

/// Builds a node's semantic tier from its market configuration.
namespace openhouse::cache {

/// The tier `cache.semantic` describes, with the market's lexicon; null when
/// it is disabled or lists no task. Serving needs an embedder that answers in
/// the cache actor within microseconds: with `embedder: openai` (an HTTP call
/// per lookup) the tier is left out and a warning logged — that embedder is
/// for `eval-semantic` until it has a worker of its own.
[[nodiscard]] std::shared_ptr<semantic_tier> make_semantic_tier(const config::market_config& cfg);

/// Puts the market's live entries from PostgreSQL back into `tier` (the index
/// is rebuilt at start); returns how many. Throws what libpqxx throws.
std::size_t restore_semantic_tier(semantic_tier& tier, const config::market_config& cfg,
                                  std::chrono::system_clock::time_point now);

}  // namespace openhouse::cache
