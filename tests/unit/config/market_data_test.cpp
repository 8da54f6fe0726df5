#include "config/market_data.hpp"

#include "config/env_expand.hpp"
#include "config/loader.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace cfg = openhouse::config;

namespace {

const std::string header =
    "place,month,median_price,price_per_sqft,days_on_market,inventory,mom_change_pct\n";

/// The error of parsing `text`, as "FILE:LINE: COLUMN: MESSAGE".
std::string error_of(const std::string& text) {
  const auto r = cfg::market_data::parse(text, "m.csv");
  REQUIRE_FALSE(r.has_value());
  return cfg::to_string(r.error());
}

cfg::env_lookup test_env() {
  return cfg::fixed_env({{"OPENHOUSE_DATABASE_URL", "postgresql://x@127.0.0.1/x"},
                         {"OPENHOUSE_REDIS_URL", "redis://127.0.0.1:6380"},
                         {"TWILIO_AUTH_TOKEN", "t"}});
}

}  // namespace

TEST_CASE("a data file parses into rows, comments and blank lines skipped",
          "[config][market_data]") {
  const auto r = cfg::market_data::parse("# sample\n\n" + header +
                                             "Redlands,2026-07,612000,401.5,29,150,-1.3\n"
                                             "92374,2026-07,655000,399,27,61,+0.4\n",
                                         "m.csv");
  REQUIRE(r.has_value());
  REQUIRE(r->rows().size() == 2);
  const auto& a = r->rows()[0];
  CHECK(a.place == "Redlands");
  CHECK(a.month_key() == "2026-07");
  CHECK(a.median_price == 612000);
  CHECK(a.price_per_sqft == Approx(401.5));
  CHECK(a.days_on_market == 29);
  CHECK(a.inventory == 150);
  CHECK(a.mom_change_pct == Approx(-1.3));
  CHECK(r->rows()[1].mom_change_pct == Approx(0.4));
  CHECK(r->version().size() == 16);
}

TEST_CASE("the columns may come in any order", "[config][market_data]") {
  const auto r = cfg::market_data::parse(
      "inventory,place,mom_change_pct,month,days_on_market,median_price,price_per_sqft\n"
      "88,Upland,2.5,2025-12,40,700500,455\n",
      "m.csv");
  REQUIRE(r.has_value());
  CHECK(r->rows()[0].place == "Upland");
  CHECK(r->rows()[0].median_price == 700500);
  CHECK(r->rows()[0].inventory == 88);
}

TEST_CASE("a bad line names the file, the line and the column", "[config][market_data]") {
  CHECK(error_of(header + "Rialto,2026-13,500000,300,30,10,0\n") ==
        "m.csv:2: month: \"2026-13\" is not a month as YYYY-MM");
  CHECK(error_of("# c\n" + header +
                 "Rialto,2026-01,500000,300,30,10,0\nRialto,2026-02,5e5,300,"
                 "30,10,0\n") ==
        "m.csv:4: median_price: \"5e5\" is not a price in whole dollars (1 to 100000000)");
  CHECK(error_of(header + "Rialto,2026-01,500000,-3,30,10,0\n")
            .starts_with("m.csv:2: price_per_sqft:"));
  CHECK(error_of(header + "Rialto,2026-01,500000,300,thirty,10,0\n")
            .starts_with("m.csv:2: days_on_market:"));
  CHECK(
      error_of(header + "Rialto,2026-01,500000,300,30,-1,0\n").starts_with("m.csv:2: inventory:"));
  CHECK(error_of(header + "Rialto,2026-01,500000,300,30,10,up\n")
            .starts_with("m.csv:2: mom_change_pct:"));
  CHECK(error_of(header + "9237,2026-01,500000,300,30,10,0\n").starts_with("m.csv:2: place:"));
  CHECK(error_of(header + ",2026-01,500000,300,30,10,0\n") == "m.csv:2: place: empty place");
  CHECK(error_of(header + "Rialto,2026-01,500000,300,30,10\n") ==
        "m.csv:2: 6 values, the header names 7");
  CHECK(error_of(header + "\"Rialto\",2026-01,500000,300,30,10,0\n") ==
        "m.csv:2: quoted values are not supported");
  CHECK(error_of(header + "Rialto,2026-01,500000,300,30,10,0\nrialto,2026-01,1,1,1,1,1\n") ==
        "m.csv:3: place: a second row for rialto in 2026-01");
}

TEST_CASE("the header must name every column once and no other", "[config][market_data]") {
  CHECK(error_of("place,month,median_price,price_per_sqft,days_on_market,inventory\n") ==
        "m.csv:1: mom_change_pct: missing column in the header");
  CHECK(error_of("place,month,median_price,price_per_sqft,days_on_market,inventory,"
                 "mom_change_pct,bedrooms\n") == "m.csv:1: bedrooms: unknown column");
  CHECK(error_of("place,place,median_price,price_per_sqft,days_on_market,inventory,"
                 "mom_change_pct\n") == "m.csv:1: place: duplicate column");
  CHECK(error_of("# only comments\n") == "m.csv:1: no header line");
}

TEST_CASE("a place's latest month is found, city case ignored", "[config][market_data]") {
  const auto r = cfg::market_data::parse(header +
                                             "Fontana,2026-09,600000,390,30,200,0.5\n"
                                             "Fontana,2026-11,615000,395,33,210,1.0\n"
                                             "Fontana,2026-10,610000,392,31,205,0.8\n"
                                             "Fontana,2025-12,590000,380,40,150,-0.2\n",
                                         "m.csv");
  REQUIRE(r.has_value());
  const auto* row = r->latest("fontana");
  REQUIRE(row != nullptr);
  CHECK(row->month_key() == "2026-11");
  CHECK(row->median_price == 615000);
  CHECK(r->latest("Rialto") == nullptr);
}

TEST_CASE("the version follows the content", "[config][market_data]") {
  const auto a = cfg::market_data::parse(header + "Chino,2026-01,700000,400,30,10,0\n", "a");
  const auto b = cfg::market_data::parse(header + "Chino,2026-01,700000,400,30,10,0\n", "b");
  const auto c = cfg::market_data::parse(header + "Chino,2026-01,701000,400,30,10,0\n", "a");
  REQUIRE((a && b && c));
  CHECK(a->version() == b->version());
  CHECK(a->version() != c->version());
}

TEST_CASE("an unreadable file is an error on line 0", "[config][market_data]") {
  const auto r = cfg::market_data::load("/nonexistent/market.csv");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().line == 0);
  CHECK(cfg::to_string(r.error()).starts_with("/nonexistent/market.csv:0: cannot read file"));
}

TEST_CASE("the shipped market names its sample data file, which parses", "[config][market_data]") {
  const auto loaded = cfg::load_market_file(OPENHOUSE_SOURCE_DIR "/config/node.yaml", test_env());
  REQUIRE(loaded.has_value());
  const auto& file = loaded->market.data.file;
  // Resolved against the market file's directory, wherever the test runs.
  CHECK(std::filesystem::path(file).is_absolute());
  CHECK(file == std::filesystem::path(OPENHOUSE_SOURCE_DIR "/config/markets/data/inland-empire.csv")
                    .lexically_normal()
                    .string());
  const auto data = cfg::market_data::load(file);
  REQUIRE(data.has_value());
  // Every city of the market has figures; the file says it is sample data.
  for (const auto& c : loaded->market.cities) {
    CHECK(data->latest(c.name) != nullptr);
  }
  std::ifstream in(file);
  std::string first;
  std::getline(in, first);
  CHECK(first.find("SAMPLE DATA") != std::string::npos);
}

TEST_CASE("market_data takes a file and nothing else", "[config][market_data]") {
  std::ifstream in(OPENHOUSE_SOURCE_DIR "/config/markets/inland-empire.yaml");
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string key = "    file: ${OPENHOUSE_MARKET_DATA:-data/inland-empire.csv}\n";
  const auto at = yaml.find(key);
  REQUIRE(at != std::string::npos);
  auto odd = yaml;
  odd.insert(at + key.size(), "    url: http://example.com/data.csv\n");
  const auto r = cfg::load_market_part_string(odd, nullptr, test_env());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().front().key == "market.market_data.url");
  CHECK(r.error().front().message == "unknown key");
  auto none = yaml;
  none.replace(at, key.size(), "    {}\n");
  const auto r2 = cfg::load_market_part_string(none, nullptr, test_env());
  REQUIRE_FALSE(r2.has_value());
  CHECK(r2.error().front().key == "market.market_data.file");
  // A string load keeps the path as written (no file to resolve it against).
  const auto r3 = cfg::load_market_part_string(yaml, nullptr, test_env());
  REQUIRE(r3.has_value());
  CHECK(r3->market.data.file == "data/inland-empire.csv");
}
