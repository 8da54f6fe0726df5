#pragma once

#include "cache/l2_worker.hpp"

#include <caf/fwd.hpp>

#include <chrono>

namespace openhouse::cache {

/// How the reader polls while replies are due.
struct l2_reader_settings {
  /// Polls back to back (the actor re-queues itself: no thread sleeps or
  /// wakes) this long after the oldest request was sent; a healthy Redis
  /// answers well within it.
  std::chrono::microseconds spin{2000};
  /// After that, polls this often until the reply or the timeout, so a slow
  /// or stalled Redis does not keep a scheduler thread busy.
  std::chrono::microseconds slow_poll{1000};
};

/// The L2 actor the cache talks to (same interface as spawn_l2_pool()).
///
/// A turn's reads — get (an L2 hit) and generations (one MGET per turn) — go
/// over one pipelined, non-blocking connection that this event-based actor
/// polls itself while replies are due, so a read costs a Redis round trip
/// and two scheduler hops, not two thread wake-ups as it does through a
/// detached worker (on a VM each wake-up costs more than the round trip).
/// Writes (put, erase), bumps and the rare epoch creation go to a pool of
/// detached workers (spawn_l2_pool) that the reader owns: nobody waits on
/// them on a turn's path.
///
/// Failures are those of the pool: cache_errc::redis_unavailable when Redis
/// cannot answer within `settings.timeout` (every read in flight fails with
/// it and the link is dropped); the next read reconnects by itself.
l2_actor spawn_l2(caf::actor_system& sys, const l2_settings& settings,
                  l2_reader_settings reader = {});

}  // namespace openhouse::cache
