#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/market.hpp"

namespace openhouse::llm {

/// What the gateway does with a call, given the day's spending so far.
enum class budget_action : std::uint8_t {
  allow,      ///< call the routed model
  downgrade,  ///< call budget_settings::downgrade_model instead
  fallback,   ///< no provider call: send the market's fallback reply
};

/// Which cap decided (for logs and metrics); `none` when allowed.
enum class budget_scope : std::uint8_t { none, contact, market };
enum class budget_metric : std::uint8_t { none, tokens, usd };

[[nodiscard]] std::string_view to_string(budget_action a) noexcept;
[[nodiscard]] std::string_view to_string(budget_scope s) noexcept;
[[nodiscard]] std::string_view to_string(budget_metric m) noexcept;

/// The outcome of budget_tracker::check: the most severe action any cap asks
/// for, and the cap that asked for it.
struct budget_decision {
  budget_action action = budget_action::allow;
  budget_scope scope = budget_scope::none;
  budget_metric metric = budget_metric::none;
};

/// Tokens and dollars spent in one day by one contact or by the market.
struct spend {
  std::int64_t tokens = 0;
  double usd = 0;

  friend bool operator==(const spend&, const spend&) = default;
};

/// Each field the larger of the two: what a node takes as spent when it
/// knows two lower bounds (the fleet's count and its own).
[[nodiscard]] spend at_least(spend a, spend b) noexcept;

/// The decision for one call, from what the contact and the market have
/// spent on the call's day (by whatever count: this node's, or the fleet's)
/// and the call's estimate. See budget_tracker for the rules.
[[nodiscard]] budget_decision decide(const config::budget_settings& settings, spend contact,
                                     spend market, std::int64_t estimated_tokens,
                                     double estimated_usd);

/// Dollars as whole micro-dollars, for counters that must add up exactly on
/// every node (Redis HINCRBY); rounded up, so a count never falls short.
[[nodiscard]] std::int64_t to_micro_usd(double usd) noexcept;
[[nodiscard]] double from_micro_usd(std::int64_t micro) noexcept;

/// The Redis keys of one day's spending: the contact's and the market's,
/// read and added to together by one script. Both carry the hash tag
/// {<prefix>:budget:<market>:<day>}, so they share a Redis Cluster slot;
/// days are the market's local days ("2026-11-22"). Ids are escaped ('%',
/// ':', braces and control bytes as %XX), so no two contacts share a key and
/// no id can move the tag.
struct budget_keys {
  std::string contact;
  std::string market;
};
[[nodiscard]] budget_keys budget_redis_keys(std::string_view prefix, std::string_view market,
                                            std::string_view day, std::string_view contact);

/// Per-contact and per-market daily caps on tokens and dollars.
///
/// Days are the market's local days, named by the caller with a day key
/// (e.g. "2026-11-22" in market.timezone); keys must sort in time order (ISO
/// dates do). Only the newest day is kept: recording a newer day drops every
/// older total, so memory is bounded by one day's contacts.
///
/// A call is over a cap when spent + estimate > cap. With over_cap_action
/// fallback that is the end; with downgrade, calls go to the cheaper model
/// until spent + estimate > cap * hard_cap_ratio, then fall back — so even
/// the downgraded spending has a ceiling.
///
/// check() and record() are separate because the estimate is known before the
/// call and the real usage after it; calls in flight at the same time are not
/// reserved, so the overshoot is bounded by the concurrent calls' size.
/// Not thread-safe: owned by the gateway actor.
class budget_tracker {
 public:
  explicit budget_tracker(config::budget_settings settings);

  /// The action for a call of `contact` on `day_key` estimated at
  /// `estimated_tokens` (input + max output) costing `estimated_usd`.
  [[nodiscard]] budget_decision check(std::string_view contact, std::string_view day_key,
                                      std::int64_t estimated_tokens, double estimated_usd) const;

  /// Accounts a finished call's real usage. A newer `day_key` starts a new
  /// day; usage for a day older than the current one is dropped (that day's
  /// caps no longer matter).
  void record(std::string_view contact, std::string_view day_key, std::int64_t tokens, double usd);

  /// What `contact` spent on `day_key` (zero for other days).
  [[nodiscard]] spend contact_spend(std::string_view contact, std::string_view day_key) const;

  /// What the market spent on `day_key` (zero for other days).
  [[nodiscard]] spend market_spend(std::string_view day_key) const;

  /// The day whose totals are kept ("" before the first record).
  [[nodiscard]] const std::string& current_day() const noexcept { return day_; }

  /// Contacts with spending on the current day.
  [[nodiscard]] std::size_t tracked_contacts() const noexcept { return contacts_.size(); }

  [[nodiscard]] const config::budget_settings& settings() const noexcept { return settings_; }

 private:
  config::budget_settings settings_;
  std::string day_;
  spend market_;
  std::unordered_map<std::string, spend> contacts_;
};

}  // namespace openhouse::llm
