#pragma once

#include "core/cache_unit.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openhouse::cache {

/// The generation numbers this node has seen, by counter. Redis holds the
/// truth; within one Redis life (epoch) this table only ever moves forward
/// (max-merge), so that a caller holding an older snapshot, a late reply, or a
/// reordered message can never move a key back to a generation that was
/// already invalidated.
///
/// Counters of two Redis lives are not comparable: a Redis that restarted
/// empty counts from 0 again under a new epoch. When Redis reports an epoch
/// other than the one the table knows, the table forgets every counter (their
/// values belong to the dead life, and max-merging them with the new ones
/// would hide the new life's bumps) and adopts the new epoch. Epochs are
/// random, not ordered: the latest one Redis reported wins.
///
/// It is what keeps a node correct while Redis is unreachable: bumps made
/// then are applied here and remembered as pending, to be replayed into Redis
/// (INCR) once it is back, before its counters are trusted again. An epoch
/// change keeps them queued: a bump made while this node could not reach
/// Redis may have happened after the new Redis started, and then it must
/// still invalidate what other nodes cached in the new life.
class generation_table {
 public:
  /// The counters that apply to (market, contact, task), merged with `seen`
  /// as read from Redis (authoritative for the epoch): a non-zero epoch other
  /// than the known one is adopted first (see adopt_epoch), then each counter
  /// takes the larger value. Learns the merged values; the result carries the
  /// known epoch.
  generations merge(std::string_view market, std::string_view contact, std::string_view task,
                    const generations& seen);

  /// The generations a caller's snapshot (read earlier from this table) must
  /// be keyed with: the larger of each counter when the snapshot belongs to
  /// the known epoch (learning its values), and the table's own values when
  /// it belongs to another one — an older Redis life, or from before any
  /// epoch was known — whose counters say nothing about the current ones.
  /// A snapshot never changes a known epoch; a table that knows none yet
  /// adopts the snapshot's (as merge does).
  generations upgrade(std::string_view market, std::string_view contact, std::string_view task,
                      const generations& snapshot);

  /// What the table knows for (market, contact, task), with the known epoch;
  /// zeros when nothing.
  [[nodiscard]] generations get(std::string_view market, std::string_view contact,
                                std::string_view task) const;

  /// Redis reported `epoch`. When it is non-zero and not the known one, every
  /// counter is forgotten and the epoch adopted; returns true then. Pending
  /// bumps are kept (see the class comment).
  bool adopt_epoch(std::uint64_t epoch);

  /// The epoch the counters belong to; 0 until Redis has reported one.
  [[nodiscard]] std::uint64_t epoch() const noexcept { return epoch_; }

  /// Learns that counter `scope` ("global", "market", "contact", "task") is at
  /// least `value`, in the known epoch (pair it with adopt_epoch when the value
  /// comes with one). Returns true when that moved it forward.
  bool advance(std::string_view scope, std::string_view market, std::string_view contact,
               std::string_view task, std::uint64_t value);

  /// A bump while Redis is unreachable: the counter moves one forward locally
  /// and the bump is queued for replay. Returns the new local value.
  std::uint64_t bump_offline(std::string_view scope, std::string_view market,
                             std::string_view contact, std::string_view task);

  /// One bump to replay into Redis.
  struct pending_bump {
    std::string scope;
    std::string market;
    std::string contact;
    std::string task;
  };

  /// The bumps made offline, oldest first; cleared by the call.
  [[nodiscard]] std::vector<pending_bump> take_pending();
  [[nodiscard]] bool has_pending() const noexcept { return !pending_.empty(); }

  [[nodiscard]] std::size_t size() const noexcept { return counters_.size(); }

  /// The counter's identity: scope name and its ids, unambiguous (the ids are
  /// length-prefixed). Shared with generation_sync.
  static std::string counter_id(std::string_view scope, std::string_view market,
                                std::string_view contact, std::string_view task);

 private:
  [[nodiscard]] std::uint64_t value(const std::string& id) const;

  std::map<std::string, std::uint64_t, std::less<>> counters_;
  std::vector<pending_bump> pending_;
  std::uint64_t epoch_ = 0;
};

}  // namespace openhouse::cache
