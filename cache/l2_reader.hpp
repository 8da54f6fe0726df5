#pragma once

#include "cache/l2_worker.hpp"

#include <caf/fwd.hpp>

namespace openhouse::cache {

/// The L2 actor the cache talks to (same interface as spawn_l2_pool()).
///
/// A turn's reads — get (an L2 hit) and generations (one MGET, when the
/// node's own copy of the counters cannot answer) — go over one pipelined,
/// non-blocking connection owned by this event-based actor. While replies
/// are due, a watcher thread sleeps in poll(2) on the socket
/// (redis::fd_watcher) and wakes the actor when they arrive or the oldest
/// read times out: nothing spins, and reads sent together share one wake-up.
/// Writes (put, erase), bumps and the rare epoch creation go to a pool of
/// detached workers (spawn_l2_pool) that the reader owns: nobody waits on
/// them on a turn's path.
///
/// Failures are those of the pool: cache_errc::redis_unavailable when Redis
/// cannot answer within `settings.timeout` (every read in flight fails with
/// it and the link is dropped); the next read reconnects by itself.
l2_actor spawn_l2(caf::actor_system& sys, const l2_settings& settings);

}  // namespace openhouse::cache
