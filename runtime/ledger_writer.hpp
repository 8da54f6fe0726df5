#pragma once

#include "config/market.hpp"
#include "core/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>

namespace openhouse::runtime {

/// Writes the cost ledger in batches: rows are buffered and written with one
/// COPY per batch (at `batch_size` rows or every `interval`), in a detached
/// actor so libpqxx never blocks an event-based one. A failed write keeps the
/// rows (up to a bound) for the next attempt; shutdown flushes.
/// `flush_atom` writes now and answers how many rows are still buffered.
using ledger_actor = caf::typed_actor<caf::reacts_to<ledger_row>, caf::reacts_to<tick_atom>,
                                      caf::replies_to<flush_atom>::with<std::uint64_t>>;

struct ledger_options {
  std::size_t batch_size = 500;
  std::chrono::milliseconds interval{250};
  std::size_t max_buffered = 100000;  ///< beyond this the oldest rows are dropped (and logged)
};

ledger_actor spawn_ledger_writer(caf::actor_system& sys, const std::string& database_url,
                                 const std::string& market, ledger_options options = {});

}  // namespace openhouse::runtime
