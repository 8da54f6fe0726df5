#pragma once

#include "agents/follow_up.hpp"
#include "config/market.hpp"
#include "core/time_zone.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace openhouse::runtime {

/// The time zones of leads' area codes (agents::area_code_table), each read
/// once from the TZif database when this is built, so that deciding on a
/// lead reads no file. Immutable after construction; thread-safe.
class lead_zones {
 public:
  using time_point = std::chrono::system_clock::time_point;

  /// Loads every zone the table names; throws std::runtime_error naming the
  /// first one that does not load (tzdata missing), so a node without the
  /// data stops at start instead of texting leads on a guessed clock.
  explicit lead_zones(const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

  /// Minutes after local midnight at `t` in each zone of `phone`'s area
  /// code (agents::lead_time_zones); empty when the number tells no zone.
  [[nodiscard]] std::vector<int> minutes_of_day(std::string_view phone, time_point t) const;

  /// Local time at `t` in the market's zone and the lead's zones, for
  /// agents::quiet_for_lead and agents::follow_up_due.
  [[nodiscard]] agents::local_times local_times(const time_zone& market, std::string_view phone,
                                                time_point t) const;

  /// The area codes of which at least one zone is inside `quiet` at `t`,
  /// ascending: the leads the market's clock alone would let through.
  [[nodiscard]] std::vector<int> area_codes_in_quiet_hours(const config::quiet_hours& quiet,
                                                           time_point t) const;

  /// How many distinct zones were loaded.
  [[nodiscard]] std::size_t size() const noexcept { return zones_.size(); }

 private:
  std::map<std::string, time_zone, std::less<>> zones_;
};

}  // namespace openhouse::runtime
