#include <catch2/catch.hpp>

#include <stdlib.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/deployment.hpp"

namespace cfg = openhouse::config;
namespace fs = std::filesystem;

namespace {

/// A directory of its own for each test, removed afterwards.
class scratch_dir {
 public:
  scratch_dir() {
    std::string templ = (fs::temp_directory_path() / "openhouse-deployment-XXXXXX").string();
    path_ = mkdtemp(templ.data());
  }
  ~scratch_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  /// Writes `text` to `name` under the directory; returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

 private:
  fs::path path_;
};

const std::string node_yaml = R"(markets: markets
server:
  public_url: http://127.0.0.1:8080
twilio:
  auth_token: ${TWILIO_AUTH_TOKEN}
storage:
  database_url: postgresql://localhost/openhouse
  redis_url: redis://127.0.0.1:6379
llm:
  base_url: http://127.0.0.1:9000
  routing: {intent: small, facts: small, reply: small}
  prices:
    small: {input: 1, output: 5}
  budgets:
    contact_daily_tokens: 1000
    contact_daily_usd: 1
    market_daily_tokens: 100000
    market_daily_usd: 50
    downgrade_model: small
cache:
  redis_prefix: shared-prefix
)";

/// A market file; `id`, `number`, `zone` and `location` vary.
std::string market_yaml(const std::string& id, const std::string& number, const std::string& zone,
                        const std::string& location, const std::string& persona) {
  return "market:\n  id: " + id + "\n  name: \"" + id + "\"\n  business_name: \"" + id +
         " Homes\"\n  timezone: " + zone + "\n  phone_number: \"" + number +
         "\"\n  crm_location_id: " + location +
         "\n  cities:\n    - name: Somewhere\n      zips: [\"85001\"]\n"
         "  help_text: \"Reply STOP to opt out.\"\n  fallback_reply: \"Back soon.\"\n"
         "bots:\n  lead:\n    persona: \"" +
         persona +
         "\"\n    questions: [\"Buying or selling?\"]\n"
         "cache:\n  ttl_s: {faq: 600}\n  semantic:\n    thresholds: {faq: 0.8}\n"
         "quiet_hours: {start: \"20:30\", end: \"09:00\"}\n"
         "scoring:\n  frs_weights: {pre_approval: 0.5, budget: 0.5}\n"
         "  pcs_weights: {motivation: 0.6, engagement: 0.4}\n";
}

cfg::env_lookup env() { return cfg::fixed_env({{"TWILIO_AUTH_TOKEN", "tok"}}); }

std::string describe(const cfg::deployment_result& r) {
  if (r) return "ok";
  std::string out;
  for (const auto& e : r.error()) out += cfg::to_string(e) + "\n";
  return out;
}

}  // namespace

TEST_CASE("a node file with a directory of two markets loads both with the node's settings",
          "[config][deployment]") {
  scratch_dir dir;
  const auto node = dir.write("node.yaml", node_yaml);
  dir.write("markets/desert.yaml",
            market_yaml("desert", "+16025550111", "America/Phoenix", "loc-d", "Desert voice."));
  dir.write("markets/coast.yaml",
            market_yaml("coast", "+19095550122", "America/Los_Angeles", "loc-c", "Coast voice."));
  dir.write("markets/README.txt", "not a market file: ignored");
  const auto r = cfg::load_deployment(node, env());
  INFO(describe(r));
  REQUIRE(r.has_value());
  REQUIRE(r->markets.size() == 2);
  // Sorted by file name.
  CHECK(r->markets[0]->market.id == "coast");
  CHECK(r->markets[1]->market.id == "desert");
  for (const auto& m : r->markets) {
    CHECK(m->twilio.auth_token == "tok");
    CHECK(m->cache.redis_prefix == "shared-prefix");
    CHECK(m->cache.ttl.at("faq") == std::chrono::seconds{600});
  }
  CHECK(r->by_number("+16025550111")->bots.lead.persona == "Desert voice.");
  CHECK(r->by_number("+19095550122")->market.timezone == "America/Los_Angeles");
  CHECK(r->by_number("+12125550100") == nullptr);
  CHECK(r->by_location("loc-d")->market.id == "desert");
  CHECK(r->by_location("loc-x") == nullptr);
  CHECK(r->by_location("") == nullptr);
  CHECK(r->by_id("")->market.id == "coast");
  CHECK(r->by_id("desert")->market.phone_number == "+16025550111");
}

TEST_CASE("a node file may list its market files instead", "[config][deployment]") {
  scratch_dir dir;
  const auto node = dir.write("node.yaml", "markets: [m/one.yaml, m/two.yaml]\n" +
                                               node_yaml.substr(node_yaml.find('\n') + 1));
  dir.write("m/two.yaml", market_yaml("two", "+16025550112", "America/Phoenix", "b", "Two."));
  dir.write("m/one.yaml", market_yaml("one", "+16025550113", "America/Phoenix", "a", "One."));
  const auto r = cfg::load_deployment(node, env());
  INFO(describe(r));
  REQUIRE(r.has_value());
  REQUIRE(r->markets.size() == 2);
  CHECK(r->markets[0]->market.id == "one");  // the list's order
}

TEST_CASE("a bad market file is reported with its file, key and line", "[config][deployment]") {
  scratch_dir dir;
  const auto node = dir.write("node.yaml", node_yaml);
  dir.write("markets/good.yaml",
            market_yaml("good", "+16025550114", "America/Phoenix", "g", "Fine."));
  SECTION("an unknown key") {
    const auto bad = dir.write(
        "markets/bad.yaml",
        market_yaml("bad", "+16025550115", "America/Phoenix", "b", "x") + "colour: blue\n");
    const auto r = cfg::load_deployment(node, env());
    REQUIRE_FALSE(r.has_value());
    REQUIRE(r.error().size() == 1);
    CHECK(r.error()[0].file == bad);
    CHECK(r.error()[0].error.key == "colour");
    CHECK(r.error()[0].error.line == 25);
  }
  SECTION("a node section in a market file") {
    const auto bad = dir.write("markets/bad.yaml",
                               market_yaml("bad", "+16025550115", "America/Phoenix", "b", "x") +
                                   "storage:\n  database_url: postgresql://elsewhere/db\n");
    const auto r = cfg::load_deployment(node, env());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error()[0].file == bad);
    CHECK_THAT(r.error()[0].error.message, Catch::Contains("market settings only"));
  }
  SECTION("a market key in the node file") {
    dir.write("node.yaml", node_yaml + "quiet_hours: {start: \"21:00\", end: \"08:00\"}\n");
    const auto r = cfg::load_deployment(node, env());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error()[0].file == node);
    CHECK(r.error()[0].error.key == "quiet_hours");
  }
  SECTION("a market's cache TTL in the node file's cache") {
    dir.write("node.yaml", node_yaml + "  ttl_s: {faq: 60}\n");
    const auto r = cfg::load_deployment(node, env());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error()[0].error.key == "cache.ttl_s");
  }
}

TEST_CASE("two markets with one phone number, id or CRM location are refused naming both files",
          "[config][deployment]") {
  scratch_dir dir;
  const auto node = dir.write("node.yaml", node_yaml);
  const auto first = dir.write("markets/a.yaml",
                               market_yaml("alpha", "+16025550116", "America/Phoenix", "l1", "A"));
  std::string second;
  std::string key;
  SECTION("the number") {
    second = dir.write("markets/b.yaml",
                       market_yaml("beta", "+16025550116", "America/Phoenix", "l2", "B"));
    key = "market.phone_number";
  }
  SECTION("the id") {
    second = dir.write("markets/b.yaml",
                       market_yaml("alpha", "+16025550117", "America/Phoenix", "l2", "B"));
    key = "market.id";
  }
  SECTION("the location") {
    second = dir.write("markets/b.yaml",
                       market_yaml("beta", "+16025550117", "America/Phoenix", "l1", "B"));
    key = "market.crm_location_id";
  }
  const auto r = cfg::load_deployment(node, env());
  REQUIRE_FALSE(r.has_value());
  REQUIRE(r.error().size() == 1);
  CHECK(r.error()[0].file == second);
  CHECK(r.error()[0].error.key == key);
  CHECK(r.error()[0].error.line > 1);
  CHECK_THAT(r.error()[0].error.message, Catch::Contains(first));
}

TEST_CASE(
    "check-config validates a node with its markets, or one market file alone, without secrets",
    "[config][deployment]") {
  scratch_dir dir;
  const auto node = dir.write("node.yaml", node_yaml);
  const auto market = dir.write("markets/a.yaml",
                                market_yaml("alpha", "+16025550118", "America/Phoenix", "l1", "A"));
  std::ostringstream out, err;
  SECTION("an unset secret is reported as unset, and the files are valid") {
    CHECK(cfg::check_config_command(node, out, err, cfg::fixed_env({})) == 0);
    CHECK_THAT(out.str(), Catch::Contains("twilio.auth_token: TWILIO_AUTH_TOKEN is unset"));
    CHECK_THAT(out.str(), Catch::EndsWith("ok\n"));
    CHECK(err.str().empty());
  }
  SECTION("a market file alone") {
    CHECK(cfg::check_config_command(market, out, err, cfg::fixed_env({})) == 0);
    CHECK(out.str() == "ok\n");
  }
  SECTION("an invalid market file fails the node's check") {
    dir.write("markets/b.yaml", market_yaml("beta", "+1602", "America/Phoenix", "l2", "B"));
    CHECK(cfg::check_config_command(node, out, err, env()) == 1);
    CHECK_THAT(err.str(), Catch::Contains("b.yaml:6: market.phone_number:"));
  }
  SECTION("a malformed reference is still invalid") {
    dir.write("node.yaml", node_yaml + "runtime:\n  history_limit: ${BAD NAME}\n");
    CHECK(cfg::check_config_command(node, out, err, cfg::fixed_env({})) == 1);
    CHECK_THAT(err.str(), Catch::Contains("runtime.history_limit"));
  }
}

TEST_CASE("the shipped node serves Inland Empire and Phoenix", "[config][deployment]") {
  const auto r =
      cfg::load_deployment(std::string(OPENHOUSE_SOURCE_DIR) + "/config/node.yaml",
                           cfg::fixed_env({{"OPENHOUSE_DATABASE_URL", "postgresql://x/y"},
                                           {"OPENHOUSE_REDIS_URL", "redis://127.0.0.1:1"},
                                           {"TWILIO_AUTH_TOKEN", "t"}}));
  INFO(describe(r));
  REQUIRE(r.has_value());
  REQUIRE(r->markets.size() == 2);
  const auto& ie = *r->markets[0];
  const auto& phx = *r->markets[1];
  CHECK(ie.market.id == "inland-empire");  // the default market of replay
  CHECK(phx.market.id == "phoenix");
  CHECK(phx.market.timezone == "America/Phoenix");
  CHECK(phx.market.phone_number != ie.market.phone_number);
  CHECK(phx.bots.lead.persona != ie.bots.lead.persona);
  CHECK(phx.faq.size() == ie.faq.size());
  CHECK(phx.storage.database_url == ie.storage.database_url);
}
