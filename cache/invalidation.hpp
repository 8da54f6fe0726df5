#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

/// The invalidation message the cache publishes on Redis when a generation
/// counter moves (or one key is dropped), and the Redis key names of the L2
/// tier. Pure functions: no I/O, so they test without Redis.
namespace openhouse::cache {

/// One invalidation: what was invalidated, the ids that name it, and the new
/// generation of its counter (0 for kind::key, which has no counter).
struct invalidation {
  enum class kind : std::uint8_t { global, market, contact, task, key };
  kind what = kind::global;
  std::string market;   ///< for market and contact
  std::string contact;  ///< for contact
  std::string task;     ///< for task
  std::string key;      ///< for key: the entry's digest
  std::uint64_t generation = 0;
  /// The bump's place in the deployment's sequence of bumps (one Redis
  /// counter, incremented in the same atomic step), so that a receiver sees
  /// a lost message as a gap; 0: unsequenced (a key drop, or an older node).
  std::uint64_t seq = 0;
  /// The Redis life the bump was made in (see generations::epoch); 0 with seq 0.
  std::uint64_t epoch = 0;

  friend bool operator==(const invalidation&, const invalidation&) = default;
};

/// "global", "market", "contact", "task", "key".
[[nodiscard]] std::string_view to_string(invalidation::kind k) noexcept;

/// Inverse of to_string; nullopt for an unknown name.
[[nodiscard]] std::optional<invalidation::kind> parse_invalidation_kind(
    std::string_view name) noexcept;

/// True when the ids the kind needs are present (market for market; market
/// and contact for contact; task for task; key for key). decode() does not
/// require this, so that every value round-trips; receivers check it.
[[nodiscard]] bool well_formed(const invalidation& inv) noexcept;

/// The wire form, a line of text with length-prefixed fields, so that ids
/// containing '|', ':', newlines or NUL bytes round-trip:
///
///   oh-inval/1|<kind>|<generation>|<len>:<market>|<len>:<contact>|<len>:<task>|<len>:<key>
///
/// e.g. "oh-inval/1|contact|7|2:ie|12:+19095551234|0:|0:". A sequenced
/// message (seq != 0) is version 2, with the sequence number and the epoch
/// after the generation:
///
///   oh-inval/2|<kind>|<generation>|<seq>|<epoch>|<len>:<market>|...
[[nodiscard]] std::string encode(const invalidation& inv);

/// encode(inv) split around its generation, for a publisher that learns the
/// generation only when the message is sent (Redis puts the new counter value
/// between the two parts): for every g,
/// head + std::to_string(g) + tail == encode(inv with generation = g).
struct encoded_parts {
  std::string head;
  std::string tail;
};
[[nodiscard]] encoded_parts encode_parts(const invalidation& inv);

/// As encode_parts, for the sequenced form that the bump script completes
/// with the counter's new value, the sequence number and the epoch: for every
/// g, s != 0 and e != 0,
/// head + g + "|" + s + "|" + e + tail == encode(inv with those values).
[[nodiscard]] encoded_parts encode_sequenced_parts(const invalidation& inv);

/// Parses encode()'s output (either version). Any other input (wrong version, unknown kind,
/// a length that overruns, trailing bytes, a generation out of range, ...)
/// gives nullopt; it never throws.
[[nodiscard]] std::optional<invalidation> decode(std::string_view text) noexcept;

/// The Redis names of the cache: L2 entries, generation counters and the
/// invalidation channel, all under one prefix (one per deployment, so that
/// two deployments can share a Redis).
///
/// Ids are escaped before they are joined with ':' ('%', ':', and bytes up to
/// space and DEL become %XX), so the mapping is injective: two different
/// (market, contact) pairs never name the same counter, whatever the ids hold.
///
///   entry(d)                    <prefix>:l2:<d>
///   global_generation()         {<prefix>:gen}:global
///   market_generation(m)        {<prefix>:gen}:market:<m>
///   contact_generation(m, c)    {<prefix>:gen}:contact:<m>:<c>
///   task_generation(t)          {<prefix>:gen}:task:<t>
///   channel()                   <prefix>:invalidate
///
/// The counters carry a Redis Cluster hash tag ({<prefix>:gen}), and so does
/// the epoch key (l2_commands' epoch_key): every generations read is one MGET
/// of the global, market, contact and task counters with the epoch, and
/// every bump one script over a counter and the epoch, and a cluster runs a
/// multi-key command only when all its keys hash to one slot. The entries,
/// read and written one at a time, carry no tag and spread over the cluster.
class redis_keys {
 public:
  explicit redis_keys(std::string prefix);

  [[nodiscard]] std::string entry(std::string_view digest) const;
  [[nodiscard]] std::string global_generation() const;
  [[nodiscard]] std::string market_generation(std::string_view market) const;
  [[nodiscard]] std::string contact_generation(std::string_view market,
                                               std::string_view contact) const;
  [[nodiscard]] std::string task_generation(std::string_view task) const;
  [[nodiscard]] std::string channel() const;
  /// "{<prefix>:gen}": the hash tag of the counters and the epoch key.
  [[nodiscard]] std::string generation_tag() const;

  [[nodiscard]] const std::string& prefix() const { return prefix_; }

  /// The escaping applied to every id (exposed for tests and tools).
  [[nodiscard]] static std::string escape(std::string_view id);

 private:
  std::string prefix_;
};

}  // namespace openhouse::cache
