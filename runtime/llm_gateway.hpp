#pragma once

#include "config/market.hpp"
#include "core/clock.hpp"
#include "core/gateway_actor.hpp"
#include "core/metrics.hpp"
#include "core/time_zone.hpp"
#include "core/type_ids.hpp"
#include "integrations/llm/model_router.hpp"
#include "runtime/budget_store.hpp"
#include "runtime/ledger_writer.hpp"
#include "runtime/llm_worker.hpp"

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

/// The gateway's handle (gateway_actor) is declared in core/gateway_actor.hpp,
/// so the cache can call it without including the runtime.

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
