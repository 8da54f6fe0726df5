#include "agents/market_data_source.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

const std::string header =
    "place,month,median_price,price_per_sqft,days_on_market,inventory,mom_change_pct\n";

/// A data file of its own for each test, removed at the end.
struct temp_file {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("md-source-" + std::to_string(::getpid()) + "-" +
                       std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".csv"))
                         .string();
  ~temp_file() { std::filesystem::remove(path); }
  void write(const std::string& text) const { std::ofstream(path, std::ios::trunc) << text; }
};

std::int64_t median_of(openhouse::agents::market_data_source& s, std::string_view place) {
  const auto* row = s.current().data->latest(place);
  return row == nullptr ? 0 : row->median_price;
}

}  // namespace

TEST_CASE("a data file is read at open, its errors refuse it", "[agents][market_data]") {
  temp_file f;
  f.write(header + "Brea,2027-01,900000,500,20,40,0.1\n");
  auto s = openhouse::agents::market_data_source::open(f.path);
  REQUIRE(s.has_value());
  CHECK(median_of(**s, "Brea") == 900000);
  f.write(header + "Brea,2027-01,900000,500,20,40\n");
  const auto bad = openhouse::agents::market_data_source::open(f.path);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().line == 2);
}

TEST_CASE("a rewritten file is read again, once, and says it changed", "[agents][market_data]") {
  temp_file f;
  f.write(header + "Brea,2027-01,900000,500,20,40,0.1\n");
  auto opened = openhouse::agents::market_data_source::open(f.path);
  REQUIRE(opened.has_value());
  auto& s = **opened;
  const auto first = s.current();
  CHECK_FALSE(first.changed);
  const auto v1 = first.data->version();
  f.write(header + "Brea,2027-01,900000,500,20,40,0.1\nBrea,2027-02,912000,505,18,37,1.3\n");
  const auto second = s.current();
  CHECK(second.changed);
  CHECK(second.data->version() != v1);
  CHECK(second.data->latest("Brea")->median_price == 912000);
  // Only the caller that saw the change bumps the generation.
  CHECK_FALSE(s.current().changed);
  // The old table lives on for whoever still holds it.
  CHECK(first.data->latest("Brea")->median_price == 900000);
}

TEST_CASE("a refreshed file that does not parse leaves the old one serving",
          "[agents][market_data]") {
  temp_file f;
  f.write(header + "Brea,2027-01,900000,500,20,40,0.1\n");
  auto opened = openhouse::agents::market_data_source::open(f.path);
  REQUIRE(opened.has_value());
  auto& s = **opened;
  f.write(header + "Brea,2027-02,lots,505,18,37,1.3\n");
  const auto now = s.current();
  CHECK_FALSE(now.changed);
  CHECK(now.data->latest("Brea")->median_price == 900000);
  // Fixed: read at the next question.
  f.write(header + "Brea,2027-02,931000,505,18,37,1.3\n");
  const auto fixed = s.current();
  CHECK(fixed.changed);
  CHECK(fixed.data->latest("Brea")->median_price == 931000);
  // Gone for a moment (a rename in progress): the table read before serves.
  std::filesystem::remove(f.path);
  CHECK(median_of(s, "Brea") == 931000);
}
