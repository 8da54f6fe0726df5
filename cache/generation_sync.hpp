#pragma once

#include "cache/invalidation.hpp"
#include "core/cache_unit.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace openhouse::cache {

/// How long after its subscription last proved it had every earlier message
/// a node still answers generations from its own copy; and how long a bump
/// waits before it answers (l2_settings::settle). The two must agree: see
/// generation_sync.
inline constexpr std::chrono::milliseconds default_trust_window{40};

/// How often the subscriber proves delivery (redis::subscriber_settings::
/// fence_interval): well inside the trust window, so that a healthy link
/// keeps the copy trusted.
inline constexpr std::chrono::milliseconds default_fence_interval{10};

/// This node's copy of the generation counters, kept current by the bump
/// messages of the pub/sub channel, and the rules that say when it may be
/// used instead of reading Redis. Pure: no I/O, no clock of its own (the
/// caller passes steady-clock times), no threads.
///
/// Every bump is one atomic Redis step that INCRs its counter and the shared
/// bump sequence and publishes (kind, ids, new value, seq, epoch). A value in
/// the copy is exact as long as every later message was applied, which the
/// sequence proves: a message whose seq is not the next one is a gap.
///
/// States: `down` (no subscription), `syncing` (subscribed; waiting for a
/// read from Redis, sent after the subscription or the last reset, to say
/// where in the sequence the copy starts), `synced` (every message since that
/// point was seen, in order). A gap, a message or read of another epoch, a
/// subscription lost or (re)made, or an unsequenced bump message (an older
/// node) resets the copy: everything is forgotten and the node reads Redis
/// until it is synced again.
///
/// Why this is never stale (the bound): the subscriber sends PING on its
/// connection every few milliseconds; Redis answers it after every message
/// published before, so a PONG proves that every bump published before its
/// PING was received (a fence). The copy answers only while the last fence's
/// PING is at most `trust_window` old, and a bump answers its caller only
/// `trust_window` after it is in Redis (l2_settings::settle). So once a bump
/// has completed, any node answering from its copy has a fence sent after
/// the bump, and has applied it. Clock rates of the nodes are assumed equal
/// (durations only; no clock synchronisation).
class generation_sync {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  enum class state : std::uint8_t { down, syncing, synced };

  /// What a message did to the copy.
  enum class effect : std::uint8_t {
    applied,       ///< the next in sequence (or one before the sync point)
    duplicate,     ///< already seen; its value was merged, nothing else
    gap,           ///< a message is missing: the copy was reset
    epoch_change,  ///< another Redis life: the copy was reset and follows it
    unsequenced,   ///< a bump without a sequence number: the copy was reset
    ignored,       ///< a key drop (no counter), or no subscription
  };

  /// Names the copy a read was sent against; a read answered after a reset
  /// says nothing about the new copy.
  struct ticket {
    std::uint64_t session = 0;
    bool subscribed = false;
  };

  explicit generation_sync(std::chrono::nanoseconds trust_window = default_trust_window,
                           std::size_t max_counters = 1'000'000);

  /// The subscription was confirmed (true) or lost (false): the copy is reset
  /// either way, since messages published while it was away are lost.
  void subscribed(bool up);

  /// A PONG answered the PING sent at `ping_sent`: every message published
  /// before then has been passed to message().
  void fence(time_point ping_sent);

  /// A message from the channel, in the order the subscription delivered it.
  effect message(const invalidation& inv);

  /// To take before a generations read is sent to Redis.
  [[nodiscard]] ticket begin_read() const noexcept { return {session_, state_ != state::down}; }

  /// A generations read answered: counters `g` (with its epoch) exact at bump
  /// sequence `seq`. The first read of a session makes the copy synced; any
  /// read of the current session teaches the copy its counters. Returns
  /// false when it reset the copy (its epoch is not the copy's).
  bool read(const ticket& t, std::string_view market, std::string_view contact,
            std::string_view task, const generations& g, std::uint64_t seq);

  /// The counters for (market, contact, task) from the copy, when it may
  /// answer at `now` (trusted) and knows every one of them; nullopt: ask Redis.
  [[nodiscard]] std::optional<generations> lookup(time_point now, std::string_view market,
                                                  std::string_view contact,
                                                  std::string_view task) const;

  /// Synced, with a fence no older than the trust window.
  [[nodiscard]] bool trusted(time_point now) const noexcept;

  [[nodiscard]] state current() const noexcept { return state_; }
  [[nodiscard]] std::uint64_t epoch() const noexcept { return epoch_; }
  /// The last sequence number applied in order (synced only).
  [[nodiscard]] std::uint64_t last_seq() const noexcept { return last_seq_; }
  [[nodiscard]] std::size_t size() const noexcept { return counters_.size(); }
  /// Times the copy was reset (subscription changes, gaps, epochs).
  [[nodiscard]] std::uint64_t resets() const noexcept { return resets_; }

 private:
  /// Forgets the copy; `to` is the state it restarts in.
  void reset(state to);
  void merge(std::string_view scope, std::string_view market, std::string_view contact,
             std::string_view task, std::uint64_t value);
  /// Applies a message's value, noting a hole in the sequence while syncing.
  void note_syncing(const invalidation& inv);

  std::chrono::nanoseconds trust_window_;
  std::size_t max_counters_;
  state state_ = state::down;
  std::uint64_t session_ = 0;
  std::uint64_t epoch_ = 0;
  std::uint64_t last_seq_ = 0;
  /// While syncing: the last message's seq and the highest seq known to be
  /// missing between two messages (the sync point must cover it).
  std::uint64_t seen_seq_ = 0;
  std::uint64_t first_seen_ = 0;  ///< the first message's seq since the reset
  std::uint64_t missing_up_to_ = 0;
  std::optional<time_point> fence_;
  std::uint64_t resets_ = 0;
  /// Counter id (generation_table::counter_id) -> exact value.
  std::map<std::string, std::uint64_t, std::less<>> counters_;
};

/// "down", "syncing", "synced".
[[nodiscard]] std::string_view to_string(generation_sync::state s) noexcept;

}  // namespace openhouse::cache
