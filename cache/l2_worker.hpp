#pragma once

#include "cache/generation_sync.hpp"
#include "core/cache_unit.hpp"
#include "core/type_ids.hpp"

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <cstdint>
#include <string>

/// The L2 tier and the generation counters, in Redis, behind detached worker
/// actors (synchronous hiredis never runs on the scheduler's threads).
namespace openhouse::cache {

/// A pool of detached Redis workers. Every request fails with
/// cache_errc::redis_unavailable when Redis cannot answer within the
/// configured timeout; each worker reconnects by itself on its next request.
///
/// - get(key) -> (found, value): the L2 entry under `key` (the cache's digest;
///   the worker adds the configured prefix).
/// - put(key, value, ttl_ms) -> true: SET with a TTL (PX).
/// - erase(key) -> existed: DEL, then PUBLISH of a key invalidation so that
///   every node drops the entry from its L1 too.
/// - generations(market, contact, task) -> (the current counters and the
///   epoch, the bump sequence number they are exact at), in one MGET: global,
///   market, contact and task counters (absent = 0; an empty market, contact
///   or task reads as 0 without asking), the sequence and "<prefix>:epoch". When the epoch is
///   absent (a new or restarted-empty Redis) a random non-zero one is created with SET NX and read
///   back, in a second round trip: whichever node comes first, every node adopts the same.
/// - bump(scope name, market, contact, task) -> (new value, epoch): INCR of
///   the counter named by scope ("global", "market", "contact", "task") and
///   PUBLISH of the invalidation message on the channel, in one atomic step so
///   that no bump is ever made without its message; the same step reads (or
///   creates, on an empty Redis) the epoch, so the caller knows which Redis
///   life the value belongs to. The step also takes the next number of the
///   bump sequence, which the message carries (see generation_sync). The
///   reply waits `l2_settings::settle` after the bump is in Redis: a node
///   trusts its own copy of the counters only while its subscription proved,
///   less than that long ago, that it had received every earlier message, so
///   once the bump has answered no node can still serve the old generation.
using l2_actor =
    caf::typed_actor<caf::replies_to<get_atom, std::string>::with<bool, std::string>,
                     caf::replies_to<put_atom, std::string, std::string, std::int64_t>::with<bool>,
                     caf::replies_to<erase_atom, std::string>::with<bool>,
                     caf::replies_to<generations_atom, std::string, std::string,
                                     std::string>::with<generations, std::uint64_t>,
                     caf::replies_to<bump_atom, std::string, std::string, std::string,
                                     std::string>::with<std::uint64_t, std::uint64_t>>;

struct l2_settings {
  std::string redis_url;
  std::string prefix = "openhouse";
  std::chrono::milliseconds timeout{250};
  std::size_t workers = 4;
  /// How long a bump's answer waits once the bump is in Redis; must be at
  /// least every node's trust window (generation_sync), which defaults to it.
  std::chrono::milliseconds settle = default_trust_window;
};

/// Spawns the pool (round robin over `workers` detached actors).
l2_actor spawn_l2_pool(caf::actor_system& sys, const l2_settings& settings);

}  // namespace openhouse::cache
