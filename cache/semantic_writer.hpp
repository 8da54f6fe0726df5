#pragma once

#include "cache/semantic_tier.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace openhouse::cache {

/// Persists the semantic tier's entries: the cache actor sends each
/// `semantic_entry` it inserted and goes on at once; this detached actor
/// buffers them and writes one COPY per batch (at `batch_size` entries or
/// every `interval`), so libpqxx never blocks the cache actor. A row that
/// PostgreSQL refuses (a NUL byte in text, a value no column takes) is
/// isolated by halving the batch, dropped, logged once without its text and
/// counted (`openhouse_semantic_rows_dropped_total{reason="refused"}`); the
/// other rows are written. A write that finds the database unavailable (or
/// fails for any reason not in the data) keeps its rows, up to
/// `max_buffered`, and the next attempt waits `interval` doubled per failure
/// up to `max_retry_interval`; an exit message flushes. `(erase_atom, prefix)`
/// deletes the stored partitions with that prefix (and buffered entries of
/// them); `flush_atom` writes now and answers how many entries are still
/// buffered. Every `purge_interval` it deletes expired rows.
/// Messages are local only (semantic_entry has no type id), like every
/// message between the cache actor and its workers on one node.
using semantic_writer_actor =
    caf::typed_actor<caf::reacts_to<semantic_entry>, caf::reacts_to<erase_atom, std::string>,
                     caf::reacts_to<runtime::tick_atom>,
                     caf::replies_to<runtime::flush_atom>::with<std::uint64_t>>;

struct semantic_writer_options {
  std::size_t batch_size = 200;
  std::chrono::milliseconds interval{500};
  std::size_t max_buffered = 50000;  ///< beyond this the oldest entries are dropped (logged)
  std::chrono::milliseconds purge_interval{std::chrono::minutes{10}};
  /// Cap of the backoff between attempts while the database is unavailable.
  std::chrono::milliseconds max_retry_interval{std::chrono::seconds{30}};
  /// Counts dropped rows when set.
  std::shared_ptr<runtime::metrics> metrics;
  /// The time expired rows are judged by; the system clock when null.
  std::shared_ptr<const runtime::clock> clock;
};

/// Spawns the writer for `market`'s entries in `database_url`.
semantic_writer_actor spawn_semantic_writer(caf::actor_system& sys, const std::string& database_url,
                                            const std::string& market,
                                            semantic_writer_options options = {});

}  // namespace openhouse::cache
