#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "config/market.hpp"

namespace openhouse::llm {

enum class breaker_state : std::uint8_t {
  closed,     ///< calls flow
  open,       ///< calls are refused until the open period ends
  half_open,  ///< one trial call is let through; its outcome decides
};

/// Name of a breaker state, for logs, metrics and /readyz.
[[nodiscard]] std::string_view to_string(breaker_state s) noexcept;

/// A circuit breaker for one provider, counting consecutive failures.
///
/// closed → open after `failure_threshold` failures in a row (a success in
/// between resets the count); open → half_open once `open` has passed since
/// it opened, on the next allow(); in half_open exactly one trial call is
/// allowed: its success closes the breaker, its failure reopens it for another
/// `open` period. Consecutive failures rather than a failure ratio: the
/// gateway's call rate is low and bursty (SMS traffic), so a ratio window is
/// often nearly empty, while a run of failures is a clear, cheap signal.
///
/// The caller decides what counts: report on_failure only for provider-side
/// trouble (classify() == retry: 429, 529, 5xx, timeouts, transport, malformed
/// answers), never for our own 400/401/403 — those say nothing about the
/// provider's health. Each provider attempt (not each logical call) is reported.
///
/// Time is passed in; nothing here reads a clock. Not thread-safe: owned by
/// the gateway actor.
class circuit_breaker {
 public:
  using time_point = std::chrono::system_clock::time_point;

  explicit circuit_breaker(config::breaker_settings settings);

  /// May a call start now? Moves open → half_open when the open period is
  /// over, and then hands out the single trial: true once, false afterwards
  /// until that trial reports. A trial that never reports (lost reply) is
  /// replaced by a new one after another open period, so the breaker cannot
  /// stay stuck in half_open.
  [[nodiscard]] bool allow(time_point now);

  /// A call succeeded: closes the breaker (from half_open) or resets the
  /// failure run (closed). A late success of a call started before the
  /// breaker opened is ignored while open: only the trial decides.
  void on_success(time_point now);

  /// A provider-side failure: counts towards opening (closed) or reopens
  /// (half_open). Late failures while already open do not extend the period.
  void on_failure(time_point now);

  /// The state as of the last call; open → half_open happens inside allow().
  [[nodiscard]] breaker_state state() const noexcept { return state_; }

  /// Failures in the current run (closed state).
  [[nodiscard]] int consecutive_failures() const noexcept { return failures_; }

  /// When an open breaker will offer a trial; nullopt unless open.
  [[nodiscard]] std::optional<time_point> open_until() const;

 private:
  void open_at(time_point now);

  config::breaker_settings settings_;
  breaker_state state_ = breaker_state::closed;
  int failures_ = 0;
  time_point opened_at_{};
  bool trial_in_flight_ = false;
  time_point trial_started_{};
};

}  // namespace openhouse::llm
