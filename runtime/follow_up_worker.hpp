#pragma once

#include "config/market.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/time_zone.hpp"
#include "core/type_ids.hpp"
#include "runtime/lead_zones.hpp"
#include "runtime/outbox_worker.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <memory>

namespace openhouse::runtime {

/// The follow-up sender of one node: a detached actor (libpqxx blocks) that
/// writes follow-ups to leads who left the bot's message unanswered for
/// follow_up.after (agents::follow_up_due), each in one transaction under
/// the lead's row lock (postgres::follow_up_store), and wakes the outbox
/// worker, which sends them. Nothing is written while the market's local
/// time is in quiet hours (the whole tick waits), nor to a lead while local
/// time in a zone of the lead's area code is (agents::quiet_for_lead; the
/// lead waits, counted as `lead_quiet_hours`).
///  - `tick`: look now; answers (follow-ups written, held for the market's
///    quiet hours);
///  - `(tick, n)`: the poll chain, every follow_up.poll; it re-arms itself.
using follow_up_actor = caf::typed_actor<caf::replies_to<tick_atom>::with<std::int32_t, bool>,
                                         caf::reacts_to<tick_atom, std::uint64_t>>;

struct follow_up_deps {
  std::shared_ptr<const config::market_config> config;
  std::shared_ptr<const clock> time;          ///< read on every tick; never the system clock
  std::shared_ptr<const time_zone> zone;      ///< the market's, for quiet hours
  std::shared_ptr<runtime::metrics> metrics;  ///< optional
  outbox_actor outbox;                        ///< optional: told `tick` after rows were written
  /// Start the poll chain (serve). Tests leave it off and send `tick`
  /// themselves, so that only their (manual) clock decides what is due.
  bool poll = true;
  /// The zones of leads' area codes; loaded by spawn_follow_up_worker when
  /// not given.
  std::shared_ptr<const lead_zones> leads = nullptr;
};

/// Spawns the worker (detached) and, if deps.poll, starts its poll chain.
/// Loads deps.leads first when it is empty, so a node without tzdata fails
/// here, at start (std::runtime_error), not on its first tick.
follow_up_actor spawn_follow_up_worker(caf::actor_system& sys, follow_up_deps deps);

}  // namespace openhouse::runtime
