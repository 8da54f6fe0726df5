// Market answers end to end on the real binary: a market question is
// answered from the market's data file (the file's median, "about", the
// month), shared by every lead through the cache, and a refreshed file is
// the next answer's source, with no restart.

#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;

namespace {

const std::string header =
    "place,month,median_price,price_per_sqft,days_on_market,inventory,mom_change_pct\n";

struct data_file {
  std::string path =
      (std::filesystem::temp_directory_path() / ("md-e2e-" + std::to_string(::getpid()) + ".csv"))
          .string();
  ~data_file() { std::filesystem::remove(path); }
  void write(const std::string& rows) const {
    std::ofstream(path, std::ios::trunc) << header + rows;
  }
};

}  // namespace

TEST_CASE("market answers carry the data file's figures, and a refresh replaces them",
          "[e2e][market_data]") {
  test::scratch_database db;
  simulator sim;
  data_file data;
  data.write("Corona,2027-02,733000,441,29,260,0.4\nRedlands,2027-02,604000,398,37,150,-0.3\n");
  node n{db.url(), sim.url(), test::redis_url(), {{"OPENHOUSE_MARKET_DATA", data.path}}};
  http_client c;
  const auto first = post_sms(
      c, n.url(), sms_params(sid(1), "+19095558101", "hey, what do houses go for in corona?"));
  REQUIRE(first.status == 200);
  CHECK_THAT(first.body, Catch::Contains("about $733k") && Catch::Contains("Feb 2027"));
  // Another lead, other words, the same place: the cached answer, no call.
  const auto calls = sim.requests();
  const auto second = post_sms(
      c, n.url(), sms_params(sid(2), "+19095558102", "How much are homes selling for in Corona?"));
  CHECK_THAT(second.body, Catch::Contains("about $733k") && Catch::Contains("Feb 2027"));
  CHECK(sim.requests() == calls);
  // A place of the market with no rows: said so, and an agent offered.
  const auto none = post_sms(
      c, n.url(), sms_params(sid(3), "+19095558103", "what are homes going for in Fontana?"));
  CHECK_THAT(none.body,
             Catch::Contains("recent market figures for Fontana") && Catch::Contains("agent"));
  CHECK_THAT(none.body, !Catch::Contains("$"));
  // The operator refreshes the file: the next answer is the new month's.
  data.write(
      "Corona,2027-02,733000,441,29,260,0.4\nCorona,2027-03,748500,447,26,241,2.1\n"
      "Redlands,2027-02,604000,398,37,150,-0.3\n");
  const auto refreshed =
      post_sms(c, n.url(), sms_params(sid(4), "+19095558104", "what do houses go for in corona?"));
  CHECK_THAT(refreshed.body, Catch::Contains("about $749k") && Catch::Contains("Mar 2027"));
  CHECK_THAT(refreshed.body, !Catch::Contains("$733k"));
  // Even the lead whose question was answered first gets the new figures.
  const auto again = post_sms(
      c, n.url(), sms_params(sid(5), "+19095558101", "and what do houses go for in corona now?"));
  CHECK_THAT(again.body, Catch::Contains("about $749k"));
  // A refreshed file that does not parse is refused; the last good one serves.
  data.write("Corona,2027-04,a lot,447,26,241,2.1\n");
  const auto broken = post_sms(
      c, n.url(), sms_params(sid(6), "+19095558105", "How much are homes selling for in Corona?"));
  CHECK_THAT(broken.body, Catch::Contains("about $749k") && Catch::Contains("Mar 2027"));
  CHECK(n.stop() == 0);
}

TEST_CASE("a data file that does not parse stops the node at start", "[e2e][market_data]") {
  test::scratch_database db;
  data_file data;
  data.write("Corona,2027-02,733000,441,29,260\n");
  const auto r = test::run({OPENHOUSE_BINARY, "serve", "--config", config_path(), "--port", "0"},
                           {{"OPENHOUSE_DATABASE_URL", db.url()},
                            {"OPENHOUSE_REDIS_URL", test::redis_url()},
                            {"OPENHOUSE_MARKET_DATA", data.path},
                            {"TWILIO_AUTH_TOKEN", auth_token}});
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err + r.out, Catch::Contains(data.path + ":2:"));
}
