#pragma once

#include "core/messages.hpp"
#include "core/type_ids.hpp"

#include <caf/typed_actor.hpp>

namespace openhouse::runtime {

/// Everything the runtime spends on LLMs passes through here: model routing,
/// prompt-cache markers, budgets, retries with backoff, the circuit breaker,
/// the cost ledger and the provider metrics. The provider calls themselves
/// run in detached workers (llm_actor); the gateway never blocks and keeps
/// many calls in flight, waiting out backoffs on the actor clock.
/// Spawned by runtime/llm_gateway.hpp; declared here, at the bottom layer,
/// because the cache (a lower layer than the runtime) calls it.
using gateway_actor = caf::typed_actor<caf::replies_to<complete_atom, llm_call>::with<llm_answer>>;

}  // namespace openhouse::runtime
