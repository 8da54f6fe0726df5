// The server's connection limits and read timeouts, and the runtime's
// orphaned-turn settings: documented defaults, overrides, strict bounds.

#include "config/loader.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace cfg = openhouse::config;
using namespace std::chrono_literals;

namespace {

const std::string shipped_market = std::string(OPENHOUSE_SOURCE_DIR) + "/config/node.yaml";

std::string shipped_text() {
  std::ifstream in(shipped_market);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

cfg::env_lookup env_with(std::map<std::string, std::string> extra = {}) {
  extra.emplace("OPENHOUSE_DATABASE_URL", "postgresql://openhouse@127.0.0.1:5433/openhouse");
  extra.emplace("OPENHOUSE_REDIS_URL", "redis://127.0.0.1:6380");
  extra.emplace("TWILIO_AUTH_TOKEN", "t");
  return cfg::fixed_env(
      std::vector<std::pair<std::string, std::string>>(extra.begin(), extra.end()));
}

}  // namespace

TEST_CASE("connection limits and timeouts: the shipped defaults", "[config][limits]") {
  const auto r = cfg::load_market_file(shipped_market, env_with());
  REQUIRE(r.has_value());
  const auto& s = r->server;
  CHECK(s.max_connections == 1000);
  CHECK(s.max_header_bytes == 16384);
  CHECK(s.idle_timeout == 30s);
  CHECK(s.header_timeout == 10s);
  CHECK(s.body_timeout == 10s);
  CHECK(r->runtime.orphan_max_age == 10min);
  CHECK(r->runtime.orphan_poll == 30s);
}

TEST_CASE("connection limits, timeouts and the orphan settings follow the environment",
          "[config][limits]") {
  const auto r =
      cfg::load_market_file(shipped_market, env_with({{"OPENHOUSE_MAX_CONNECTIONS", "64"},
                                                      {"OPENHOUSE_HEADER_TIMEOUT", "750ms"},
                                                      {"OPENHOUSE_BODY_TIMEOUT", "2s"},
                                                      {"OPENHOUSE_ORPHAN_MAX_AGE", "0s"},
                                                      {"OPENHOUSE_ORPHAN_POLL", "250ms"},
                                                      {"OPENHOUSE_TURN_LEASE_MS", "2500"}}));
  REQUIRE(r.has_value());
  CHECK(r->server.max_connections == 64);
  CHECK(r->server.header_timeout == 750ms);
  CHECK(r->server.body_timeout == 2s);
  CHECK(r->runtime.orphan_max_age == 0ms);
  CHECK(r->runtime.orphan_poll == 250ms);
  CHECK(r->runtime.turn_lease == 2500ms);
}

TEST_CASE("out-of-range limits name their key", "[config][limits]") {
  struct bad {
    const char* section;
    const char* line;
    const char* key;
  };
  const bad cases[] = {
      {"server", "max_connections: 3", "server.max_connections"},
      {"server", "max_header_bytes: 100", "server.max_header_bytes"},
      {"server", "idle_timeout: 2h", "server.idle_timeout"},
      {"server", "header_timeout: 10", "server.header_timeout"},
      {"server", "body_timeout: 0s", "server.body_timeout"},
      {"runtime", "orphan_max_age: 2d", "runtime.orphan_max_age"},
      {"runtime", "orphan_poll: 5ms", "runtime.orphan_poll"},
      {"runtime", "orphan_age: 1m", "runtime.orphan_age"},  // unknown keys are errors
  };
  for (const auto& c : cases) {
    INFO(c.line);
    // The shipped file sets some of these keys already; a second one is a
    // duplicate, so drop the shipped line first.
    auto text = shipped_text();
    const std::string name = std::string{c.line}.substr(0, std::string{c.line}.find(':'));
    if (const auto at = text.find("\n  " + name + ":"); at != std::string::npos) {
      text.erase(at, text.find('\n', at + 1) - at);
    }
    const auto at = text.find("\n" + std::string{c.section} + ":\n");
    REQUIRE(at != std::string::npos);
    text.insert(at + std::string{c.section}.size() + 3, std::string{"  "} + c.line + "\n");
    const auto r = cfg::load_node_string(text, env_with());
    CHECK_FALSE(r.has_value());
    REQUIRE(r.error().size() == 1);
    CHECK(r.error()[0].key == c.key);
  }
}
