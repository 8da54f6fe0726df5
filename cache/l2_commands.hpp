#pragma once

#include "cache/invalidation.hpp"
#include "core/cache_unit.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// What the L2 actors send to Redis to read generation counters, and how
/// they read the answer: shared by the detached workers (l2_worker) and the
/// polling reader (l2_reader) so that both read exactly the same keys.
namespace openhouse::cache {

/// The keys of one generations read, in MGET order, and where each value goes.
struct generation_read {
  /// Counters, then the bump sequence (seq_key), then the epoch key last.
  std::vector<std::string> keys;
  std::vector<std::uint64_t generations::*> slots;  ///< one per counter key
};

/// One MGET of the counters that can exist; an empty id reads as 0. A contact
/// counter is named by (market, contact), so it needs both. The sequence
/// number of the last bump comes with them (the point in the bump stream the
/// values are exact at: see generation_sync). The epoch key is last: counters
/// read without it could be from a Redis that restarted empty, and mean
/// nothing to the caller.
[[nodiscard]] generation_read make_generation_read(const redis_keys& keys,
                                                   const std::string& epoch_key,
                                                   const std::string& market,
                                                   const std::string& contact,
                                                   const std::string& task);

/// A counter as MGET returns it: absent = 0. Anything but a non-negative
/// integer means someone else wrote the key; throws redis::error rather than
/// guess a generation.
[[nodiscard]] std::uint64_t parse_counter(const std::optional<std::string>& value);

/// The epoch as Redis holds it: a non-zero decimal 64-bit number; throws
/// redis::error otherwise, because guessing would mix two Redis lives.
[[nodiscard]] std::uint64_t parse_epoch(std::string_view value);

/// "{<prefix>:gen}:epoch" (redis_keys names only counters, entries and the
/// channel): in the counters' hash slot, since it is read and bumped with them.
[[nodiscard]] std::string epoch_key(const redis_keys& keys);

/// "{<prefix>:gen}:seq": the number of bumps made in this Redis life, INCRed
/// by every bump with its counter and carried by its message.
[[nodiscard]] std::string seq_key(const redis_keys& keys);

/// The sequence number as MGET returns it: absent = 0 (no bump yet);
/// throws redis::error for anything but a non-negative integer.
[[nodiscard]] std::uint64_t parse_seq(const std::optional<std::string>& value);

/// What a bump of one generation counter touches: the counter's key and the
/// invalidation published with its new value (Redis fills the value in).
struct bump_target {
  std::string counter;
  invalidation message;
};

/// The counter a bump of `scope_name` ("global", "market", "contact", "task")
/// names, with the ids that scope needs (market; market and contact; task);
/// nullopt for another scope or a missing id.
[[nodiscard]] std::optional<bump_target> make_bump_target(const redis_keys& keys,
                                                          std::string_view scope_name,
                                                          const std::string& market,
                                                          const std::string& contact,
                                                          const std::string& task);

}  // namespace openhouse::cache
