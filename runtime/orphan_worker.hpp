#pragma once

#include "config/market.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/type_ids.hpp"
#include "runtime/conversation_router.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace openhouse::runtime {

/// Finishes turns a crash cut off: a detached actor (libpqxx blocks) that, at
/// start and every runtime.orphan_poll, claims the market's texts stored
/// without a reply once their lead's lease ran out (postgres::orphan_store:
/// claimed once across the fleet) and, by runtime::orphan_action_of, runs
/// the turn again through the conversation router (REST mode: the reply
/// leaves through the outbox; the store's one-reply-per-text rule keeps it
/// to one), flags the lead for a person (TwiML mode, or older than
/// runtime.orphan_max_age), or marks it superseded by a later text. Counted
/// in `openhouse_orphaned_turns_total{outcome}` (answered, flagged,
/// superseded, failed: the turn failed again and is claimed again later).
///  - `tick`: look now; answers how many texts it claimed;
///  - `(tick, n)`: the poll chain; it re-arms itself.
using orphan_actor = caf::typed_actor<caf::replies_to<tick_atom>::with<std::int32_t>,
                                      caf::reacts_to<tick_atom, std::uint64_t>>;

struct orphan_deps {
  std::shared_ptr<const config::market_config> config;
  std::shared_ptr<const clock> time;          ///< read on every tick
  std::shared_ptr<runtime::metrics> metrics;  ///< optional
  router_actor router;                        ///< runs the turns it answers
  std::string node;                           ///< recorded with each claim; hostname:pid when empty
  /// Start the poll chain (serve). Tests leave it off and send `tick`.
  bool poll = true;
};

/// Spawns the worker (detached) and, if deps.poll, starts its poll chain.
orphan_actor spawn_orphan_worker(caf::actor_system& sys, orphan_deps deps);

}  // namespace openhouse::runtime
