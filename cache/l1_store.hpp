#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace openhouse::cache {

/// The L1 tier: an in-process LRU map from key to value with a TTL per entry,
/// bounded in bytes. get/put/erase are O(1) (a list in recency order plus a
/// hash index); erase by tag is O(entries with the tag). Time is a parameter
/// of every call that reads it, so tests and replay drive it without sleeping.
///
/// Not thread-safe: owned by the cache actor, which serialises all access.
class l1_store {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using duration = std::chrono::system_clock::duration;

  /// Bytes charged per entry on top of its key, value and tags: the list
  /// node, the index node and bucket, the expiry and bookkeeping. An estimate
  /// of the real heap cost on 64-bit libstdc++, so that the bound in config
  /// is close to what the process actually holds, even for tiny values.
  static constexpr std::size_t entry_overhead = 160;
  /// Bytes charged per tag of an entry (the tag string is charged too): the
  /// per-tag set node and bucket.
  static constexpr std::size_t tag_overhead = 48;

  /// Counters for metrics; they only ever grow.
  struct counters {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;     ///< includes expired entries found by get()
    std::uint64_t expired = 0;    ///< entries dropped because their TTL had passed
    std::uint64_t evictions = 0;  ///< entries dropped to respect the byte bound
    std::uint64_t erased = 0;     ///< entries dropped by erase, erase_tag, erase_if, ...
    std::uint64_t rejected = 0;   ///< puts refused (entry larger than the bound, TTL <= 0)
  };

  /// A store holding at most `max_bytes` bytes as counted by entry_cost().
  explicit l1_store(std::size_t max_bytes);

  // The index holds string_views into the list's nodes: copying would leave
  // them pointing at the source. Moving keeps the nodes, so it is allowed.
  l1_store(const l1_store&) = delete;
  l1_store& operator=(const l1_store&) = delete;
  l1_store(l1_store&&) noexcept = default;
  l1_store& operator=(l1_store&&) noexcept = default;
  ~l1_store() = default;

  /// The value stored under `key` if it has not expired at `now` (an entry
  /// expires when now >= its expiry); marks it most recently used. An expired
  /// entry is removed. The pointer stays valid until the next non-const call.
  [[nodiscard]] const std::string* get(std::string_view key, time_point now);

  /// Stores `value` under `key` until now + ttl, replacing any entry with that
  /// key (its bytes and tags are replaced too), as the most recently used
  /// entry; then evicts least recently used entries until the byte bound
  /// holds. `tags` (e.g. a contact id, a task, a template version) let
  /// erase_tag() drop every entry of one contact at once. Returns false, and
  /// removes any old entry under `key`, when the entry alone exceeds the bound
  /// or ttl <= 0.
  bool put(std::string key, std::string value, time_point now, duration ttl,
           std::vector<std::string> tags = {});

  /// Removes the entry under `key`; true if there was one.
  bool erase(std::string_view key);

  /// Removes every entry carrying `tag`; returns how many.
  std::size_t erase_tag(std::string_view tag);

  /// Removes every entry whose key starts with `prefix`; O(size()).
  std::size_t erase_prefix(std::string_view prefix);

  /// Removes every entry for which `pred(key, tags)` is true; O(size()).
  std::size_t erase_if(
      const std::function<bool(std::string_view key, std::span<const std::string> tags)>& pred);

  /// Removes every entry expired at `now`; O(size()). Expired entries are
  /// otherwise dropped lazily by get() or evicted as LRU, so calling this is
  /// only needed to return their memory early.
  std::size_t purge_expired(time_point now);

  /// Removes everything (not counted as erased: it is a reset, not invalidation).
  void clear();

  /// True if `key` holds an entry not expired at `now`; does not touch recency.
  [[nodiscard]] bool contains(std::string_view key, time_point now) const;

  /// Expiry of the entry under `key`, expired or not; for back-filling a tier
  /// with the remaining TTL.
  [[nodiscard]] std::optional<time_point> expires_at(std::string_view key) const;

  /// Keys from most to least recently used (for tests and the admin view); O(size()).
  [[nodiscard]] std::vector<std::string> keys_by_recency() const;

  [[nodiscard]] std::size_t size() const noexcept { return index_.size(); }
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
  [[nodiscard]] std::size_t max_bytes() const noexcept { return max_bytes_; }
  [[nodiscard]] const counters& stats() const noexcept { return stats_; }

  /// Bytes an entry with these fields is charged.
  [[nodiscard]] static std::size_t entry_cost(std::string_view key, std::string_view value,
                                              std::span<const std::string> tags) noexcept;

 private:
  struct entry {
    std::string key;
    std::string value;
    std::vector<std::string> tags;
    time_point expires_at;
    std::size_t cost = 0;
  };
  using entry_list = std::list<entry>;

  /// Transparent hash so lookups by string_view do not build a std::string.
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  void remove(entry_list::iterator it);
  void evict_to_bound();

  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  entry_list lru_;  ///< front = most recently used
  /// Keys are views of entry::key inside lru_'s nodes, which never move.
  std::unordered_map<std::string_view, entry_list::iterator, string_hash, std::equal_to<>> index_;
  std::unordered_map<std::string, std::unordered_set<const entry*>, string_hash, std::equal_to<>>
      tag_index_;
  counters stats_;
};

}  // namespace openhouse::cache
