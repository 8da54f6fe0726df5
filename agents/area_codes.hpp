#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

/// Where a US lead probably is, from the area code of its number: the TCPA
/// counts quiet hours in the called party's local time, and the runtime
/// knows nothing of a lead but the number. Data only; no clock here.
namespace openhouse::agents {

/// The most zones one area code's territory spans (e.g. 208: Mountain and
/// Pacific; 907: Alaska and Hawaii-Aleutian).
inline constexpr std::size_t max_zones_per_area_code = 2;

/// One US area code (NPA) and the IANA time zones its territory spans.
struct area_code_zones {
  int npa = 0;
  /// Non-empty names first; unused slots are empty.
  std::array<std::string_view, max_zones_per_area_code> zones{};

  /// The zones actually listed (one or two).
  [[nodiscard]] constexpr std::span<const std::string_view> list() const noexcept {
    std::size_t n = 0;
    while (n < zones.size() && !zones[n].empty()) ++n;
    return {zones.data(), n};
  }
};

/// Every US area code of the table (the 50 states, DC, Puerto Rico, the US
/// Virgin Islands, Guam, the Northern Mariana Islands and American Samoa),
/// sorted by NPA. Zones whose rules have matched a main zone since 2007 are
/// folded into it (America/Detroit, America/Indiana/*, America/Kentucky/*
/// into New_York; America/Menominee, America/North_Dakota/* into Chicago;
/// America/Boise into Denver; America/Juneau and the other Alaska zones into
/// Anchorage), and only canonical names are used (America/Puerto_Rico for
/// the Virgin Islands, Pacific/Guam for the Marianas), so that every name
/// loads from a stock /usr/share/zoneinfo.
[[nodiscard]] std::span<const area_code_zones> area_code_table() noexcept;

/// The area code of a North American number in E.164 form, "+1" then ten
/// digits whose area code and exchange start with 2-9; nullopt for anything
/// else (another country, a short code, a malformed number).
[[nodiscard]] std::optional<int> nanp_area_code(std::string_view e164) noexcept;

/// The zones of `npa`; empty when the table does not know it (a Canadian or
/// Caribbean code, toll-free, unassigned).
[[nodiscard]] std::span<const std::string_view> area_code_time_zones(int npa) noexcept;

/// The zones of a lead's E.164 number: area_code_time_zones of its area
/// code; empty for a non-US or unknown number (then only the market's own
/// quiet window applies).
[[nodiscard]] std::span<const std::string_view> lead_time_zones(std::string_view e164) noexcept;

}  // namespace openhouse::agents
