#pragma once

#include "config/market.hpp"
#include "core/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <string>

namespace openhouse::runtime {

/// Probes the node's dependencies for /readyz on its own connections, in a
/// detached actor, so a hanging dependency never stalls real work.
/// Answers (redis_ok, postgres_ok, redis_error): the last is why Redis is
/// down ("" when it answers), e.g. a refused password.
using health_actor = caf::typed_actor<caf::replies_to<ping_atom>::with<bool, bool, std::string>>;

health_actor spawn_health_worker(caf::actor_system& sys, const config::storage_settings& settings,
                                 const std::string& market);

}  // namespace openhouse::runtime
