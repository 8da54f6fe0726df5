#pragma once

#include "integrations/llm/budget.hpp"
#include "integrations/redis/client.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace openhouse::llm {

/// What the fleet has spent on one day: one contact's total and the market's.
struct fleet_spend {
  spend contact;
  spend market;
};

/// The daily spending of every node of a market, counted in Redis, so that
/// the caps of llm.budgets hold for the fleet and not per node.
///
/// Each day's totals are two Redis hashes (budget_redis_keys: the contact's
/// and the market's, fields `tokens` and `micro_usd`), added to by one script
/// with HINCRBY and read by another, both over the two keys together, and
/// expiring `ttl` after the day's last charge. Integer micro-dollars add up
/// exactly whichever node adds them.
///
/// When Redis does not answer, read() says so (nullopt: the caller decides on
/// its own count) and charge() keeps the usage, to be added with the next
/// call that reaches Redis, so that an outage does not erase what was spent
/// during it. A charge that timed out may still have run (Redis got it and
/// answered late), so each carries an id, and the script adds an id once:
/// sending it again never counts it twice. After a failure Redis is left
/// alone for `retry_after`, so that no call pays a timeout per check while
/// it is down.
///
/// Blocking (one redis::client): owned by one detached actor. Not thread-safe.
class shared_budget {
 public:
  using clock = std::chrono::steady_clock;

  struct settings {
    std::string prefix;                           ///< cache.redis_prefix: one deployment's keys
    std::string market;                           ///< the market's id
    std::chrono::milliseconds timeout{250};       ///< one Redis operation
    std::chrono::milliseconds retry_after{1000};  ///< pause after a failure
    /// Lifetime of a day's keys after its last charge: the day, wherever
    /// the market's midnight falls, and a margin.
    std::chrono::milliseconds ttl{std::chrono::hours{48}};
  };

  shared_budget(redis::endpoint ep, settings s);

  /// The fleet's spending of `contact` and of the market on `day`, once this
  /// node's kept usage is in Redis; nullopt when Redis cannot answer (or is
  /// in its pause after a failure).
  [[nodiscard]] std::optional<fleet_spend> read(std::string_view contact, std::string_view day,
                                                clock::time_point now);

  /// Adds one call's usage. True when it reached Redis; false when it is kept
  /// for later (Redis down). Usage of a day older than the newest one kept is
  /// dropped if it cannot be sent: that day's caps no longer matter.
  bool charge(std::string_view contact, std::string_view day, std::int64_t tokens, double usd,
              clock::time_point now);

  /// Charges waiting for Redis.
  [[nodiscard]] std::size_t unsynced() const noexcept { return unsynced_.size(); }

  /// True while Redis is taken as down (the last operation failed).
  [[nodiscard]] bool down() const noexcept { return down_; }

  /// Why the last Redis operation failed ("" before any failure).
  [[nodiscard]] const std::string& last_error() const noexcept { return last_error_; }

 private:
  /// Usage not yet known to be in Redis.
  struct pending_charge {
    std::string day;
    std::string contact;
    std::string id;  ///< what the script adds once
    std::int64_t tokens = 0;
    std::int64_t micro_usd = 0;
    /// Sent at least once: it may have run, so no more usage joins it.
    bool sent = false;
  };

  /// Sends every kept usage; false (and the pause) on the first failure.
  bool flush(clock::time_point now);
  void failed(const redis::error& e, clock::time_point now);
  void succeeded();

  redis::client redis_;
  settings settings_;
  bool down_ = false;  ///< the last Redis operation failed
  clock::time_point retry_at_{};
  std::string last_error_;
  std::string node_id_;  ///< random, so that two nodes' charge ids differ
  std::uint64_t next_charge_ = 0;
  std::deque<pending_charge> unsynced_;  ///< in charge order
};

}  // namespace openhouse::llm
