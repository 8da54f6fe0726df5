#pragma once

#include "config/market.hpp"
#include "core/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace openhouse::runtime {

/// Provider calls behind an actor interface: detached workers, each with its
/// own libcurl handle, so a slow provider never blocks an event-based actor.
/// Failures arrive as llm::client_errc errors (category "llm").
using llm_actor = caf::typed_actor<
    caf::replies_to<complete_atom, llm::messages_request>::with<llm::messages_response>>;

/// Encodes a provider failure as the workers send it to the gateway: the
/// llm::client_errc code with (message, http_status, retry_after seconds or -1).
caf::error make_provider_error(const llm::client_error& failure);

/// Decodes a worker's error; anything else (a request timeout, a lost
/// worker) becomes a timeout or transport failure, which may be retried.
llm::client_error provider_error(const caf::error& err);

/// Spawns `settings.workers` detached workers behind one round-robin handle.
llm_actor spawn_llm_pool(caf::actor_system& sys, const config::llm_settings& settings);

}  // namespace openhouse::runtime
