#include <catch2/catch.hpp>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "agents/facts.hpp"
#include "config/deployment.hpp"
#include "config/loader.hpp"
#include "tests/support/crm_keys.hpp"

namespace cfg = openhouse::config;

namespace {

const std::string shipped_market = std::string(OPENHOUSE_SOURCE_DIR) + "/config/node.yaml";

/// The variables the shipped YAML requires, as a test machine would set them.
cfg::env_lookup shipped_env() {
  return cfg::fixed_env(
      {{"OPENHOUSE_DATABASE_URL", "postgresql://openhouse@127.0.0.1:5433/openhouse"},
       {"OPENHOUSE_REDIS_URL", "redis://127.0.0.1:6380"},
       {"TWILIO_AUTH_TOKEN", "test-auth-token"}});
}

/// A small valid market; the error cases below each change one line of it.
const std::string base_yaml = R"(market:
  id: test-market
  name: "Test, CA"
  business_name: "Test Realty"
  timezone: America/Los_Angeles
  phone_number: "+19095550100"
  cities:
    - name: Riverside
      zips: ["92501", "92503"]
  help_text: "Test Realty. Reply STOP to opt out."
  fallback_reply: "We'll text you back soon."
server:
  port: ${OPENHOUSE_PORT:-8080}
  public_url: http://127.0.0.1:8080
twilio:
  auth_token: ${TWILIO_AUTH_TOKEN}
storage:
  database_url: postgresql://localhost/openhouse
  redis_url: redis://127.0.0.1:6379
llm:
  base_url: http://127.0.0.1:9000
  routing:
    intent: small
    facts: small
    reply: big
  prices:
    small: {input: 1, output: 5}
    big:
      input: 3
      output: 15
  budgets:
    contact_daily_tokens: 1000
    contact_daily_usd: 1
    market_daily_tokens: 100000
    market_daily_usd: 50
    downgrade_model: small
scoring:
  frs_weights:
    pre_approval: 0.5
    budget: 0.5
  pcs_weights: {motivation: 0.6, engagement: 0.4}
  hot_threshold: 80
  warm_threshold: 40
handoff:
  lead_to_buyer: 0.7
cache:
  ttl_s:
    intent: 300
quiet_hours:
  start: "21:00"
  end: "08:00"
)";

cfg::env_lookup base_env() { return cfg::fixed_env({{"TWILIO_AUTH_TOKEN", "tok"}}); }

/// `text` with the first occurrence of `from` replaced by `to` (must exist).
std::string replaced(const std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  std::string out = text;
  out.replace(at, from.size(), to);
  return out;
}

/// 1-based line of the first line containing `needle` (must exist).
int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

/// The errors of a load, one line each ("" when it loaded).
std::string describe(const cfg::load_result& result) {
  std::string out;
  if (result) return out;
  for (const auto& e : result.error()) out += cfg::to_string(e, "test.yaml") + "\n";
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("the shipped Inland Empire market loads with its documented values", "[config]") {
  const auto result = cfg::load_market_file(shipped_market, shipped_env());
  INFO(describe(result));
  REQUIRE(result.has_value());
  const cfg::market_config& c = *result;

  CHECK(c.market.id == "inland-empire");
  CHECK(c.market.name == "Inland Empire, CA");
  CHECK_FALSE(c.market.business_name.empty());
  CHECK(c.market.timezone == "America/Los_Angeles");
  CHECK(c.market.phone_number == "+19095550100");
  CHECK(c.market.cities.size() >= 12);
  CHECK_THAT(c.market.help_text, Catch::Contains("Reply STOP to opt out"));
  CHECK_FALSE(c.market.fallback_reply.empty());
  bool riverside = false;
  for (const auto& city : c.market.cities) {
    CHECK_FALSE(city.zips.empty());
    if (city.name == "Riverside") {
      riverside = true;
      CHECK(std::find(city.zips.begin(), city.zips.end(), "92501") != city.zips.end());
    }
  }
  CHECK(riverside);

  // Env defaults and required secrets.
  CHECK(c.server.port == 8080);
  CHECK(c.server.public_url == "http://127.0.0.1:8080");
  CHECK(c.server.admin_token.empty());
  CHECK(c.storage.database_url == "postgresql://openhouse@127.0.0.1:5433/openhouse");
  CHECK(c.storage.redis_url == "redis://127.0.0.1:6380");
  CHECK(c.twilio.auth_token == "test-auth-token");
  CHECK(c.twilio.account_sid.empty());
  CHECK(c.twilio.mode == cfg::reply_mode::twiml);
  CHECK(c.crm.secret.empty());
  CHECK(c.llm.base_url == "https://api.anthropic.com");
  CHECK(c.llm.api_key.empty());

  CHECK(c.runtime.conversation_idle_timeout == std::chrono::seconds(900));
  CHECK(c.runtime.history_limit == 10);

  CHECK(c.llm.provider == "anthropic");
  CHECK(c.llm.timeout == std::chrono::milliseconds(20000));
  CHECK(c.llm.routing.at("intent") == "claude-haiku-4-5");
  CHECK(c.llm.routing.at("facts") == "claude-haiku-4-5");
  CHECK(c.llm.routing.at("reply") == "claude-sonnet-4-6");
  CHECK(c.llm.routing.at("escalation") == "claude-opus-4-6");
  const auto& haiku = c.llm.prices.at("claude-haiku-4-5");
  CHECK(haiku.input == Approx(1));
  CHECK(haiku.output == Approx(5));
  CHECK(haiku.cache_write == Approx(1.25));
  CHECK(haiku.cache_read == Approx(0.10));
  const auto& sonnet = c.llm.prices.at("claude-sonnet-4-6");
  CHECK(sonnet.input == Approx(3));
  CHECK(sonnet.output == Approx(15));
  CHECK(sonnet.cache_write == Approx(3.75));
  CHECK(sonnet.cache_read == Approx(0.30));
  const auto& opus = c.llm.prices.at("claude-opus-4-6");
  CHECK(opus.input == Approx(5));
  CHECK(opus.output == Approx(25));
  CHECK(opus.cache_write == Approx(6.25));
  CHECK(opus.cache_read == Approx(0.50));

  CHECK_FALSE(c.bots.lead.persona.empty());
  CHECK_FALSE(c.bots.lead.questions.empty());
  CHECK_FALSE(c.bots.buyer.questions.empty());
  CHECK_FALSE(c.bots.seller.questions.empty());

  CHECK(c.scoring.frs_weights.size() == 4);
  CHECK(c.scoring.frs_weights.count("pre_approval") == 1);
  CHECK(c.scoring.pcs_weights.count("motivation") == 1);
  CHECK(c.scoring.hot_threshold == Approx(80));
  CHECK(c.scoring.warm_threshold == Approx(40));

  CHECK(c.handoff.lead_to_buyer == Approx(0.7));
  CHECK(c.handoff.lead_to_seller == Approx(0.7));
  CHECK(c.handoff.buyer_to_seller == Approx(0.8));
  CHECK(c.handoff.seller_to_buyer == Approx(0.6));
  CHECK(c.handoff.return_window == std::chrono::minutes(30));
  CHECK(c.handoff.max_per_hour == 3);
  CHECK(c.handoff.max_per_day == 10);

  CHECK(c.cache.ttl.at("intent") == std::chrono::seconds(300));
  CHECK(c.cache.ttl.at("facts") == std::chrono::seconds(900));
  CHECK(c.cache.ttl.at("scoring") == std::chrono::seconds(900));
  CHECK(c.cache.ttl.at("market_context") == std::chrono::seconds(3600));
  CHECK(c.cache.ttl.at("faq") == std::chrono::seconds(86400));
  CHECK(c.cache.ttl.at("reply") == std::chrono::seconds(600));

  CHECK(c.reply.max_chars == 320);
  CHECK(c.quiet.start_minute == 21 * 60);
  CHECK(c.quiet.end_minute == 8 * 60);
}

TEST_CASE("the shipped market takes endpoints and secrets from the environment", "[config]") {
  const auto env = cfg::fixed_env({{"OPENHOUSE_PORT", "9191"},
                                   {"OPENHOUSE_PUBLIC_URL", "https://sms.example.com"},
                                   {"OPENHOUSE_DATABASE_URL", "postgresql://db/x"},
                                   {"OPENHOUSE_REDIS_URL", "redis://cache:6379"},
                                   {"OPENHOUSE_LLM_BASE_URL", "http://127.0.0.1:9100"},
                                   {"ANTHROPIC_API_KEY", "sk-test"},
                                   {"TWILIO_ACCOUNT_SID", "AC123"},
                                   {"TWILIO_AUTH_TOKEN", "secret"},
                                   {"OPENHOUSE_CRM_SECRET", "crm"},
                                   {"OPENHOUSE_ADMIN_TOKEN", "admin"}});
  const auto result = cfg::load_market_file(shipped_market, env);
  INFO(describe(result));
  REQUIRE(result.has_value());
  const auto& c = *result;
  CHECK(c.server.port == 9191);
  CHECK(c.server.public_url == "https://sms.example.com");
  CHECK(c.llm.base_url == "http://127.0.0.1:9100");
  CHECK(c.llm.api_key == "sk-test");
  CHECK(c.twilio.account_sid == "AC123");
  CHECK(c.crm.secret == "crm");
  CHECK(c.server.admin_token == "admin");
}

TEST_CASE("the shipped market without its required variables names each one", "[config]") {
  const std::string text = read_file(shipped_market);
  const auto result = cfg::load_node_string(text, cfg::fixed_env({}));
  REQUIRE_FALSE(result.has_value());
  REQUIRE(result.error().size() == 3);
  CHECK(result.error()[0].key == "twilio.auth_token");
  CHECK(result.error()[0].line == line_of(text, "auth_token: ${TWILIO_AUTH_TOKEN}"));
  CHECK_THAT(result.error()[0].message, Catch::Contains("TWILIO_AUTH_TOKEN"));
  CHECK(result.error()[1].key == "storage.database_url");
  CHECK_THAT(result.error()[1].message, Catch::Contains("OPENHOUSE_DATABASE_URL"));
  CHECK(result.error()[2].key == "storage.redis_url");
  CHECK_THAT(result.error()[2].message, Catch::Contains("OPENHOUSE_REDIS_URL"));
}

TEST_CASE("the base test document is valid and fills defaults", "[config]") {
  const auto result = cfg::load_market_string(base_yaml, base_env());
  INFO(describe(result));
  REQUIRE(result.has_value());
  const auto& c = *result;
  CHECK(c.server.port == 8080);
  CHECK(c.server.bind_address == "127.0.0.1");
  CHECK(c.server.io_threads == 2);
  CHECK(c.llm.provider == "anthropic");
  CHECK(c.llm.prices.at("small").cache_read == Approx(0));
  CHECK(c.handoff.lead_to_seller == Approx(0.7));
  CHECK(c.handoff.margin == Approx(0.15));
  CHECK(c.reply.max_chars == 320);
}

TEST_CASE("${VAR:-default} applies before type conversion", "[config]") {
  SECTION("unset: the default") {
    const auto r = cfg::load_market_string(base_yaml, base_env());
    REQUIRE(r.has_value());
    CHECK(r->server.port == 8080);
  }
  SECTION("set: the value, converted to a number") {
    const auto r = cfg::load_market_string(
        base_yaml, cfg::fixed_env({{"TWILIO_AUTH_TOKEN", "tok"}, {"OPENHOUSE_PORT", "9090"}}));
    REQUIRE(r.has_value());
    CHECK(r->server.port == 9090);
  }
  SECTION("set but empty: the default") {
    const auto r = cfg::load_market_string(
        base_yaml, cfg::fixed_env({{"TWILIO_AUTH_TOKEN", "tok"}, {"OPENHOUSE_PORT", ""}}));
    REQUIRE(r.has_value());
    CHECK(r->server.port == 8080);
  }
  SECTION("set to a non-number: a type error on the key") {
    const auto r = cfg::load_market_string(
        base_yaml, cfg::fixed_env({{"TWILIO_AUTH_TOKEN", "tok"}, {"OPENHOUSE_PORT", "http"}}));
    REQUIRE(r.error().size() == 1);
    CHECK(r.error()[0].key == "server.port");
    CHECK(r.error()[0].line == line_of(base_yaml, "port:"));
    CHECK_THAT(r.error()[0].message, Catch::Contains("expected an integer"));
  }
}

namespace {

/// One broken variant of base_yaml and the single error it must produce.
struct error_case {
  const char* name;
  std::string from;          ///< text replaced in base_yaml
  std::string to;            ///< its replacement
  std::string key;           ///< expected dotted key
  std::string line_needle;   ///< the expected line is the first one containing this
  std::string message_part;  ///< expected substring of the message
};

}  // namespace

TEST_CASE("each kind of mistake yields one error naming the key and line", "[config]") {
  const std::vector<error_case> cases = {
      {"unknown nested key", "  public_url: http", "  publik_url: x\n  public_url: http",
       "server.publik_url", "publik_url:", "unknown key"},
      {"unknown key in a flow mapping", "small: {input: 1, output: 5}",
       "small: {input: 1, output: 5, extra: 2}", "llm.prices.small.extra", "small: {",
       "unknown key"},
      {"unknown top-level section", "handoff:\n", "handof:\n  x: 1\nhandoff:\n", "handof",
       "handof:", "unknown key"},
      {"wrong type: scalar for list",
       "  cities:\n    - name: Riverside\n      zips: [\"92501\", \"92503\"]",
       "  cities: Riverside", "market.cities", "cities: Riverside", "expected a list"},
      {"wrong type: list for mapping", "  frs_weights:\n    pre_approval: 0.5\n    budget: 0.5",
       "  frs_weights: [0.5, 0.5]", "scoring.frs_weights", "frs_weights:", "expected a mapping"},
      {"wrong type: word for weight", "budget: 0.5", "budget: half", "scoring.frs_weights.budget",
       "budget: half", "expected a number"},
      {"missing required value", "  phone_number: \"+19095550100\"\n", "", "market.phone_number",
       "market:", "missing required key"},
      {"missing required section",
       "storage:\n  database_url: postgresql://localhost/openhouse\n  redis_url: "
       "redis://127.0.0.1:6379\n",
       "", "storage", "market:", "missing required key"},
      {"empty required value", "  name: \"Test, CA\"", "  name: \"\"", "market.name", "name: \"\"",
       "must not be empty"},
      {"no cities", "  cities:\n    - name: Riverside\n      zips: [\"92501\", \"92503\"]",
       "  cities: []", "market.cities", "cities: []", "at least one city"},
      {"bad zip in a list item", "\"92503\"", "\"9250\"", "market.cities[0].zips[1]",
       "zips:", "5-digit"},
      {"port out of range", "port: ${OPENHOUSE_PORT:-8080}", "port: 70000", "server.port",
       "port: 70000", "between 0 and 65535"},
      {"weight above 1", "pre_approval: 0.5", "pre_approval: 1.5",
       "scoring.frs_weights.pre_approval", "pre_approval: 1.5", "between 0 and 1"},
      {"weight below 0 in a flow mapping", "engagement: 0.4", "engagement: -0.4",
       "scoring.pcs_weights.engagement", "pcs_weights:", "between 0 and 1"},
      {"weights not summing to 1", "budget: 0.5", "budget: 0.4", "scoring.frs_weights",
       "frs_weights:", "sum to 1"},
      {"warm not below hot", "warm_threshold: 40", "warm_threshold: 85", "scoring.warm_threshold",
       "warm_threshold:", "below hot_threshold"},
      {"hot above 100", "hot_threshold: 80", "hot_threshold: 101", "scoring.hot_threshold",
       "hot_threshold:", "at most 100"},
      {"handoff threshold out of [0,1]", "lead_to_buyer: 0.7", "lead_to_buyer: 1.2",
       "handoff.lead_to_buyer", "lead_to_buyer:", "between 0 and 1"},
      {"zero TTL", "intent: 300", "intent: 0", "cache.ttl_s.intent", "intent: 0", "between 1 and"},
      {"unset required variable", "auth_token: ${TWILIO_AUTH_TOKEN}",
       "auth_token: ${TWILIO_TOKEN_TYPO}", "twilio.auth_token",
       "auth_token:", "TWILIO_TOKEN_TYPO is not set"},
      {"routing model without price", "reply: big", "reply: huge", "llm.routing.reply",
       "reply: huge", "no price in llm.prices"},
      {"routing without a required task", "    facts: small\n", "", "llm.routing.facts",
       "routing:", "missing required key"},
      {"bad timezone", "America/Los_Angeles", "Mars/Olympus_Mons", "market.timezone",
       "timezone:", "unknown time zone"},
      {"timezone escaping zoneinfo", "America/Los_Angeles", "../../etc/passwd", "market.timezone",
       "timezone:", "unknown time zone"},
      {"phone not E.164", "\"+19095550100\"", "\"(909) 555-0100\"", "market.phone_number",
       "phone_number:", "E.164"},
      {"public_url with trailing slash", "public_url: http://127.0.0.1:8080",
       "public_url: http://127.0.0.1:8080/", "server.public_url", "public_url:", "slash"},
      {"public_url without scheme", "public_url: http://127.0.0.1:8080",
       "public_url: 127.0.0.1:8080", "server.public_url", "public_url:", "http://"},
      {"twilio mode", "  auth_token: ${TWILIO_AUTH_TOKEN}\n",
       "  auth_token: ${TWILIO_AUTH_TOKEN}\n  mode: sms\n", "twilio.mode", "mode: sms",
       "twiml|rest"},
      {"rest mode needs an account SID", "  auth_token: ${TWILIO_AUTH_TOKEN}\n",
       "  auth_token: ${TWILIO_AUTH_TOKEN}\n  mode: rest\n", "twilio.account_sid",
       "twilio:", "mode is rest"},
      {"llm provider", "  base_url: http://127.0.0.1:9000",
       "  provider: gemini\n  base_url: http://127.0.0.1:9000", "llm.provider", "provider: gemini",
       "anthropic|openai"},
      {"quiet hours format", "start: \"21:00\"", "start: \"9pm\"", "quiet_hours.start",
       "start:", "HH:MM"},
      {"quiet hours out of range", "end: \"08:00\"", "end: \"24:30\"", "quiet_hours.end",
       "end:", "HH:MM"},
      {"io_threads out of range", "  port: ${OPENHOUSE_PORT:-8080}\n", "  io_threads: 65\n",
       "server.io_threads", "io_threads:", "between 1 and 64"},
      {"max_body_bytes too small", "  port: ${OPENHOUSE_PORT:-8080}\n", "  max_body_bytes: 512\n",
       "server.max_body_bytes", "max_body_bytes:", "between 1024"},
      {"duplicate key", "  business_name: \"Test Realty\"\n",
       "  business_name: \"Test Realty\"\n  business_name: \"Other\"\n", "market.business_name",
       "business_name: \"Other\"", "duplicate key"},
      {"float for an integer", "intent: 300", "intent: 300.5", "cache.ttl_s.intent",
       "intent: 300.5", "expected an integer"},
  };

  for (const auto& c : cases) {
    SECTION(c.name) {
      const std::string text = replaced(base_yaml, c.from, c.to);
      const auto result = cfg::load_market_string(text, base_env());
      INFO(describe(result));
      CHECK_FALSE(result.has_value());
      REQUIRE(result.error().size() == 1);
      CHECK(result.error()[0].key == c.key);
      CHECK(result.error()[0].line == line_of(text, c.line_needle));
      CHECK_THAT(result.error()[0].message, Catch::Contains(c.message_part));
    }
  }
}

TEST_CASE("a string where a number belongs is a type error", "[config]") {
  const std::string text = replaced(base_yaml, "port: ${OPENHOUSE_PORT:-8080}", "port: eighty");
  const auto result = cfg::load_market_string(text, base_env());
  REQUIRE(result.error().size() == 1);
  CHECK(result.error()[0].key == "server.port");
  CHECK(result.error()[0].line == 13);
  CHECK(result.error()[0].message == "expected an integer, got \"eighty\"");
}

TEST_CASE("a YAML syntax error reports its line", "[config]") {
  const std::string text =
      replaced(base_yaml, "  business_name: \"Test Realty\"", "  business_name: Test: Realty");
  const auto result = cfg::load_market_string(text, base_env());
  REQUIRE(result.error().size() == 1);
  CHECK(result.error()[0].key.empty());
  CHECK(result.error()[0].line == 4);
  CHECK_THAT(result.error()[0].message, Catch::Contains("YAML syntax error"));
}

TEST_CASE("all errors are collected, in line order", "[config]") {
  std::string text = base_yaml;
  text = replaced(text, "America/Los_Angeles", "Nowhere/Land");
  text = replaced(text, "port: ${OPENHOUSE_PORT:-8080}", "port: 70000");
  text = replaced(text, "reply: big", "reply: huge");
  text = replaced(text, "budget: 0.5", "budget: 0.1");
  text += "surprise: true\n";
  const auto result = cfg::load_market_string(text, cfg::fixed_env({}));
  INFO(describe(result));
  REQUIRE(result.error().size() == 6);
  CHECK(result.error()[0].key == "market.timezone");
  CHECK(result.error()[1].key == "server.port");
  CHECK(result.error()[2].key == "twilio.auth_token");
  CHECK(result.error()[3].key == "llm.routing.reply");
  CHECK(result.error()[4].key == "scoring.frs_weights");
  CHECK(result.error()[5].key == "surprise");
  for (std::size_t i = 1; i < result.error().size(); ++i) {
    CHECK(result.error()[i - 1].line <= result.error()[i].line);
  }
}

TEST_CASE("degenerate documents", "[config]") {
  SECTION("empty") {
    const auto r = cfg::load_market_string("", base_env());
    REQUIRE(r.error().size() == 1);
    CHECK_THAT(r.error()[0].message, Catch::Contains("empty"));
  }
  SECTION("a list at the top level") {
    const auto r = cfg::load_market_string("- a\n- b\n", base_env());
    REQUIRE(r.error().size() == 1);
    CHECK(r.error()[0].line == 1);
  }
  SECTION("an empty mapping names every required section") {
    const auto r = cfg::load_market_string("{}", base_env());
    std::vector<std::string> keys;
    for (const auto& e : r.error()) keys.push_back(e.key);
    CHECK(keys ==
          std::vector<std::string>{"market", "server", "twilio", "storage", "llm", "scoring"});
  }
}

TEST_CASE("an empty section means defaults, but still needs its required keys", "[config]") {
  const std::string with_empty_cache =
      replaced(base_yaml, "cache:\n  ttl_s:\n    intent: 300\n", "cache:\n");
  CHECK(cfg::load_market_string(with_empty_cache, base_env()).has_value());

  const std::string text = replaced(
      base_yaml, "server:\n  port: ${OPENHOUSE_PORT:-8080}\n  public_url: http://127.0.0.1:8080\n",
      "server:\n");
  const auto r = cfg::load_market_string(text, base_env());
  REQUIRE(r.error().size() == 1);
  CHECK(r.error()[0].key == "server.public_url");
  CHECK(r.error()[0].line == line_of(text, "server:"));
}

TEST_CASE("to_string renders FILE:LINE: KEY: MESSAGE", "[config]") {
  CHECK(cfg::to_string({"llm.prices.x.input", 12, "expected a number"}, "m.yaml") ==
        "m.yaml:12: llm.prices.x.input: expected a number");
  CHECK(cfg::to_string({"", 3, "YAML syntax error: illegal map value"}, "m.yaml") ==
        "m.yaml:3: YAML syntax error: illegal map value");
}

TEST_CASE("check_config_command prints ok or one line per error", "[config]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("openhouse-config-test-" + std::to_string(static_cast<long>(::getpid())));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "market.yaml").string();

  SECTION("valid") {
    std::ofstream(path) << base_yaml;
    std::ostringstream out, err;
    CHECK(cfg::check_config_command(path, out, err, base_env()) == 0);
    CHECK(out.str() == "ok\n");
    CHECK(err.str().empty());
  }
  SECTION("invalid") {
    const std::string text = replaced(base_yaml, "reply: big", "reply: huge") + "bogus: 1\n";
    std::ofstream(path) << text;
    std::ostringstream out, err;
    CHECK(cfg::check_config_command(path, out, err, base_env()) == 1);
    CHECK(out.str().empty());
    CHECK(err.str() ==
          path + ":25: llm.routing.reply: model \"huge\" has no price in llm.prices\n" + path +
              ":" + std::to_string(line_of(text, "bogus: 1")) + ": bogus: unknown key\n");
  }
  SECTION("unreadable") {
    std::ostringstream out, err;
    CHECK(cfg::check_config_command((dir / "missing.yaml").string(), out, err, base_env()) == 1);
    CHECK_THAT(err.str(), Catch::Contains("missing.yaml:0: cannot read file"));
  }
  std::filesystem::remove_all(dir);
}

// --- the LLM gateway's keys: retry, breaker, budgets, long inputs, prefixes ---

TEST_CASE("the shipped market's gateway settings", "[config][gateway]") {
  const auto result = cfg::load_market_file(shipped_market, shipped_env());
  INFO(describe(result));
  REQUIRE(result.has_value());
  const auto& llm = result->llm;

  CHECK(llm.retry.max_attempts == 4);
  CHECK(llm.retry.base_delay == std::chrono::milliseconds(250));
  CHECK(llm.retry.max_delay == std::chrono::milliseconds(8000));
  CHECK(llm.retry.deadline == std::chrono::milliseconds(20000));
  CHECK(llm.retry.jitter == Approx(0.5));

  CHECK(llm.breaker.failure_threshold == 5);
  CHECK(llm.breaker.open == std::chrono::milliseconds(30000));

  CHECK(llm.budgets.contact_daily_tokens == 200000);
  CHECK(llm.budgets.contact_daily_usd == Approx(2.0));
  CHECK(llm.budgets.market_daily_tokens == 20000000);
  CHECK(llm.budgets.market_daily_usd == Approx(200.0));
  CHECK(llm.budgets.action == cfg::over_cap_action::downgrade);
  CHECK(llm.budgets.downgrade_model == "claude-haiku-4-5");
  CHECK(llm.budgets.hard_cap_ratio == Approx(1.5));
  CHECK(llm.prices.contains(llm.budgets.downgrade_model));

  CHECK(llm.long_input_tokens == 6000);
  CHECK(llm.long_input_model == "claude-sonnet-4-6");

  // Anthropic's published minimum cacheable prefixes for these models.
  CHECK(llm.prices.at("claude-haiku-4-5").min_cacheable_tokens == 4096);
  CHECK(llm.prices.at("claude-sonnet-4-6").min_cacheable_tokens == 2048);
  CHECK(llm.prices.at("claude-opus-4-6").min_cacheable_tokens == 4096);
}

TEST_CASE("gateway keys left out take their documented defaults", "[config][gateway]") {
  const auto result = cfg::load_market_string(base_yaml, base_env());
  INFO(describe(result));
  REQUIRE(result.has_value());
  const auto& llm = result->llm;
  const cfg::retry_settings retry_defaults;
  CHECK(llm.retry.max_attempts == retry_defaults.max_attempts);
  CHECK(llm.retry.base_delay == std::chrono::milliseconds(250));
  CHECK(llm.retry.max_delay == std::chrono::milliseconds(8000));
  CHECK(llm.retry.deadline == std::chrono::milliseconds(20000));
  CHECK(llm.breaker.failure_threshold == 5);
  CHECK(llm.breaker.open == std::chrono::milliseconds(30000));
  CHECK(llm.budgets.contact_daily_tokens == 1000);
  CHECK(llm.budgets.contact_daily_usd == Approx(1));
  CHECK(llm.budgets.market_daily_tokens == 100000);
  CHECK(llm.budgets.market_daily_usd == Approx(50));
  CHECK(llm.budgets.action == cfg::over_cap_action::downgrade);
  CHECK(llm.budgets.downgrade_model == "small");
  CHECK(llm.budgets.hard_cap_ratio == Approx(1.5));
  CHECK(llm.long_input_tokens == 0);
  CHECK(llm.long_input_model.empty());
  CHECK(llm.prices.at("small").min_cacheable_tokens == 1024);
  CHECK(llm.prices.at("big").min_cacheable_tokens == 1024);
}

TEST_CASE("min_cacheable_tokens defaults by model class and can be set", "[config][gateway]") {
  std::string text =
      replaced(base_yaml, "    small: {input: 1, output: 5}\n",
               "    small: {input: 1, output: 5}\n    claude-haiku-4-5: {input: 1, output: 5}\n"
               "    claude-opus-4-6: {input: 5, output: 25, min_cacheable_tokens: 4096}\n");
  const auto result = cfg::load_market_string(text, base_env());
  INFO(describe(result));
  REQUIRE(result.has_value());
  CHECK(result->llm.prices.at("claude-haiku-4-5").min_cacheable_tokens == 2048);
  CHECK(result->llm.prices.at("claude-opus-4-6").min_cacheable_tokens == 4096);
  CHECK(cfg::default_min_cacheable_tokens("claude-3-5-haiku-latest") == 2048);
  CHECK(cfg::default_min_cacheable_tokens("claude-sonnet-4-6") == 1024);
}

TEST_CASE("gateway keys are read when given", "[config][gateway]") {
  std::string text = replaced(base_yaml, "  budgets:\n",
                              "  long_input_tokens: 3000\n"
                              "  long_input_model: big\n"
                              "  retry:\n"
                              "    max_attempts: 6\n"
                              "    base_delay_ms: 100\n"
                              "    max_delay_ms: 2000\n"
                              "    deadline_ms: 15000\n"
                              "    jitter: 1\n"
                              "  breaker: {failure_threshold: 3, open_ms: 5000}\n"
                              "  budgets:\n"
                              "    over_cap_action: fallback\n"
                              "    hard_cap_ratio: 2\n");
  const auto result = cfg::load_market_string(text, base_env());
  INFO(describe(result));
  REQUIRE(result.has_value());
  const auto& llm = result->llm;
  CHECK(llm.retry.max_attempts == 6);
  CHECK(llm.retry.base_delay == std::chrono::milliseconds(100));
  CHECK(llm.retry.max_delay == std::chrono::milliseconds(2000));
  CHECK(llm.retry.deadline == std::chrono::milliseconds(15000));
  CHECK(llm.retry.jitter == Approx(1));
  CHECK(llm.breaker.failure_threshold == 3);
  CHECK(llm.breaker.open == std::chrono::milliseconds(5000));
  CHECK(llm.budgets.action == cfg::over_cap_action::fallback);
  CHECK(llm.budgets.hard_cap_ratio == Approx(2));
  CHECK(llm.long_input_tokens == 3000);
  CHECK(llm.long_input_model == "big");
}

TEST_CASE("over_cap_action fallback needs no downgrade model", "[config][gateway]") {
  const std::string text =
      replaced(base_yaml, "    downgrade_model: small\n", "    over_cap_action: fallback\n");
  const auto result = cfg::load_market_string(text, base_env());
  INFO(describe(result));
  REQUIRE(result.has_value());
  CHECK(result->llm.budgets.action == cfg::over_cap_action::fallback);
}

TEST_CASE("each mistake in the gateway keys yields one error naming the key and line",
          "[config][gateway]") {
  const std::vector<error_case> cases = {
      {"missing budgets section",
       "  budgets:\n    contact_daily_tokens: 1000\n    contact_daily_usd: 1\n    "
       "market_daily_tokens: 100000\n"
       "    market_daily_usd: 50\n    downgrade_model: small\n",
       "", "llm.budgets", "llm:", "missing required key"},
      {"missing token cap", "    contact_daily_tokens: 1000\n", "",
       "llm.budgets.contact_daily_tokens", "budgets:", "missing required key"},
      {"missing dollar cap", "    market_daily_usd: 50\n", "", "llm.budgets.market_daily_usd",
       "budgets:", "missing required key"},
      {"zero token cap means no cap: rejected", "contact_daily_tokens: 1000",
       "contact_daily_tokens: 0", "llm.budgets.contact_daily_tokens", "contact_daily_tokens: 0",
       "between 1 and"},
      {"zero dollar cap", "contact_daily_usd: 1", "contact_daily_usd: 0",
       "llm.budgets.contact_daily_usd", "contact_daily_usd: 0", "above 0"},
      {"negative dollar cap", "market_daily_usd: 50", "market_daily_usd: -5",
       "llm.budgets.market_daily_usd", "market_daily_usd: -5", "above 0"},
      {"word for a dollar cap", "market_daily_usd: 50", "market_daily_usd: lots",
       "llm.budgets.market_daily_usd", "market_daily_usd: lots", "expected a number"},
      {"over_cap_action", "    downgrade_model: small\n",
       "    downgrade_model: small\n    over_cap_action: block\n", "llm.budgets.over_cap_action",
       "over_cap_action: block", "downgrade|fallback"},
      {"downgrade without a model", "    downgrade_model: small\n", "",
       "llm.budgets.downgrade_model", "budgets:", "missing required key"},
      {"downgrade model without price", "downgrade_model: small", "downgrade_model: tiny",
       "llm.budgets.downgrade_model", "downgrade_model: tiny", "no price in llm.prices"},
      {"hard cap ratio below 1", "    downgrade_model: small\n",
       "    downgrade_model: small\n    hard_cap_ratio: 0.5\n", "llm.budgets.hard_cap_ratio",
       "hard_cap_ratio:", "between 1 and 10"},
      {"unknown budget key", "    downgrade_model: small\n",
       "    downgrade_model: small\n    monthly_usd: 9\n", "llm.budgets.monthly_usd",
       "monthly_usd:", "unknown key"},
      {"retry attempts zero", "  budgets:\n", "  retry:\n    max_attempts: 0\n  budgets:\n",
       "llm.retry.max_attempts", "max_attempts:", "between 1 and 20"},
      {"retry jitter above 1", "  budgets:\n", "  retry:\n    jitter: 1.5\n  budgets:\n",
       "llm.retry.jitter", "jitter:", "between 0 and 1"},
      {"retry cap below base delay", "  budgets:\n",
       "  retry:\n    base_delay_ms: 500\n    max_delay_ms: 100\n  budgets:\n",
       "llm.retry.max_delay_ms", "max_delay_ms:", "at least base_delay_ms"},
      {"retry deadline a word", "  budgets:\n", "  retry:\n    deadline_ms: soon\n  budgets:\n",
       "llm.retry.deadline_ms", "deadline_ms:", "expected an integer"},
      {"unknown retry key", "  budgets:\n", "  retry:\n    attempts: 3\n  budgets:\n",
       "llm.retry.attempts", "attempts: 3", "unknown key"},
      {"retry not a mapping", "  budgets:\n", "  retry: 3\n  budgets:\n", "llm.retry", "retry: 3",
       "expected a mapping"},
      {"breaker threshold zero", "  budgets:\n",
       "  breaker:\n    failure_threshold: 0\n  budgets:\n", "llm.breaker.failure_threshold",
       "failure_threshold:", "between 1 and 1000"},
      {"breaker open_ms float", "  budgets:\n", "  breaker:\n    open_ms: 1.5\n  budgets:\n",
       "llm.breaker.open_ms", "open_ms:", "expected an integer"},
      {"unknown breaker key", "  budgets:\n", "  breaker:\n    window: 10\n  budgets:\n",
       "llm.breaker.window", "window:", "unknown key"},
      {"long input model without price", "  budgets:\n",
       "  long_input_tokens: 4000\n  long_input_model: huge\n  budgets:\n", "llm.long_input_model",
       "long_input_model:", "no price in llm.prices"},
      {"long input tokens without a model", "  budgets:\n",
       "  long_input_tokens: 4000\n  budgets:\n", "llm.long_input_tokens",
       "long_input_tokens:", "needs llm.long_input_model"},
      {"long input model without a threshold", "  budgets:\n",
       "  long_input_model: big\n  budgets:\n", "llm.long_input_model",
       "long_input_model:", "needs llm.long_input_tokens"},
      {"long input threshold zero", "  budgets:\n",
       "  long_input_tokens: 0\n  long_input_model: big\n  budgets:\n", "llm.long_input_tokens",
       "long_input_tokens:", "between 1 and"},
      {"min_cacheable_tokens zero", "small: {input: 1, output: 5}",
       "small: {input: 1, output: 5, min_cacheable_tokens: 0}",
       "llm.prices.small.min_cacheable_tokens", "small: {", "between 1 and"},
  };

  for (const auto& c : cases) {
    SECTION(c.name) {
      const std::string text = replaced(base_yaml, c.from, c.to);
      const auto result = cfg::load_market_string(text, base_env());
      INFO(describe(result));
      CHECK_FALSE(result.has_value());
      REQUIRE(result.error().size() == 1);
      CHECK(result.error()[0].key == c.key);
      CHECK(result.error()[0].line == line_of(text, c.line_needle));
      CHECK_THAT(result.error()[0].message, Catch::Contains(c.message_part));
    }
  }
}

TEST_CASE("the crm section: secrets, public key, replay window and release tag", "[config][crm]") {
  SECTION("defaults") {
    const auto r = cfg::load_market_string(base_yaml, base_env());
    REQUIRE(r.has_value());
    CHECK(r->crm.secret.empty());
    CHECK(r->crm.public_key.empty());
    CHECK(r->crm.replay_window == std::chrono::seconds(300));
    CHECK(r->crm.release_tag == "Release-To-Bots");
  }
  SECTION("the shipped market") {
    const auto r = cfg::load_market_file(shipped_market, shipped_env());
    REQUIRE(r.has_value());
    CHECK(r->crm.public_key.empty());  // OPENHOUSE_CRM_PUBLIC_KEY unset
    CHECK(r->crm.replay_window == std::chrono::seconds(300));
    CHECK(r->crm.release_tag == "Release-To-Bots");
  }
  SECTION("a public key from a file") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("openhouse-crm-key-" + std::to_string(::getpid()) + ".pem");
    {
      std::ofstream out{path};
      out << openhouse::test::crm_keys::public_pem;
    }
    const auto r =
        cfg::load_market_string(base_yaml + "crm:\n  secret: s\n  public_key: " + path.string() +
                                    "\n  replay_window_s: 60\n  release_tag: bots-back\n",
                                base_env());
    std::filesystem::remove(path);
    INFO(describe(r));
    REQUIRE(r.has_value());
    CHECK(r->crm.public_key == openhouse::test::crm_keys::public_pem);
    CHECK(r->crm.replay_window == std::chrono::seconds(60));
    CHECK(r->crm.release_tag == "bots-back");
  }
  SECTION("a public key as PEM text, through the environment") {
    const auto r =
        cfg::load_market_string(base_yaml + "crm:\n  public_key: ${KEY}\n",
                                cfg::fixed_env({{"TWILIO_AUTH_TOKEN", "tok"},
                                                {"KEY", openhouse::test::crm_keys::public_pem}}));
    INFO(describe(r));
    REQUIRE(r.has_value());
    CHECK(r->crm.public_key == openhouse::test::crm_keys::public_pem);
  }
  struct bad {
    const char* name;
    std::string lines;
    std::string key;
    std::string message_part;
  };
  const std::vector<bad> cases{
      {"window zero", "  replay_window_s: 0\n", "crm.replay_window_s", "between 1"},
      {"window a word", "  replay_window_s: soon\n", "crm.replay_window_s", "expected an integer"},
      {"missing key file", "  public_key: /nonexistent/key.pem\n", "crm.public_key", "cannot read"},
      {"not a key",
       "  public_key: \"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\"\n",
       "crm.public_key", "not a PEM public key"},
      {"empty release tag", "  release_tag: \"\"\n", "crm.release_tag", "must not be empty"},
      {"unknown key", "  replay_window: 60\n", "crm.replay_window", "unknown key"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      const std::string text = base_yaml + "crm:\n" + c.lines;
      const auto r = cfg::load_market_string(text, base_env());
      INFO(describe(r));
      REQUIRE(r.error().size() == 1);
      CHECK(r.error()[0].key == c.key);
      CHECK(r.error()[0].line == line_of(text, c.lines.substr(2, c.lines.find(':') - 2) + ":"));
      CHECK_THAT(r.error()[0].message, Catch::Contains(c.message_part));
    }
  }
}

TEST_CASE("twilio REST mode and CRM API and the outbox section", "[config][outbox]") {
  SECTION("defaults: TwiML, no CRM calls, documented outbox values") {
    const auto r = cfg::load_market_string(base_yaml, base_env());
    REQUIRE(r.has_value());
    CHECK(r->twilio.mode == cfg::reply_mode::twiml);
    CHECK(r->twilio.api_base_url == "https://api.twilio.com");
    CHECK(r->twilio.status_callback.empty());
    CHECK(r->twilio.url_fragment.empty());
    CHECK(r->crm.base_url.empty());
    CHECK(r->crm.api_token.empty());
    CHECK(r->outbox.poll == std::chrono::milliseconds(1000));
    CHECK(r->outbox.max_attempts == 8);
    CHECK(r->outbox.base_delay == std::chrono::milliseconds(1000));
    CHECK(r->outbox.max_delay == std::chrono::milliseconds(300000));
  }
  SECTION("the shipped market reads mode, endpoints and tokens from the environment") {
    const auto r = cfg::load_market_file(
        shipped_market, cfg::fixed_env({{"TWILIO_AUTH_TOKEN", "tok"},
                                        {"TWILIO_ACCOUNT_SID", "AC1"},
                                        {"OPENHOUSE_DATABASE_URL", "postgresql://localhost/x"},
                                        {"OPENHOUSE_REDIS_URL", "redis://127.0.0.1:6379"},
                                        {"OPENHOUSE_TWILIO_MODE", "rest"},
                                        {"OPENHOUSE_TWILIO_API_URL", "http://127.0.0.1:9300"},
                                        {"OPENHOUSE_TWILIO_STATUS_CALLBACK",
                                         "https://x.test/webhooks/twilio/status"},
                                        {"OPENHOUSE_CRM_API_URL", "http://127.0.0.1:9301"},
                                        {"OPENHOUSE_CRM_API_TOKEN", "crm-token"},
                                        {"OPENHOUSE_OUTBOX_POLL_MS", "50"},
                                        {"OPENHOUSE_TWILIO_URL_FRAGMENT", "#rc=2&rp=all"}}));
    INFO(describe(r));
    REQUIRE(r.has_value());
    CHECK(r->twilio.mode == cfg::reply_mode::rest);
    CHECK(r->twilio.api_base_url == "http://127.0.0.1:9300");
    CHECK(r->twilio.status_callback == "https://x.test/webhooks/twilio/status");
    CHECK(r->twilio.url_fragment == "#rc=2&rp=all");
    CHECK(r->crm.base_url == "http://127.0.0.1:9301");
    CHECK(r->crm.api_token == "crm-token");
    CHECK(r->outbox.poll == std::chrono::milliseconds(50));
  }
  SECTION("the shipped market defaults to TwiML and no CRM calls") {
    const auto r = cfg::load_market_file(shipped_market, shipped_env());
    REQUIRE(r.has_value());
    CHECK(r->twilio.mode == cfg::reply_mode::twiml);
    CHECK(r->twilio.api_base_url == "https://api.twilio.com");
    CHECK(r->crm.base_url.empty());
  }
  SECTION("all outbox keys") {
    const auto r = cfg::load_market_string(
        base_yaml +
            "outbox:\n  poll_ms: 20\n  max_attempts: 3\n  base_delay_ms: 5\n"
            "  max_delay_ms: 40\n  timeout_ms: 2000\n",
        base_env());
    INFO(describe(r));
    REQUIRE(r.has_value());
    CHECK(r->outbox.poll == std::chrono::milliseconds(20));
    CHECK(r->outbox.max_attempts == 3);
    CHECK(r->outbox.base_delay == std::chrono::milliseconds(5));
    CHECK(r->outbox.max_delay == std::chrono::milliseconds(40));
    CHECK(r->outbox.timeout == std::chrono::milliseconds(2000));
  }
  struct bad {
    const char* name;
    std::string text;
    std::string key;
    std::string message_part;
  };
  const std::vector<bad> cases{
      {"poll zero", base_yaml + "outbox:\n  poll_ms: 0\n", "outbox.poll_ms", "between 10"},
      {"attempts zero", base_yaml + "outbox:\n  max_attempts: 0\n", "outbox.max_attempts",
       "between 1"},
      {"cap below base", base_yaml + "outbox:\n  base_delay_ms: 500\n  max_delay_ms: 100\n",
       "outbox.max_delay_ms", "below base_delay_ms"},
      {"unknown outbox key", base_yaml + "outbox:\n  retries: 3\n", "outbox.retries",
       "unknown key"},
      {"status callback not a URL",
       replaced(base_yaml, "  auth_token: ${TWILIO_AUTH_TOKEN}\n",
                "  auth_token: ${TWILIO_AUTH_TOKEN}\n  status_callback: ftp://x\n"),
       "twilio.status_callback", "http://"},
      {"connection overrides without their #",
       replaced(base_yaml, "  auth_token: ${TWILIO_AUTH_TOKEN}\n",
                "  auth_token: ${TWILIO_AUTH_TOKEN}\n  url_fragment: rc=3\n"),
       "twilio.url_fragment", "must start with #"},
      {"crm base url with a slash", base_yaml + "crm:\n  base_url: http://crm.test/\n",
       "crm.base_url", "slash"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      const auto r = cfg::load_market_string(c.text, base_env());
      INFO(describe(r));
      REQUIRE(r.error().size() == 1);
      CHECK(r.error()[0].key == c.key);
      CHECK_THAT(r.error()[0].message, Catch::Contains(c.message_part));
    }
  }
}

TEST_CASE("cache.shared_ttl_s is read per task, beside ttl_s", "[config][cache]") {
  SECTION("absent: no shared TTLs") {
    const auto r = cfg::load_market_string(base_yaml, base_env());
    REQUIRE(r.has_value());
    CHECK(r->cache.shared_ttl.empty());
  }
  SECTION("given: each task's TTL, and ttl_s left as it is") {
    const auto r = cfg::load_market_string(
        replaced(base_yaml, "    intent: 300\n",
                 "    intent: 300\n  shared_ttl_s:\n    intent: 604800\n    reply: 3600\n"),
        base_env());
    INFO(describe(r));
    REQUIRE(r.has_value());
    const auto& cache = r->cache;
    CHECK(cache.shared_ttl.size() == 2);
    CHECK(cache.shared_ttl.at("intent") == std::chrono::seconds(604800));
    CHECK(cache.shared_ttl.at("reply") == std::chrono::seconds(3600));
    CHECK(cache.ttl.size() == 1);
    CHECK(cache.ttl.at("intent") == std::chrono::seconds(300));
  }
}

TEST_CASE("each mistake in cache.shared_ttl_s yields one error naming the key and line",
          "[config][cache]") {
  const auto shared = [](const std::string& lines) { return "    intent: 300\n" + lines; };
  const std::vector<error_case> cases = {
      {"zero TTL", "    intent: 300\n", shared("  shared_ttl_s:\n    reply: 0\n"),
       "cache.shared_ttl_s.reply", "reply: 0", "between 1 and"},
      {"negative TTL", "    intent: 300\n", shared("  shared_ttl_s:\n    reply: -5\n"),
       "cache.shared_ttl_s.reply", "reply: -5", "between 1 and"},
      {"more than a week", "    intent: 300\n", shared("  shared_ttl_s:\n    reply: 604801\n"),
       "cache.shared_ttl_s.reply", "reply: 604801", "between 1 and 604800"},
      {"a word for a TTL", "    intent: 300\n", shared("  shared_ttl_s:\n    reply: long\n"),
       "cache.shared_ttl_s.reply", "reply: long", "expected an integer"},
      {"a float for a TTL", "    intent: 300\n", shared("  shared_ttl_s:\n    reply: 60.5\n"),
       "cache.shared_ttl_s.reply", "reply: 60.5", "expected an integer"},
      {"invalid task name", "    intent: 300\n", shared("  shared_ttl_s:\n    re ply: 60\n"),
       "cache.shared_ttl_s.re ply", "re ply: 60", "invalid task name"},
      {"not a mapping", "    intent: 300\n", shared("  shared_ttl_s: 3600\n"), "cache.shared_ttl_s",
       "shared_ttl_s: 3600", "expected a mapping"},
      {"misspelled section", "    intent: 300\n", shared("  shared_ttl:\n    reply: 60\n"),
       "cache.shared_ttl", "shared_ttl:", "unknown key"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      const std::string text = replaced(base_yaml, c.from, c.to);
      const auto result = cfg::load_market_string(text, base_env());
      INFO(describe(result));
      CHECK_FALSE(result.has_value());
      REQUIRE(result.error().size() == 1);
      CHECK(result.error()[0].key == c.key);
      CHECK(result.error()[0].line == line_of(text, c.line_needle));
      CHECK_THAT(result.error()[0].message, Catch::Contains(c.message_part));
    }
  }
}

namespace {

/// base_yaml with a `bots:` section holding `bots_lines` (indented as under `bots:`).
std::string with_bots(const std::string& bots_lines) {
  return replaced(base_yaml, "quiet_hours:\n", "bots:\n" + bots_lines + "quiet_hours:\n");
}

}  // namespace

TEST_CASE("bots.<bot>.questions items are a question or {ask, fact}", "[config][bots]") {
  const auto r = cfg::load_market_string(with_bots(R"(  lead:
    questions:
      - "Are you looking to buy, sell, or both?"
  buyer:
    persona: Helpful.
    questions:
      - {ask: "What price range are you shopping in?", fact: budget_usd}
      - ask: "Are you pre-approved with a lender yet?"
        fact: pre_approved
      - {ask: "Anything else on your list?"}
      - "Which cities are you considering?"
)"),
                                         base_env());
  INFO(describe(r));
  REQUIRE(r.has_value());
  const auto& bots = r->bots;
  REQUIRE(bots.lead.questions.size() == 1);
  CHECK(bots.lead.questions[0].ask == "Are you looking to buy, sell, or both?");
  CHECK(bots.lead.questions[0].fact.empty());

  // In file order, each with its fact or none.
  struct expected {
    std::string ask;
    std::string fact;
  };
  const std::vector<expected> buyer{
      {"What price range are you shopping in?", "budget_usd"},
      {"Are you pre-approved with a lender yet?", "pre_approved"},
      {"Anything else on your list?", ""},
      {"Which cities are you considering?", ""},
  };
  REQUIRE(bots.buyer.questions.size() == buyer.size());
  for (std::size_t i = 0; i < buyer.size(); ++i) {
    INFO("question " << i);
    CHECK(bots.buyer.questions[i].ask == buyer[i].ask);
    CHECK(bots.buyer.questions[i].fact == buyer[i].fact);
  }
  CHECK(bots.seller.questions.empty());
}

TEST_CASE("a flow question may name every fact the agents know", "[config][bots]") {
  // The loader keeps its own list of fact names (config sits below agents);
  // this keeps it equal to agents::fact_field_names.
  for (const auto name : openhouse::agents::fact_field_names()) {
    SECTION(std::string{name}) {
      const auto r = cfg::load_market_string(
          with_bots("  seller:\n    questions:\n      - {ask: \"Q?\", fact: " + std::string{name} +
                    "}\n"),
          base_env());
      INFO(describe(r));
      REQUIRE(r.has_value());
      REQUIRE(r->bots.seller.questions.size() == 1);
      CHECK(r->bots.seller.questions[0].fact == name);
    }
  }
}

TEST_CASE("each mistake in a question flow yields one error naming the key and line",
          "[config][bots]") {
  const auto buyer = [](const std::string& questions) {
    return "bots:\n  buyer:\n    questions:\n" + questions + "quiet_hours:\n";
  };
  const std::string q = "buyer.questions";
  const std::vector<error_case> cases = {
      {"unknown fact", "quiet_hours:\n", buyer("      - {ask: \"Budget?\", fact: budget}\n"),
       "bots." + q + "[0].fact", "fact: budget}", "unknown fact \"budget\""},
      // The field's C++ name is not its canonical name.
      {"a field name that is not a fact name", "quiet_hours:\n",
       buyer("      - {ask: \"Condition?\", fact: condition}\n"), "bots." + q + "[0].fact",
       "fact: condition", "unknown fact \"condition\""},
      {"an empty fact", "quiet_hours:\n", buyer("      - {ask: \"Budget?\", fact: \"\"}\n"),
       "bots." + q + "[0].fact", "fact: \"\"", "unknown fact"},
      {"unknown fact in the second item", "quiet_hours:\n",
       buyer("      - \"Buy or sell?\"\n      - ask: \"Budget?\"\n        fact: price\n"),
       "bots." + q + "[1].fact", "fact: price", "unknown fact \"price\""},
      {"unknown key in a flow mapping", "quiet_hours:\n",
       buyer("      - {ask: \"Budget?\", fact: budget_usd, why: money}\n"), "bots." + q + "[0].why",
       "why: money", "unknown key"},
      {"unknown key in a block mapping", "quiet_hours:\n",
       buyer("      - ask: \"Budget?\"\n        facts: budget_usd\n"), "bots." + q + "[0].facts",
       "facts: budget_usd", "unknown key"},
      {"missing ask in a flow mapping", "quiet_hours:\n",
       buyer("      - \"Buy or sell?\"\n      - {fact: areas}\n"), "bots." + q + "[1].ask",
       "{fact: areas}", "missing required key"},
      {"missing ask in a block mapping", "quiet_hours:\n", buyer("      - fact: areas\n"),
       "bots." + q + "[0].ask", "fact: areas", "missing required key"},
      {"empty ask", "quiet_hours:\n", buyer("      - {ask: \"\", fact: areas}\n"),
       "bots." + q + "[0].ask", "ask: \"\"", "must not be empty"},
      {"empty question", "quiet_hours:\n", buyer("      - \"\"\n"), "bots." + q + "[0]", "- \"\"",
       "must not be empty"},
      {"a list for a question", "quiet_hours:\n", buyer("      - [a, b]\n"), "bots." + q + "[0]",
       "[a, b]", "expected a question or {ask, fact}"},
      {"questions not a list", "quiet_hours:\n",
       "bots:\n  buyer:\n    questions: \"Budget?\"\nquiet_hours:\n", "bots." + q,
       "questions: \"Budget?\"", "expected a list"},
      {"misspelled questions", "quiet_hours:\n",
       "bots:\n  buyer:\n    question:\n      - \"Budget?\"\nquiet_hours:\n", "bots.buyer.question",
       "question:", "unknown key"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      const std::string text = replaced(base_yaml, c.from, c.to);
      const auto result = cfg::load_market_string(text, base_env());
      INFO(describe(result));
      CHECK_FALSE(result.has_value());
      REQUIRE(result.error().size() == 1);
      CHECK(result.error()[0].key == c.key);
      CHECK(result.error()[0].line == line_of(text, c.line_needle));
      CHECK_THAT(result.error()[0].message, Catch::Contains(c.message_part));
    }
  }
}

namespace {

/// base_yaml with an `escalation:` section holding `lines` (indented under it).
std::string with_escalation(const std::string& lines) {
  return replaced(base_yaml, "quiet_hours:\n", "escalation:\n" + lines + "quiet_hours:\n");
}

}  // namespace

TEST_CASE("the escalation section adds words and sets the limits", "[config][escalation]") {
  SECTION("absent: no words of its own, the default limits") {
    const auto r = cfg::load_market_string(base_yaml, base_env());
    REQUIRE(r.has_value());
    const auto& e = r->escalation;
    CHECK(e.distress_words.empty());
    CHECK(e.human_intent_threshold == Approx(0.8));
    CHECK(e.confusion_turns == 3);
    CHECK_FALSE(e.mute_on_hot);
    CHECK(e.hold_reply_every == std::chrono::hours{4});
  }
  SECTION("given") {
    const auto r =
        cfg::load_market_string(with_escalation("  distress_words: [tax lien, notice of default]\n"
                                                "  human_phrases: [your manager]\n"
                                                "  human_intent_threshold: 0.9\n"
                                                "  confusion_turns: 2\n"
                                                "  mute_on_hot: true\n"
                                                "  hold_reply_every: 90m\n"),
                                base_env());
    INFO(describe(r));
    REQUIRE(r.has_value());
    const auto& e = r->escalation;
    CHECK(e.distress_words == std::vector<std::string>{"tax lien", "notice of default"});
    CHECK(e.human_phrases == std::vector<std::string>{"your manager"});
    CHECK(e.human_intent_threshold == Approx(0.9));
    CHECK(e.confusion_turns == 2);
    CHECK(e.mute_on_hot);
    CHECK(e.hold_reply_every == std::chrono::minutes{90});
  }
  SECTION("0 turns off confusion and holding replies; the bounds are accepted") {
    for (const std::string every : {"0", "0s", "0h", "1m", "30d"}) {
      INFO(every);
      const auto r = cfg::load_market_string(
          with_escalation("  confusion_turns: 0\n  hold_reply_every: \"" + every + "\"\n"),
          base_env());
      INFO(describe(r));
      REQUIRE(r.has_value());
      CHECK(r->escalation.confusion_turns == 0);
      CHECK((r->escalation.hold_reply_every.count() == 0) == every.starts_with("0"));
    }
    const auto r = cfg::load_market_string(with_escalation("  confusion_turns: 20\n"), base_env());
    REQUIRE(r.has_value());
    CHECK(r->escalation.confusion_turns == 20);
  }
  SECTION("the shipped market's section loads") {
    const auto r = cfg::load_market_file(shipped_market, shipped_env());
    INFO(describe(r));
    REQUIRE(r.has_value());
    const auto& e = r->escalation;
    CHECK_FALSE(e.distress_words.empty());
    CHECK(e.confusion_turns > 0);
    CHECK_FALSE(e.mute_on_hot);
    CHECK(e.hold_reply_every == std::chrono::hours{4});
  }
}

TEST_CASE("each mistake in the escalation section yields one error naming the key and line",
          "[config][escalation]") {
  const std::vector<error_case> cases = {
      {"an empty word", "quiet_hours:\n", "escalation:\n  distress_words: [\"\"]\nquiet_hours:\n",
       "escalation.distress_words[0]", "distress_words:", "must not be empty"},
      {"words not a list", "quiet_hours:\n",
       "escalation:\n  distress_words: probate\nquiet_hours:\n", "escalation.distress_words",
       "distress_words:", "expected a list"},
      {"the removed unproductive-turn limit", "quiet_hours:\n",
       "escalation:\n  max_unproductive_turns: 4\nquiet_hours:\n",
       "escalation.max_unproductive_turns", "max_unproductive_turns:", "removed"},
      {"negative confusion turns", "quiet_hours:\n",
       "escalation:\n  confusion_turns: -1\nquiet_hours:\n", "escalation.confusion_turns",
       "confusion_turns:", "between 0 and 20"},
      {"too many confusion turns", "quiet_hours:\n",
       "escalation:\n  human_phrases: []\n  confusion_turns: 21\nquiet_hours:\n",
       "escalation.confusion_turns", "confusion_turns:", "between 0 and 20"},
      {"confusion turns not a number", "quiet_hours:\n",
       "escalation:\n  confusion_turns: often\nquiet_hours:\n", "escalation.confusion_turns",
       "confusion_turns:", "expected an integer"},
      {"mute_on_hot not a boolean", "quiet_hours:\n",
       "escalation:\n  mute_on_hot: yes\nquiet_hours:\n", "escalation.mute_on_hot",
       "mute_on_hot:", "expected true or false"},
      {"a hold interval without a unit", "quiet_hours:\n",
       "escalation:\n  hold_reply_every: 4\nquiet_hours:\n", "escalation.hold_reply_every",
       "hold_reply_every:", "expected a duration"},
      {"a hold interval too short", "quiet_hours:\n",
       "escalation:\n  hold_reply_every: 30s\nquiet_hours:\n", "escalation.hold_reply_every",
       "hold_reply_every:", "between 1m and 30d"},
      {"a hold interval too long", "quiet_hours:\n",
       "escalation:\n  distress_words: []\n  hold_reply_every: 31d\nquiet_hours:\n",
       "escalation.hold_reply_every", "hold_reply_every:", "between 1m and 30d"},
      {"threshold above 1", "quiet_hours:\n",
       "escalation:\n  human_intent_threshold: 1.5\nquiet_hours:\n",
       "escalation.human_intent_threshold", "human_intent_threshold:", "between 0 and 1"},
      {"unknown key", "quiet_hours:\n", "escalation:\n  distress: [probate]\nquiet_hours:\n",
       "escalation.distress", "distress:", "unknown key"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      const std::string text = replaced(base_yaml, c.from, c.to);
      const auto result = cfg::load_market_string(text, base_env());
      INFO(describe(result));
      CHECK_FALSE(result.has_value());
      REQUIRE(result.error().size() == 1);
      CHECK(result.error()[0].key == c.key);
      CHECK(result.error()[0].line == line_of(text, c.line_needle));
      CHECK_THAT(result.error()[0].message, Catch::Contains(c.message_part));
    }
  }
}

namespace {

/// base_yaml in REST mode (follow-ups need it) with a `follow_up:` section
/// holding `lines` (indented under it).
std::string with_follow_up(const std::string& lines, bool rest = true) {
  const std::string yaml =
      rest ? replaced(base_yaml, "twilio:\n",
                      "twilio:\n  mode: rest\n  account_sid: AC0123456789abcdef0123456789abcdef\n")
           : base_yaml;
  return yaml + "follow_up:\n" + lines;
}

}  // namespace

TEST_CASE("the follow_up section sets when and what the runtime texts a silent lead",
          "[config][follow_up]") {
  using namespace std::chrono_literals;
  SECTION("absent: off, with the documented defaults") {
    const auto r = cfg::load_market_string(base_yaml, base_env());
    REQUIRE(r.has_value());
    const auto& f = r->follow_up;
    CHECK_FALSE(f.enabled);
    CHECK(f.after == 24h);
    CHECK(f.max_per_silence == 1);
    CHECK(f.poll == 5min);
  }
  SECTION("given, in every unit") {
    const auto r =
        cfg::load_market_string(with_follow_up("  enabled: true\n"
                                               "  after: 90m\n"
                                               "  max_per_silence: 2\n"
                                               "  text: \"Still there? {business_name}\"\n"
                                               "  poll: 250ms\n"),
                                base_env());
    INFO(describe(r));
    REQUIRE(r.has_value());
    const auto& f = r->follow_up;
    CHECK(f.enabled);
    CHECK(f.after == 90min);
    CHECK(f.max_per_silence == 2);
    CHECK(f.text == "Still there? {business_name}");
    CHECK(f.poll == 250ms);
    for (const auto& [text, expected] :
         std::vector<std::pair<std::string, std::chrono::milliseconds>>{
             {"1s", 1s}, {"24h", 24h}, {"2d", 48h}, {"30d", 720h}}) {
      const auto d = cfg::load_market_string(with_follow_up("  after: " + text + "\n"), base_env());
      INFO(text << "\n" << describe(d));
      REQUIRE(d.has_value());
      CHECK(d->follow_up.after == expected);
    }
  }
  SECTION("off in twiml mode is fine") {
    const auto r = cfg::load_market_string(with_follow_up("  enabled: false\n", false), base_env());
    INFO(describe(r));
    CHECK(r.has_value());
  }
  SECTION("the shipped market's section loads, off unless the environment turns it on") {
    const auto r = cfg::load_market_file(shipped_market, shipped_env());
    INFO(describe(r));
    REQUIRE(r.has_value());
    CHECK_FALSE(r->follow_up.enabled);
    CHECK(r->follow_up.after == 24h);
    CHECK_THAT(r->follow_up.text, Catch::Contains("{business_name}"));
  }
}

TEST_CASE("each mistake in the follow_up section yields one error naming the key and line",
          "[config][follow_up]") {
  struct follow_up_case {
    const char* name;
    std::string lines;  ///< under follow_up:
    bool rest;
    std::string key;
    std::string line_needle;
    std::string message_part;
  };
  const std::string text = "  text: \"Still there?\"\n";
  const std::vector<follow_up_case> cases = {
      {"enabled in twiml mode", "  enabled: true\n" + text, false, "follow_up.enabled",
       "enabled: true", "needs twilio.mode rest"},
      {"enabled without a text", "  enabled: true\n", true, "follow_up.text",
       "follow_up:", "missing required key"},
      {"an empty text", "  text: \"\"\n", true, "follow_up.text", "  text:", "must not be empty"},
      {"an unknown placeholder", "  text: \"Hi {first_name}\"\n", true, "follow_up.text",
       "  text:", "unknown placeholder {first_name}"},
      {"a duration without a unit", "  after: 30\n", true, "follow_up.after",
       "after:", "expected a duration"},
      {"a duration in an unknown unit", "  after: 2w\n", true, "follow_up.after",
       "after:", "expected a duration"},
      {"a negative duration", "  after: -5m\n", true, "follow_up.after",
       "after:", "expected a duration"},
      {"after too long", "  after: 31d\n", true, "follow_up.after", "after:", "between 1s and 30d"},
      {"poll too short", "  poll: 10ms\n", true, "follow_up.poll",
       "poll:", "between 100ms and 24h"},
      {"zero follow-ups", "  max_per_silence: 0\n", true, "follow_up.max_per_silence",
       "max_per_silence:", "between 1 and 10"},
      {"enabled not a boolean", "  enabled: yes\n", true, "follow_up.enabled",
       "enabled:", "expected true or false"},
      {"unknown key", "  delay: 24h\n", true, "follow_up.delay", "delay:", "unknown key"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      const std::string yaml = with_follow_up(c.lines, c.rest);
      const auto result = cfg::load_market_string(yaml, base_env());
      INFO(describe(result));
      CHECK_FALSE(result.has_value());
      REQUIRE(result.error().size() == 1);
      CHECK(result.error()[0].key == c.key);
      CHECK(result.error()[0].line == line_of(yaml, c.line_needle));
      CHECK_THAT(result.error()[0].message, Catch::Contains(c.message_part));
    }
  }
}

TEST_CASE("reply.budget bounds a turn's LLM work: 12 s unless given, 1 s to 5 min",
          "[config][reply]") {
  using namespace std::chrono_literals;
  SECTION("defaults, given, and the shipped market") {
    const auto d = cfg::load_market_string(base_yaml, base_env());
    INFO(describe(d));
    REQUIRE(d.has_value());
    CHECK(d->reply.budget == 12s);
    const auto g = cfg::load_market_string(base_yaml + "reply:\n  budget: 8s\n", base_env());
    INFO(describe(g));
    REQUIRE(g.has_value());
    CHECK(g->reply.budget == 8s);
    const auto s = cfg::load_market_file(shipped_market, shipped_env());
    INFO(describe(s));
    REQUIRE(s.has_value());
    CHECK(s->reply.budget == 12s);
  }
  struct budget_case {
    const char* value;
    const char* message_part;
  };
  for (const auto& c : std::vector<budget_case>{{"12", "expected a duration"},
                                                {"500ms", "between 1s and 5m"},
                                                {"6m", "between 1s and 5m"}}) {
    SECTION(c.value) {
      const std::string yaml = base_yaml + "reply:\n  budget: " + c.value + "\n";
      const auto r = cfg::load_market_string(yaml, base_env());
      INFO(describe(r));
      CHECK_FALSE(r.has_value());
      REQUIRE(r.error().size() == 1);
      CHECK(r.error()[0].key == "reply.budget");
      CHECK(r.error()[0].line == line_of(yaml, std::string{"budget: "} + c.value));
      CHECK_THAT(r.error()[0].message, Catch::Contains(c.message_part));
    }
  }
}

TEST_CASE("server.drain_delay: 5 s unless given, 0 s to 10 min, with its unit", "[config][drain]") {
  using namespace std::chrono_literals;
  SECTION("defaults, given, zero, and the shipped market") {
    const auto d = cfg::load_market_string(base_yaml, base_env());
    INFO(describe(d));
    REQUIRE(d.has_value());
    CHECK(d->server.drain_delay == 5s);
    for (const auto& [text, expected] :
         std::vector<std::pair<std::string, std::chrono::milliseconds>>{
             {"15s", 15s}, {"0s", 0ms}, {"1500ms", 1500ms}, {"2m", 2min}}) {
      const auto yaml =
          replaced(base_yaml, "  public_url: http://127.0.0.1:8080\n",
                   "  public_url: http://127.0.0.1:8080\n  drain_delay: " + text + "\n");
      const auto g = cfg::load_market_string(yaml, base_env());
      INFO(text << "\n" << describe(g));
      REQUIRE(g.has_value());
      CHECK(g->server.drain_delay == expected);
    }
    const auto s = cfg::load_market_file(shipped_market, shipped_env());
    INFO(describe(s));
    REQUIRE(s.has_value());
    CHECK(s->server.drain_delay == 5s);
    auto env = shipped_env();
    const auto from_env = cfg::load_market_file(shipped_market, [&](const std::string& name) {
      return name == "OPENHOUSE_DRAIN_DELAY" ? std::optional<std::string>{"20s"} : env(name);
    });
    INFO(describe(from_env));
    REQUIRE(from_env.has_value());
    CHECK(from_env->server.drain_delay == 20s);
  }
  for (const auto& [value, message_part] :
       std::vector<std::pair<std::string, std::string>>{{"5", "expected a duration"},
                                                        {"five seconds", "expected a duration"},
                                                        {"-5s", "expected a duration"},
                                                        {"11m", "between 0s and 10m"}}) {
    SECTION(value) {
      const auto yaml =
          replaced(base_yaml, "  public_url: http://127.0.0.1:8080\n",
                   "  public_url: http://127.0.0.1:8080\n  drain_delay: \"" + value + "\"\n");
      const auto r = cfg::load_market_string(yaml, base_env());
      INFO(describe(r));
      CHECK_FALSE(r.has_value());
      REQUIRE(r.error().size() == 1);
      CHECK(r.error()[0].key == "server.drain_delay");
      CHECK(r.error()[0].line == line_of(yaml, "drain_delay:"));
      CHECK_THAT(r.error()[0].message, Catch::Contains(message_part));
    }
  }
}

TEST_CASE("storage.redis_url: credentials are kept, TLS and malformed URLs are refused",
          "[config][redis]") {
  SECTION("user, password and database are accepted") {
    const auto yaml = replaced(base_yaml, "redis_url: redis://127.0.0.1:6379",
                               "redis_url: redis://app:p%40ss@10.1.2.3:6390/2");
    const auto r = cfg::load_market_string(yaml, base_env());
    INFO(describe(r));
    REQUIRE(r.has_value());
    CHECK(r->storage.redis_url == "redis://app:p%40ss@10.1.2.3:6390/2");
  }
  for (const auto& [url, message_part] : std::vector<std::pair<std::string, std::string>>{
           {"rediss://app:hunter2@cache.example.com:6380", "TLS"},
           {"redis://app@cache", "need a password"},
           {"redis://cache:6379?ssl=true", "query"},
           {"cache:6379", "redis://"}}) {
    SECTION(url) {
      const auto yaml =
          replaced(base_yaml, "redis_url: redis://127.0.0.1:6379", "redis_url: " + url);
      const auto r = cfg::load_market_string(yaml, base_env());
      INFO(describe(r));
      CHECK_FALSE(r.has_value());
      REQUIRE(r.error().size() == 1);
      CHECK(r.error()[0].key == "storage.redis_url");
      CHECK(r.error()[0].line == line_of(yaml, "redis_url:"));
      CHECK_THAT(r.error()[0].message, Catch::Contains(message_part));
      CHECK(r.error()[0].message.find("hunter2") == std::string::npos);
    }
  }
}

TEST_CASE("llm rate limits per model, the queue bound, and the retired workers key",
          "[config][gateway][rate_limit]") {
  SECTION("defaults: no limits, a queue of 10000") {
    const auto result = cfg::load_market_string(base_yaml, base_env());
    INFO(describe(result));
    REQUIRE(result.has_value());
    CHECK(result->llm.rate_limits.empty());
    CHECK(result->llm.queue_limit == 10000);
  }
  SECTION("read when given; a model may set some limits only") {
    const std::string text =
        replaced(base_yaml, "  budgets:\n",
                 "  queue_limit: 250\n"
                 "  rate_limits:\n"
                 "    small: {requests_per_minute: 50, input_tokens_per_minute: 40000,\n"
                 "            output_tokens_per_minute: 8000}\n"
                 "    big: {requests_per_minute: 5}\n"
                 "  budgets:\n");
    const auto result = cfg::load_market_string(text, base_env());
    INFO(describe(result));
    REQUIRE(result.has_value());
    CHECK(result->llm.queue_limit == 250);
    const auto& small = result->llm.rate_limits.at("small");
    CHECK(small.requests_per_minute == 50);
    CHECK(small.input_tokens_per_minute == 40000);
    CHECK(small.output_tokens_per_minute == 8000);
    const auto& big = result->llm.rate_limits.at("big");
    CHECK(big.requests_per_minute == 5);
    CHECK(big.input_tokens_per_minute == 0);
  }
  SECTION("an older file with llm.workers still loads") {
    const std::string text = replaced(base_yaml, "  budgets:\n", "  workers: 8\n  budgets:\n");
    const auto result = cfg::load_market_string(text, base_env());
    INFO(describe(result));
    CHECK(result.has_value());
  }
  SECTION("an unknown key under a model is named with its line") {
    const std::string text = replaced(base_yaml, "  budgets:\n",
                                      "  rate_limits:\n"
                                      "    small:\n"
                                      "      requests_per_minute: 10\n"
                                      "      tokens_per_hour: 10\n"
                                      "  budgets:\n");
    const auto result = cfg::load_market_string(text, base_env());
    REQUIRE_FALSE(result.has_value());
    REQUIRE(result.error().size() == 1);
    CHECK(result.error()[0].key == "llm.rate_limits.small.tokens_per_hour");
    CHECK(result.error()[0].line == line_of(text, "tokens_per_hour:"));
  }
  SECTION("a negative limit and a zero queue are refused") {
    const std::string text = replaced(base_yaml, "  budgets:\n",
                                      "  queue_limit: 0\n"
                                      "  rate_limits:\n"
                                      "    small: {requests_per_minute: -1}\n"
                                      "  budgets:\n");
    const auto result = cfg::load_market_string(text, base_env());
    REQUIRE_FALSE(result.has_value());
    REQUIRE(result.error().size() == 2);
    CHECK(result.error()[0].key == "llm.queue_limit");
    CHECK(result.error()[1].key == "llm.rate_limits.small.requests_per_minute");
    CHECK_THAT(result.error()[1].message, Catch::Contains("between 0 and"));
  }
}
