#pragma once

#include "core/metrics.hpp"
#include "core/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace openhouse::runtime {

/// The fleet's daily LLM spending in Redis (llm::shared_budget), in a
/// detached actor so that hiredis never blocks the gateway.
///
/// - (load_atom, contact, day) -> (shared, contact_tokens, contact_usd,
///   market_tokens, market_usd): what the fleet has spent on `day`; `shared`
///   is false (and the totals 0) when Redis could not answer, and the gateway
///   then decides on its own count.
/// - (count_atom, contact, day, tokens, usd): adds a finished call's usage;
///   kept through a Redis outage and added once Redis answers again.
///
/// (The two atoms are reused from the runtime's set: load the totals, count
/// a call.)
using budget_store_actor =
    caf::typed_actor<caf::replies_to<load_atom, std::string, std::string>::with<
                         bool, std::int64_t, double, std::int64_t, double>,
                     caf::reacts_to<count_atom, std::string, std::string, std::int64_t, double>>;

struct budget_store_settings {
  std::string redis_url;
  std::string prefix;  ///< cache.redis_prefix
  std::string market;  ///< the market's id
  std::chrono::milliseconds timeout{250};
};

/// The counters budgets report, registered on the node's registry:
/// `openhouse_llm_budget_checks_total{source}` (source "shared": decided on
/// the fleet's count in Redis; "local": Redis could not answer, decided on
/// this node's count alone) and `openhouse_llm_budget_charges_total{outcome}`
/// ("shared": added to Redis; "kept": kept for Redis' return).
struct budget_metrics {
  explicit budget_metrics(runtime::metrics& m);
  prometheus::Counter& checks_shared;
  prometheus::Counter& checks_local;
  prometheus::Counter& charges_shared;
  prometheus::Counter& charges_kept;
};

/// `metrics` may be null.
budget_store_actor spawn_budget_store(caf::actor_system& sys, budget_store_settings settings,
                                      std::shared_ptr<runtime::metrics> metrics);

}  // namespace openhouse::runtime
