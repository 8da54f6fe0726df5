#include "runtime/actor_bridge.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace openhouse::runtime {

namespace {

caf::behavior bridge_actor(caf::event_based_actor* self) {
  return {[self](bridge_job& job) { job.run(self); }};
}

}  // namespace

actor_bridge::actor_bridge(caf::actor_system& sys, std::size_t actors,
                           std::shared_ptr<runtime::metrics> metrics)
    : metrics_(std::move(metrics)) {
  actors_.reserve(std::max<std::size_t>(1, actors));
  for (std::size_t i = 0; i < std::max<std::size_t>(1, actors); ++i) {
    actors_.push_back(sys.spawn(bridge_actor));
  }
}

actor_bridge::~actor_bridge() { stop(); }

void actor_bridge::stop() {
  for (auto& a : actors_) {
    if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
}

const caf::actor& actor_bridge::next_actor() noexcept {
  // Relaxed: any actor will do, the counter only spreads the load.
  return actors_[next_.fetch_add(1, std::memory_order_relaxed) % actors_.size()];
}

}  // namespace openhouse::runtime
