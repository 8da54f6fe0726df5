// The quiet-hours rule on real zones (/usr/share/zoneinfo) at fixed
// instants: the market's window read on the market's clock and on every
// clock of the lead's area code, on both sides of daylight-saving changes.

#include "runtime/lead_zones.hpp"

#include "agents/follow_up.hpp"
#include "core/time_zone.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>

using openhouse::agents::follow_up_verdict;
using openhouse::agents::quiet_for_lead;
using openhouse::runtime::lead_zones;
using openhouse::runtime::time_zone;
using namespace std::chrono;

namespace {

system_clock::time_point utc(int y, unsigned m, unsigned d, int h, int min) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}

const openhouse::config::quiet_hours nine_to_eight{21 * 60, 8 * 60};

/// The shared zone table: loading it reads a dozen files.
const lead_zones& leads() {
  static const lead_zones z;
  return z;
}

/// The verdict for a lead texting `phone` at `t`, for a market in `market`.
follow_up_verdict verdict(const time_zone& market, const std::string& phone,
                          system_clock::time_point t) {
  return quiet_for_lead(nine_to_eight, leads().local_times(market, phone, t));
}

}  // namespace

TEST_CASE("every zone of the area code table loads, once", "[runtime][time][area_codes]") {
  CHECK(leads().size() == 11);
  CHECK_THROWS_WITH(lead_zones{"/nonexistent/zoneinfo"}, Catch::Contains("is tzdata installed?"));
}

TEST_CASE("local minutes of a lead's zones", "[runtime][time][area_codes]") {
  // 2026-07-15 15:30 UTC.
  const auto t = utc(2026, 7, 15, 15, 30);
  CHECK(leads().minutes_of_day("+18085550123", t) == std::vector<int>{5 * 60 + 30});
  CHECK(leads().minutes_of_day("+12125550123", t) == std::vector<int>{11 * 60 + 30});
  // Idaho: Mountain (09:30) and Pacific (08:30), in the table's order.
  auto idaho = leads().minutes_of_day("+12085550123", t);
  std::sort(idaho.begin(), idaho.end());
  CHECK(idaho == std::vector<int>{8 * 60 + 30, 9 * 60 + 30});
  CHECK(leads().minutes_of_day("+14165550123", t).empty());
  CHECK(leads().minutes_of_day("+447700900123", t).empty());
}

TEST_CASE("an Inland Empire market at 8:30 in July: Hawaii and Alaska still sleep",
          "[runtime][time][area_codes][quiet]") {
  const auto la = time_zone::load("America/Los_Angeles");
  const auto t = utc(2026, 7, 15, 15, 30);  // 08:30 PDT
  REQUIRE(la.minute_of_day(t) == 8 * 60 + 30);
  CHECK(verdict(la, "+19095550123", t) == follow_up_verdict::send);  // 08:30 at home
  CHECK(verdict(la, "+12125550123", t) == follow_up_verdict::send);  // 11:30 in New York
  CHECK(verdict(la, "+16025550123", t) == follow_up_verdict::send);  // 08:30 in Phoenix
  CHECK(verdict(la, "+17875550123", t) == follow_up_verdict::send);  // 11:30 in San Juan
  CHECK(verdict(la, "+18085550123", t) == follow_up_verdict::lead_quiet_hours);  // 05:30
  CHECK(verdict(la, "+19075550123", t) == follow_up_verdict::lead_quiet_hours);  // 07:30
  CHECK(verdict(la, "+16715550123", t) == follow_up_verdict::lead_quiet_hours);  // 01:30, Guam
  // Numbers without a known zone: the market's clock alone.
  CHECK(verdict(la, "+14165550123", t) == follow_up_verdict::send);
  CHECK(verdict(la, "+447700900123", t) == follow_up_verdict::send);
  // At 22:00 in the market nobody is texted, whoever they are.
  const auto late = utc(2026, 7, 16, 5, 0);
  CHECK(verdict(la, "+18085550123", late) == follow_up_verdict::quiet_hours);
  CHECK(verdict(la, "+14165550123", late) == follow_up_verdict::quiet_hours);
}

TEST_CASE("New York's evening ends three hours before the market's",
          "[runtime][time][area_codes][quiet]") {
  const auto la = time_zone::load("America/Los_Angeles");
  // 17:59 and 18:00 PST in January: 20:59 and 21:00 EST.
  CHECK(verdict(la, "+17185550123", utc(2026, 1, 16, 1, 59)) == follow_up_verdict::send);
  CHECK(verdict(la, "+17185550123", utc(2026, 1, 16, 2, 0)) == follow_up_verdict::lead_quiet_hours);
  CHECK(verdict(la, "+19095550123", utc(2026, 1, 16, 2, 0)) == follow_up_verdict::send);
}

TEST_CASE("Hawaii keeps no daylight saving: 10:30 in LA is too early in summer only",
          "[runtime][time][area_codes][quiet]") {
  const auto la = time_zone::load("America/Los_Angeles");
  // Saturday 2026-10-31 10:30 PDT = 17:30 UTC: 07:30 in Honolulu.
  CHECK(verdict(la, "+18085550123", utc(2026, 10, 31, 17, 30)) ==
        follow_up_verdict::lead_quiet_hours);
  // Sunday 2026-11-01 10:30 PST (daylight saving ended at 02:00) = 18:30
  // UTC: 08:30 in Honolulu.
  CHECK(verdict(la, "+18085550123", utc(2026, 11, 1, 18, 30)) == follow_up_verdict::send);
}

TEST_CASE("Arizona keeps no daylight saving: 20:30 in LA is too late in winter only",
          "[runtime][time][area_codes][quiet]") {
  const auto la = time_zone::load("America/Los_Angeles");
  // Saturday 2026-03-07 20:30 PST = 04:30 UTC on the 8th: 21:30 in Phoenix.
  CHECK(verdict(la, "+14805550123", utc(2026, 3, 8, 4, 30)) == follow_up_verdict::lead_quiet_hours);
  // Sunday 2026-03-08 20:30 PDT (daylight saving began at 02:00) = 03:30
  // UTC on the 9th: 20:30 in Phoenix too.
  CHECK(verdict(la, "+14805550123", utc(2026, 3, 9, 3, 30)) == follow_up_verdict::send);
  // Flagstaff's 928 also covers the Navajo Nation, on Mountain daylight
  // time: 21:30 there that Sunday evening.
  CHECK(verdict(la, "+19285550123", utc(2026, 3, 9, 3, 30)) == follow_up_verdict::lead_quiet_hours);
}

TEST_CASE("an area code across a zone line waits for its later side",
          "[runtime][time][area_codes][quiet]") {
  const auto ny = time_zone::load("America/New_York");
  // A New York market at 10:30 EDT: 08:30 in Boise, 07:30 in Coeur d'Alene.
  const auto t = utc(2026, 7, 15, 14, 30);
  CHECK(verdict(ny, "+12085550123", t) == follow_up_verdict::lead_quiet_hours);
  CHECK(verdict(ny, "+13035550123", t) == follow_up_verdict::send);  // Denver alone
  CHECK(verdict(ny, "+12085550123", utc(2026, 7, 15, 15, 0)) == follow_up_verdict::send);
  // And for its earlier side in the evening: South Dakota at 19:30 PDT is
  // 20:30 west of the Missouri but 21:30 east of it.
  const auto la = time_zone::load("America/Los_Angeles");
  CHECK(verdict(la, "+16055550123", utc(2026, 7, 16, 2, 30)) ==
        follow_up_verdict::lead_quiet_hours);
  CHECK(verdict(la, "+16055550123", utc(2026, 7, 16, 1, 59)) == follow_up_verdict::send);
}

TEST_CASE("the area codes in quiet hours at an instant", "[runtime][time][area_codes][quiet]") {
  const auto codes = leads().area_codes_in_quiet_hours(nine_to_eight, utc(2026, 7, 15, 15, 30));
  const auto has = [&](int npa) { return std::binary_search(codes.begin(), codes.end(), npa); };
  CHECK(std::is_sorted(codes.begin(), codes.end()));
  CHECK(has(808));
  CHECK(has(907));
  CHECK(has(671));
  CHECK(has(684));
  CHECK_FALSE(has(909));
  CHECK_FALSE(has(212));
  CHECK_FALSE(has(208));  // 08:30 and 09:30
  CHECK(leads().area_codes_in_quiet_hours({0, 0}, utc(2026, 7, 15, 15, 30)).empty());
}
