#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace openhouse::runtime {

/// A market's time zone, read once from the system's TZif database
/// (/usr/share/zoneinfo). GCC 12's libstdc++ has no std::chrono::tzdb, and
/// setting TZ for localtime_r is process-global, so the runtime reads the
/// transitions itself. Immutable after construction; thread-safe.
class time_zone {
 public:
  using time_point = std::chrono::system_clock::time_point;

  /// Loads `name` (e.g. "America/Los_Angeles"); throws std::runtime_error
  /// when the zone does not exist or its file is malformed.
  static time_zone load(const std::string& name,
                        const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

  /// A fixed offset (tests, UTC).
  static time_zone fixed(std::chrono::seconds offset);

  /// Offset from UTC at `t` (daylight saving included).
  [[nodiscard]] std::chrono::seconds utc_offset(time_point t) const;

  /// The local calendar day of `t` as "YYYY-MM-DD" (budgets, reports).
  [[nodiscard]] std::string day_key(time_point t) const;

  /// Minutes since local midnight at `t`, 0..1439 (quiet hours).
  [[nodiscard]] int minute_of_day(time_point t) const;

 private:
  struct transition {
    std::int64_t at;      ///< UTC seconds since the epoch
    std::int32_t offset;  ///< seconds east of UTC from `at` on
  };
  std::vector<transition> transitions_;  ///< ascending
  std::int32_t initial_offset_ = 0;      ///< before the first transition
};

}  // namespace openhouse::runtime
