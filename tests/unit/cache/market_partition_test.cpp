// Two markets served by one node share the node's Redis prefix: nothing of
// one market may answer the other. The same lead text in each is two units.

#include <catch2/catch.hpp>

#include "agents/intent_unit.hpp"
#include "cache/invalidation.hpp"
#include "cache/key.hpp"
#include "config/deployment.hpp"

#include <string>

namespace cfg = openhouse::config;
using namespace openhouse;

namespace {

cfg::deployment shipped_node() {
  auto r = cfg::load_deployment(std::string(OPENHOUSE_SOURCE_DIR) + "/config/node.yaml",
                                cfg::fixed_env({{"OPENHOUSE_DATABASE_URL", "postgresql://x/y"},
                                                {"OPENHOUSE_REDIS_URL", "redis://127.0.0.1:1"},
                                                {"TWILIO_AUTH_TOKEN", "t"}}));
  REQUIRE(r.has_value());
  REQUIRE(r->markets.size() == 2);
  return std::move(*r);
}

}  // namespace

TEST_CASE("the same text in two markets of one node is two cache units", "[cache][markets]") {
  const auto node = shipped_node();
  const auto& a = *node.markets[0];
  const auto& b = *node.markets[1];
  REQUIRE(a.cache.redis_prefix == b.cache.redis_prefix);  // one Redis namespace

  runtime::inbound_sms sms;
  sms.sid = "SM1";
  sms.from = "+15205550199";
  sms.body = "do you guys charge buyers anything";
  cache::generations g;  // equal counters in both markets
  g.global = 3;
  g.market = 7;
  const auto in_a = agents::build_intent_request(a, sms.from, sms, g, true);
  const auto in_b = agents::build_intent_request(b, sms.from, sms, g, true);
  // PII-free text: shared by the market's leads, but only that market's.
  REQUIRE(in_a.unit.scope == cache::scope::market);
  REQUIRE(in_b.unit.scope == cache::scope::market);

  const auto key_a = cache::make_key(in_a.unit, in_a.semantic_input);
  const auto key_b = cache::make_key(in_b.unit, in_b.semantic_input);
  CHECK(key_a.digest != key_b.digest);        // L1/L2: two entries
  CHECK(key_a.partition != key_b.partition);  // L3: never a neighbour's match
  CHECK(key_a.partition.find("|inland-empire|") != std::string::npos);
  CHECK(key_b.partition.find("|phoenix|") != std::string::npos);

  // The same market twice is one unit: the difference above is the market's.
  const auto again = agents::build_intent_request(a, "+15205550123", sms, g, true);
  CHECK(cache::make_key(again.unit, again.semantic_input).digest == key_a.digest);

  // Each market's generation counter is its own Redis key: a bump of one
  // market leaves the other's entries alive.
  const cache::redis_keys keys{a.cache.redis_prefix};
  CHECK(keys.market_generation(a.market.id) != keys.market_generation(b.market.id));
}
