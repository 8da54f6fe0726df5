#pragma once

#include "cache/embedder.hpp"
#include "core/type_ids.hpp"

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace openhouse::cache {

/// Embeds texts off the cache actor, for an embedder that blocks (the
/// OpenAI-compatible endpoint: an HTTP call per text). embed(text) -> the
/// L2-normalised vector; fails with cache_errc::embedder_unavailable when the
/// provider does not answer properly (the cache then treats L3 as a miss).
/// Local messages only, like every message between the cache and its workers.
using embedding_actor =
    caf::typed_actor<caf::replies_to<embed_atom, std::string>::with<std::vector<float>>>;

/// Builds one embedder per worker (embedders are not thread-safe).
using embedder_factory = std::function<std::unique_ptr<embedder>()>;

/// A round-robin pool of `workers` detached actors, each with its own
/// embedder from `make`.
embedding_actor spawn_embedding_workers(caf::actor_system& sys, embedder_factory make,
                                        std::size_t workers = 2);

}  // namespace openhouse::cache
