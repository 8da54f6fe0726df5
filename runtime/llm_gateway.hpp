#pragma once

#include "config/market.hpp"
#include "integrations/llm/model_router.hpp"
#include "runtime/budget_store.hpp"
#include "runtime/clock.hpp"
#include "runtime/ledger_writer.hpp"
#include "runtime/llm_worker.hpp"
#include "runtime/metrics.hpp"
#include "runtime/time_zone.hpp"
#include "runtime/type_ids.hpp"

#include <caf/typed_actor.hpp>

#include <memory>
#include <string>

namespace openhouse::runtime {

/// Errors the gateway itself raises (category "gateway"); provider failures
/// keep their llm::client_errc.
enum class gateway_errc : std::uint8_t {
  over_budget = 1,  ///< a daily cap stops the call: send the fallback reply
  circuit_open,     ///< the provider is failing; calls are refused for a while
  deadline,         ///< retries ran out of time
};

inline constexpr caf::atom_value gateway_error_category = caf::atom("gateway");

caf::error make_error(gateway_errc code, std::string message = {});
std::string_view to_string(gateway_errc code);

/// Everything the runtime spends on LLMs passes through here: model routing,
/// prompt-cache markers, budgets, retries with backoff, the circuit breaker,
/// the cost ledger and the provider metrics. The provider calls themselves
/// run in detached workers (llm_actor); the gateway never blocks and keeps
/// many calls in flight, waiting out backoffs on the actor clock.
using gateway_actor = caf::typed_actor<caf::replies_to<complete_atom, llm_call>::with<llm_answer>>;

struct gateway_deps {
  std::shared_ptr<const config::market_config> config;
  std::shared_ptr<const clock> time;
  std::shared_ptr<const time_zone> zone;  ///< the market's, for daily budgets
  llm_actor workers;
  ledger_actor ledger;                        ///< optional
  std::shared_ptr<runtime::metrics> metrics;  ///< optional
  /// Optional: the fleet's daily spending in Redis. Unset, the daily caps
  /// count this node's calls only.
  budget_store_actor budget_store;
  /// The model of a call that names none; the node builds one and shares it
  /// with the cache, so both route alike. Unset: built from `config`.
  std::shared_ptr<const llm::model_router> router;
};

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_deps deps);

}  // namespace openhouse::runtime
