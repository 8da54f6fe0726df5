#include "core/time_zone.hpp"

#include <catch2/catch.hpp>

using openhouse::runtime::time_zone;
using namespace std::chrono;

namespace {
system_clock::time_point utc(int y, unsigned m, unsigned d, int h, int min) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}
}  // namespace

TEST_CASE("Los Angeles offsets follow daylight saving", "[runtime][time]") {
  const auto la = time_zone::load("America/Los_Angeles");
  CHECK(la.utc_offset(utc(2026, 1, 15, 12, 0)) == hours{-8});
  CHECK(la.utc_offset(utc(2026, 7, 15, 12, 0)) == hours{-7});
  // 2026-03-08 02:00 PST -> PDT, i.e. 10:00 UTC.
  CHECK(la.utc_offset(utc(2026, 3, 8, 9, 59)) == hours{-8});
  CHECK(la.utc_offset(utc(2026, 3, 8, 10, 0)) == hours{-7});
  // 2026-11-01 02:00 PDT -> PST, i.e. 09:00 UTC.
  CHECK(la.utc_offset(utc(2026, 11, 1, 8, 59)) == hours{-7});
  CHECK(la.utc_offset(utc(2026, 11, 1, 9, 0)) == hours{-8});
}

TEST_CASE("local days and minutes of the day", "[runtime][time]") {
  const auto la = time_zone::load("America/Los_Angeles");
  // 2026-11-22 07:30 UTC is 23:30 on the 21st in Los Angeles.
  CHECK(la.day_key(utc(2026, 11, 22, 7, 30)) == "2026-11-21");
  CHECK(la.minute_of_day(utc(2026, 11, 22, 7, 30)) == 23 * 60 + 30);
  CHECK(la.day_key(utc(2026, 11, 22, 8, 0)) == "2026-11-22");
  CHECK(la.minute_of_day(utc(2026, 11, 22, 8, 0)) == 0);
  CHECK(time_zone::fixed(hours{0}).day_key(utc(2026, 2, 28, 23, 59)) == "2026-02-28");
}

TEST_CASE("unknown or hostile zone names are refused", "[runtime][time]") {
  CHECK_THROWS(time_zone::load("Nowhere/Land"));
  CHECK_THROWS(time_zone::load("../../etc/passwd"));
  CHECK_THROWS(time_zone::load(""));
}
