#pragma once

#include "config/market.hpp"
#include "runtime/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace openhouse::runtime {

/// Provider calls behind an actor interface: detached workers, each with its
/// own libcurl handle, so a slow provider never blocks an event-based actor.
/// Failures arrive as llm::client_errc errors (category "llm").
using llm_actor = caf::typed_actor<
    caf::replies_to<complete_atom, llm::messages_request>::with<llm::messages_response>>;

/// Spawns `settings.workers` detached workers behind one round-robin handle.
llm_actor spawn_llm_pool(caf::actor_system& sys, const config::llm_settings& settings);

}  // namespace openhouse::runtime
