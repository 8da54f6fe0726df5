// The provenance of replies end to end: the real binary, the simulator,
// PostgreSQL and Redis. GET /admin/contacts/{phone} and `openhouse
// conversation` show where each reply's units came from; replay stores the
// same record, and it agrees with the cache's own audit.

#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

using namespace openhouse;
using namespace openhouse::test::e2e;
using nlohmann::json;
using test::http_client;

namespace {

/// The units of a turn's provenance that were served from an entry another
/// request filled: tier and source sid.
std::vector<std::pair<std::string, std::string>> hits_of(const json& turn) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!turn["provenance"].is_object()) return out;
  for (const auto& u : turn["provenance"]["units"]) {
    const auto outcome = u["outcome"].get<std::string>();
    if (outcome == "l1" || outcome == "l2" || outcome == "l3") {
      out.emplace_back(outcome, u["source_sid"].get<std::string>());
    }
  }
  return out;
}

std::map<std::string, std::string> cli_env(const std::string& database_url) {
  return {{"OPENHOUSE_DATABASE_URL", database_url},
          {"OPENHOUSE_REDIS_URL", test::redis_url()},
          {"TWILIO_AUTH_TOKEN", auth_token}};
}

}  // namespace

TEST_CASE("an operator sees each reply's provenance, a cache hit with its source sid",
          "[e2e][provenance]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;
  // One lead asks; another lead asks the same later, between two texts of
  // their own, and is answered from the first lead's entries.
  const std::string first = "+19095558201";
  const std::string lead = "+19095558202";
  const std::string question = "We'd like to buy a place with a big yard near Riverside";
  REQUIRE(post_sms(c, n.url(), sms_params(sid(1), first, question)).status == 200);
  REQUIRE(post_sms(c, n.url(), sms_params(sid(2), lead, "Good morning, just browsing for now"))
              .status == 200);
  REQUIRE(post_sms(c, n.url(), sms_params(sid(3), lead, question)).status == 200);
  REQUIRE(post_sms(c, n.url(), sms_params(sid(4), lead, "Our budget is about $640k")).status ==
          200);

  auto get = [&](const std::string& path, const std::string& token) {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return c.request("GET", n.url() + path, "", headers);
  };
  CHECK(get("/admin/contacts/" + lead, "").status == 401);
  CHECK(get("/admin/contacts/" + lead, "not-the-token").status == 401);
  CHECK(get("/admin/contacts/+19095550000", admin_token).status == 404);
  CHECK(get("/admin/contacts/9095558202", admin_token).status == 400);
  CHECK(get("/admin/contacts/%ZZ19095558202", admin_token).status == 400);
  CHECK(c.request("POST", n.url() + "/admin/contacts/" + lead, "{}",
                  {{"Authorization", std::string{"Bearer "} + admin_token}})
            .status == 405);

  const auto res = get("/admin/contacts/" + lead, admin_token);
  REQUIRE(res.status == 200);
  const auto body = json::parse(res.body);
  INFO(body.dump(2));
  CHECK(body["contact"] == lead);
  for (const auto* key : {"bot", "temperature", "frs", "pcs", "opted_out", "muted", "facts"}) {
    CHECK(body["state"].contains(key));
  }
  CHECK(body["state"]["facts"].is_object());
  const auto& turns = body["turns"];
  REQUIRE(turns.size() == 3);
  CHECK(turns[0]["sid"] == sid(2));
  CHECK(turns[1]["sid"] == sid(3));
  CHECK(turns[2]["sid"] == sid(4));
  CHECK(turns[1]["inbound"] == question);
  for (const auto& turn : turns) {
    CHECK_FALSE(turn["reply"].get<std::string>().empty());
    REQUIRE(turn["provenance"].is_object());
    CHECK_FALSE(turn["provenance"]["bot"].get<std::string>().empty());
    CHECK(turn["provenance"]["units"].size() >= 1);
    CHECK(turn["provenance"]["after"].contains("temperature"));
  }
  // The repeated question was served from what the first lead's message filled.
  const auto hits = hits_of(turns[1]);
  REQUIRE_FALSE(hits.empty());
  CHECK(std::all_of(hits.begin(), hits.end(), [](const auto& h) { return h.second == sid(1); }));
  // The last turn's scores are the lead's state now.
  CHECK(turns[2]["provenance"]["after"]["temperature"] == body["state"]["temperature"]);
  CHECK(turns[2]["provenance"]["bot"] == body["state"]["bot"]);

  // The number may come percent-encoded.
  const auto encoded = get("/admin/contacts/%2B" + lead.substr(1), admin_token);
  CHECK(encoded.status == 200);
  CHECK(json::parse(encoded.body)["turns"] == turns);
  CHECK_THAT(c.get(n.url() + "/metrics").body,
             Catch::Contains(R"(route="/admin/contacts/{phone}")"));

  // The same from the command line.
  const auto cli = test::run({OPENHOUSE_BINARY, "conversation", "--config", config_path(), lead},
                             cli_env(db.url()));
  INFO(cli.err);
  CHECK(cli.exit_code == 0);
  CHECK_THAT(cli.out, Catch::StartsWith(lead + ": bot "));
  CHECK_THAT(cli.out, Catch::Contains(sid(3) + "\n  lead says: " + question));
  CHECK_THAT(cli.out, Catch::Contains(" [" + sid(1)));  // the hit's source sid
  CHECK_THAT(cli.out, Catch::Contains("after: FRS "));
  const auto unknown =
      test::run({OPENHOUSE_BINARY, "conversation", "--config", config_path(), "+19095550000"},
                cli_env(db.url()));
  CHECK(unknown.exit_code == 1);
  CHECK(std::count(unknown.err.begin(), unknown.err.end(), '\n') == 1);
  const auto bad = test::run(
      {OPENHOUSE_BINARY, "conversation", "--config", config_path(), "555-0100"}, cli_env(db.url()));
  CHECK(bad.exit_code == 2);
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
  CHECK(test::run({OPENHOUSE_BINARY, "conversation", "--help"}).exit_code == 0);
}

TEST_CASE("replay stores every reply's provenance, and it agrees with the cache's audit",
          "[e2e][provenance][replay]") {
  test::scratch_database db;
  const auto stem = "/tmp/openhouse_provenance_test_" + std::to_string(getpid());
  const auto report = stem + "_report.json";
  const auto audit = stem + "_audit.jsonl";
  const auto r = test::run({OPENHOUSE_BINARY, "replay", "--config", config_path(),
                            std::string{OPENHOUSE_SOURCE_DIR} + "/tests/data/replay-small.jsonl",
                            "--report", report, "--audit", audit},
                           cli_env(db.url()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  // The cache's account of each request: (task, outcome, source sid of a hit), per sid.
  using unit = std::tuple<std::string, std::string, std::string>;
  std::map<std::string, std::vector<unit>> audited;
  std::ifstream in{audit};
  for (std::string line; std::getline(in, line);) {
    const auto j = json::parse(line);
    audited[j["sid"]].emplace_back(j["task"], j["outcome"], j.value("source_sid", ""));
  }
  REQUIRE_FALSE(audited.empty());

  pqxx::connection conn{db.url()};
  pqxx::nontransaction tx{conn};
  const auto rows = tx.exec(
      "SELECT i.provider_sid, o.provenance::text FROM messages o "
      "JOIN messages i ON i.id = o.in_reply_to WHERE o.direction = 'outbound'");
  REQUIRE(rows.size() > 10);
  std::size_t with_hits = 0;
  for (const auto& row : rows) {
    const auto sid_text = row[0].as<std::string>();
    INFO(sid_text);
    REQUIRE_FALSE(row[1].is_null());
    const auto p = json::parse(row[1].as<std::string>());
    std::vector<unit> recorded;
    for (const auto& u : p["units"]) {
      const auto outcome = u["outcome"].get<std::string>();
      const bool hit = outcome == "l1" || outcome == "l2" || outcome == "l3";
      recorded.emplace_back(u["task"], outcome, hit ? u["source_sid"].get<std::string>() : "");
      with_hits += hit ? 1 : 0;
    }
    auto expected = audited[sid_text];
    // The audit names no source for a coalesced wait; the provenance does.
    for (auto& u : recorded) {
      if (std::get<1>(u) == "coalesced") std::get<2>(u).clear();
    }
    for (auto& u : expected) {
      if (std::get<1>(u) == "coalesced") std::get<2>(u).clear();
    }
    std::sort(recorded.begin(), recorded.end());
    std::sort(expected.begin(), expected.end());
    CHECK(recorded == expected);
  }
  CHECK(with_hits > 0);
  std::remove(report.c_str());
  std::remove(audit.c_str());
}
