// `openhouse eval-semantic` end to end: the real binary on small pairs files.

#include "tests/support/e2e.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

#include <unistd.h>

using namespace openhouse;
using namespace openhouse::test::e2e;

namespace {

std::string write_file(const std::string& name, const std::string& text) {
  const auto path = "/tmp/openhouse-eval-" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}

// Only what the command needs: no database, Redis or Twilio secrets.
const std::map<std::string, std::string> no_services{{"OPENHOUSE_DATABASE_URL", ""},
                                                     {"TWILIO_AUTH_TOKEN", "t"}};

}  // namespace

TEST_CASE("eval-semantic scores pairs in isolation and in a shared index", "[e2e][l3]") {
  const auto pairs = write_file(
      "good.jsonl",
      R"({"id":"1","task":"faq","a":"How much are HOA fees in Corona?","b":"how much r hoa fees in corona","same":true,"kind":"paraphrase"})"
      "\n"
      R"({"id":"2","task":"faq","a":"homes for sale in 92501","b":"homes for sale in 92504","same":false,"kind":"entity_zip"})"
      "\n"
      R"({"id":"3","task":"reply","a":"We're not pre-approved yet","b":"We're pre-approved","same":false,"kind":"polarity"})"
      "\n");
  auto r =
      test::run({OPENHOUSE_BINARY, "eval-semantic", "--config", config_path(), pairs, "--details"},
                no_services);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto out = nlohmann::json::parse(r.out);
  CHECK(out["mode"] == "isolated");
  CHECK(out["pairs"] == 3);
  CHECK(out["true_hits"] == 1);
  CHECK(out["false_hits"] == 0);
  CHECK(out["hit_rate"] == 1.0);
  CHECK(out["false_hit_rate"] == 0.0);
  CHECK(out["by_kind"]["entity_zip"]["pairs"] == 1);
  CHECK(out["thresholds"]["faq"] == 0.72);     // from the market file
  CHECK(out["thresholds"].contains("reply"));  // the default for unlisted tasks
  CHECK(out["details"].size() == 3);
  REQUIRE(out.contains("shared_index"));
  CHECK(out["shared_index"]["pairs"] == 3);

  auto shared = test::run(
      {OPENHOUSE_BINARY, "eval-semantic", "--config", config_path(), pairs, "--shared-index"},
      no_services);
  REQUIRE(shared.exit_code == 0);
  const auto s = nlohmann::json::parse(shared.out);
  CHECK(s["mode"] == "shared_index");
  CHECK(s.contains("isolated"));
  CHECK_FALSE(s.contains("details"));
  std::remove(pairs.c_str());
}

TEST_CASE("eval-semantic rejects bad input with the line number", "[e2e][l3]") {
  const auto bad = write_file("bad.jsonl", R"({"id":"1","task":"faq","a":"x","b":"y","same":true})"
                                           "\n\n"
                                           R"({"id":"2","task":"faq","a":"x","b":"y","same":"yes"})"
                                           "\n");
  auto r =
      test::run({OPENHOUSE_BINARY, "eval-semantic", "--config", config_path(), bad}, no_services);
  CHECK(r.exit_code != 0);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("line 3"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one line

  auto missing = test::run(
      {OPENHOUSE_BINARY, "eval-semantic", "--config", config_path(), "/nonexistent/pairs.jsonl"},
      no_services);
  CHECK(missing.exit_code != 0);
  auto no_file =
      test::run({OPENHOUSE_BINARY, "eval-semantic", "--config", config_path()}, no_services);
  CHECK(no_file.exit_code == 2);
  auto help = test::run({OPENHOUSE_BINARY, "eval-semantic", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--shared-index"));
  std::remove(bad.c_str());
}
