#pragma once

#include "cache/embedding_worker.hpp"
#include "cache/remote_embedder.hpp"
#include "cache/semantic_tier.hpp"
#include "config/market.hpp"

#include <chrono>
#include <cstddef>
#include <memory>

/// Builds a node's semantic tier from its market configuration.
namespace openhouse::cache {

/// The tier `cache.semantic` describes, with the market's lexicon; null when
/// it is disabled or lists no task. With `embedder: openai` the tier's
/// embedder blocks (an HTTP call per text): its dimension is learnt here with
/// one probe call, and the cache then asks an embedding worker for vectors
/// (see embedding_factory). When the probe fails the tier is left out and a
/// warning logged: the node serves without L3 rather than not at all.
[[nodiscard]] std::shared_ptr<semantic_tier> make_semantic_tier(const config::market_config& cfg);

/// The OpenAI-compatible embedder `embedder: openai` names: the market's
/// LLM endpoint, key and timeout, and `cache.semantic.embedding_model`.
[[nodiscard]] std::unique_ptr<remote_embedder> make_remote_embedder(
    const config::market_config& cfg);

/// Builds the embedder the embedding workers use for `cfg`'s semantic tier
/// (one per worker: remote embedders are not thread-safe).
[[nodiscard]] embedder_factory embedding_factory(const config::market_config& cfg);

/// Puts the market's live entries from PostgreSQL back into `tier` (the index
/// is rebuilt at start); returns how many. Throws what libpqxx throws.
std::size_t restore_semantic_tier(semantic_tier& tier, const config::market_config& cfg,
                                  std::chrono::system_clock::time_point now);

}  // namespace openhouse::cache
