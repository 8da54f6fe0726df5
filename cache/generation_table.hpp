#pragma once

#include "cache/unit.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openhouse::cache {

/// The generation numbers this node has seen, by counter. Redis holds the
/// truth; this table only ever moves forward (max-merge), so that a caller
/// holding an older snapshot, a late reply, or a reordered message can never
/// move a key back to a generation that was already invalidated.
///
/// It is what keeps a node correct while Redis is unreachable: bumps made
/// then are applied here and remembered as pending, to be replayed into Redis
/// (INCR) once it is back, before its counters are trusted again.
class generation_table {
public:
  /// The counters that apply to (market, contact, task), merged with `seen`
  /// (typically what a caller read from Redis): the larger value of each.
  /// Learns the merged values.
  generations merge(std::string_view market, std::string_view contact, std::string_view task,
                    const generations& seen);

  /// What the table knows for (market, contact, task); zeros when nothing.
  [[nodiscard]] generations get(std::string_view market, std::string_view contact,
                                std::string_view task) const;

  /// Learns that counter `scope` ("global", "market", "contact", "task") is at
  /// least `value`. Returns true when that moved it forward.
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

private:
  /// The counter's identity: scope name and its ids, unambiguous (the ids are
  /// length-prefixed).
  static std::string counter_id(std::string_view scope, std::string_view market,
                                std::string_view contact, std::string_view task);
  [[nodiscard]] std::uint64_t value(const std::string& id) const;

  std::map<std::string, std::uint64_t, std::less<>> counters_;
  std::vector<pending_bump> pending_;
};

}  // namespace openhouse::cache
