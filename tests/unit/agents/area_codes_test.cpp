#include "agents/area_codes.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

using openhouse::agents::area_code_table;
using openhouse::agents::area_code_time_zones;
using openhouse::agents::lead_time_zones;
using openhouse::agents::nanp_area_code;

namespace {

/// The zones of `npa` as a set of names, order aside.
std::set<std::string> zones(int npa) {
  std::set<std::string> out;
  for (const auto z : area_code_time_zones(npa)) out.emplace(z);
  return out;
}

std::set<std::string> one(const char* z) { return {z}; }
std::set<std::string> two(const char* a, const char* b) { return {a, b}; }

}  // namespace

TEST_CASE("the area code of a North American E.164 number", "[agents][area_codes]") {
  CHECK(nanp_area_code("+19515550142") == 951);
  CHECK(nanp_area_code("+18085550199") == 808);
  CHECK(nanp_area_code("+12125550100") == 212);
  // Not +1 and ten digits: no area code.
  CHECK_FALSE(nanp_area_code("+447700900123"));  // United Kingdom
  CHECK_FALSE(nanp_area_code("+1951555014"));    // nine digits
  CHECK_FALSE(nanp_area_code("+195155501420"));  // eleven digits
  CHECK_FALSE(nanp_area_code("19515550142"));    // no '+'
  CHECK_FALSE(nanp_area_code("+1 951 555 0142"));
  CHECK_FALSE(nanp_area_code("+1951555O142"));  // a letter O
  CHECK_FALSE(nanp_area_code(""));
  // Neither an area code nor an exchange may start with 0 or 1.
  CHECK_FALSE(nanp_area_code("+11515550142"));
  CHECK_FALSE(nanp_area_code("+10515550142"));
  CHECK_FALSE(nanp_area_code("+19511550142"));
  CHECK_FALSE(nanp_area_code("+19510550142"));
}

TEST_CASE("single-zone area codes of the states and territories", "[agents][area_codes]") {
  CHECK(zones(909) == one("America/Los_Angeles"));  // Inland Empire
  CHECK(zones(951) == one("America/Los_Angeles"));
  CHECK(zones(917) == one("America/New_York"));
  CHECK(zones(773) == one("America/Chicago"));
  CHECK(zones(303) == one("America/Denver"));
  CHECK(zones(520) == one("America/Phoenix"));  // Arizona keeps standard time
  CHECK(zones(602) == one("America/Phoenix"));
  CHECK(zones(808) == one("Pacific/Honolulu"));
  CHECK(zones(915) == one("America/Denver"));    // El Paso is Mountain, unlike the rest of Texas
  CHECK(zones(806) == one("America/Chicago"));   // the Panhandle is Central
  CHECK(zones(352) == one("America/New_York"));  // north-central Florida
  CHECK(zones(931) == one("America/Chicago"));   // Middle Tennessee, Crossville included
  CHECK(zones(787) == one("America/Puerto_Rico"));
  CHECK(zones(939) == one("America/Puerto_Rico"));
  CHECK(zones(340) == one("America/Puerto_Rico"));  // US Virgin Islands: same clock
  CHECK(zones(671) == one("Pacific/Guam"));
  CHECK(zones(670) == one("Pacific/Guam"));  // Northern Marianas: same clock
  CHECK(zones(684) == one("Pacific/Pago_Pago"));
}

TEST_CASE("area codes whose territory crosses a zone line list every zone",
          "[agents][area_codes]") {
  const auto et = "America/New_York";
  const auto ct = "America/Chicago";
  const auto mt = "America/Denver";
  const auto pt = "America/Los_Angeles";
  CHECK(zones(208) == two(mt, pt));  // Idaho: the panhandle is Pacific
  CHECK(zones(541) == two(mt, pt));  // Oregon: Malheur County is Mountain
  CHECK(zones(775) == two(mt, pt));  // Nevada: West Wendover
  CHECK(zones(605) == two(ct, mt));  // South Dakota
  CHECK(zones(701) == two(ct, mt));  // North Dakota
  CHECK(zones(308) == two(ct, mt));  // western Nebraska
  CHECK(zones(620) == two(ct, mt));  // Kansas
  CHECK(zones(785) == two(ct, mt));
  CHECK(zones(850) == two(ct, et));  // Florida Panhandle
  CHECK(zones(270) == two(ct, et));  // Kentucky
  CHECK(zones(606) == two(ct, et));
  CHECK(zones(812) == two(ct, et));  // southern Indiana
  CHECK(zones(574) == two(ct, et));
  CHECK(zones(219) == two(ct, et));
  CHECK(zones(423) == two(ct, et));                 // East Tennessee
  CHECK(zones(906) == two(ct, et));                 // Upper Peninsula
  CHECK(zones(928) == two("America/Phoenix", mt));  // the Navajo Nation keeps DST
  CHECK(zones(907) == two("America/Anchorage", "America/Adak"));
}

TEST_CASE("an overlay spans the zones of the code it overlays", "[agents][area_codes]") {
  const std::vector<std::pair<int, int>> overlays{
      {909, 840}, {760, 442}, {213, 323}, {213, 738}, {310, 424}, {818, 747}, {714, 657},
      {415, 628}, {408, 669}, {510, 341}, {916, 279}, {805, 820}, {209, 350}, {707, 369},
      {702, 725}, {541, 458}, {208, 986}, {503, 971}, {360, 564}, {850, 448}, {270, 364},
      {812, 930}, {317, 463}, {615, 629}, {402, 531}, {970, 748}, {720, 983}, {212, 646},
      {305, 786}, {305, 645}, {407, 689}, {210, 726}, {214, 945}, {404, 943}, {202, 771},
  };
  for (const auto& [base, overlay] : overlays) {
    INFO(base << " / " << overlay);
    CHECK_FALSE(zones(base).empty());
    CHECK(zones(base) == zones(overlay));
  }
}

TEST_CASE("numbers the table does not know give no zone", "[agents][area_codes]") {
  CHECK(zones(416).empty());  // Toronto: Canada, not in this table
  CHECK(zones(604).empty());  // Vancouver
  CHECK(zones(242).empty());  // the Bahamas
  CHECK(zones(876).empty());  // Jamaica
  CHECK(zones(800).empty());  // toll free
  CHECK(zones(888).empty());
  CHECK(zones(555).empty());
  CHECK(zones(0).empty());
  CHECK(zones(1000).empty());
  CHECK(lead_time_zones("+14165550123").empty());
  CHECK(lead_time_zones("+447700900123").empty());
  CHECK(lead_time_zones("not a number").empty());
  REQUIRE(lead_time_zones("+18085550123").size() == 1);
  CHECK(lead_time_zones("+18085550123")[0] == "Pacific/Honolulu");
  CHECK(lead_time_zones("+12085550123").size() == 2);
}

TEST_CASE("the table is sorted, has no duplicate and covers the country", "[agents][area_codes]") {
  const auto table = area_code_table();
  CHECK(table.size() > 350);
  std::set<std::string> names;
  for (std::size_t i = 0; i < table.size(); ++i) {
    INFO(table[i].npa);
    if (i > 0) CHECK(table[i - 1].npa < table[i].npa);
    // A valid NPA: starts 2-9, no N11 service code, no N9X expansion code.
    CHECK(table[i].npa >= 200);
    CHECK(table[i].npa <= 999);
    CHECK(table[i].npa % 100 != 11);
    CHECK((table[i].npa / 10) % 10 != 9);
    CHECK_FALSE(table[i].list().empty());
    for (const auto z : table[i].list()) names.emplace(z);
  }
  // The US clocks: Eastern, Central, Mountain (with and without DST),
  // Pacific, Alaska, Hawaii-Aleutian, Hawaii, Atlantic, Chamorro, Samoa.
  CHECK(names == std::set<std::string>{"America/New_York", "America/Chicago", "America/Denver",
                                       "America/Phoenix", "America/Los_Angeles",
                                       "America/Anchorage", "America/Adak", "Pacific/Honolulu",
                                       "America/Puerto_Rico", "Pacific/Guam", "Pacific/Pago_Pago"});
}
