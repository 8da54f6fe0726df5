#include "runtime/lead_zones.hpp"

#include "agents/area_codes.hpp"
#include "agents/compliance.hpp"

#include <algorithm>
#include <stdexcept>

namespace openhouse::runtime {

lead_zones::lead_zones(const std::string& zoneinfo_dir) {
  for (const auto& entry : agents::area_code_table()) {
    for (const auto name : entry.list()) {
      if (zones_.find(name) != zones_.end()) continue;
      try {
        zones_.emplace(std::string{name}, time_zone::load(std::string{name}, zoneinfo_dir));
      } catch (const std::exception& e) {
        throw std::runtime_error("time zone of area code " + std::to_string(entry.npa) +
                                 " not loaded (is tzdata installed?): " + e.what());
      }
    }
  }
}

std::vector<int> lead_zones::minutes_of_day(std::string_view phone, time_point t) const {
  std::vector<int> out;
  for (const auto name : agents::lead_time_zones(phone)) {
    // Every name of the table was loaded by the constructor.
    out.push_back(zones_.find(name)->second.minute_of_day(t));
  }
  return out;
}

agents::local_times lead_zones::local_times(const time_zone& market, std::string_view phone,
                                            time_point t) const {
  return {market.minute_of_day(t), minutes_of_day(phone, t)};
}

std::vector<int> lead_zones::area_codes_in_quiet_hours(const config::quiet_hours& quiet,
                                                       time_point t) const {
  std::vector<int> out;
  for (const auto& entry : agents::area_code_table()) {
    const auto zones = entry.list();
    if (std::any_of(zones.begin(), zones.end(), [&](std::string_view name) {
          return agents::in_quiet_hours(quiet, zones_.find(name)->second.minute_of_day(t));
        })) {
      out.push_back(entry.npa);
    }
  }
  return out;
}

}  // namespace openhouse::runtime
