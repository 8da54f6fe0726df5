#include "cache/embedding_worker.hpp"

#include "cache/cache_error.hpp"

#include <caf/actor_pool.hpp>
#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace openhouse::cache {

namespace {

struct embedding_worker_state {
  std::unique_ptr<embedder> embed;
  static inline const char* name = "embedding_worker";
};

embedding_actor::behavior_type embedding_worker(
    embedding_actor::stateful_pointer<embedding_worker_state> self, const embedder_factory& make) {
  try {
    self->state.embed = make();
  } catch (const std::exception& e) {
    spdlog::error("cache: embedding worker has no embedder: {}", e.what());
  }
  return {
      [self](embed_atom, const std::string& text) -> caf::result<std::vector<float>> {
        auto& embed = self->state.embed;
        if (!embed) {
          return make_error(cache_errc::embedder_unavailable, "no embedder");
        }
        // The worker boundary: the provider's failure becomes the domain's
        // error, never a dead actor.
        try {
          return embed->embed(text);
        } catch (const std::exception& e) {
          spdlog::debug("cache: embedding failed: {}", e.what());
          return make_error(cache_errc::embedder_unavailable, e.what());
        }
      },
  };
}

}  // namespace

embedding_actor spawn_embedding_workers(caf::actor_system& sys, embedder_factory make,
                                        std::size_t workers) {
  auto factory = [&sys, make = std::move(make)] {
    return caf::actor_cast<caf::actor>(sys.spawn<caf::detached>(embedding_worker, make));
  };
  auto pool = caf::actor_pool::make(sys.dummy_execution_unit(), std::max<std::size_t>(1, workers),
                                    factory, caf::actor_pool::round_robin());
  return caf::actor_cast<embedding_actor>(pool);
}

}  // namespace openhouse::cache
