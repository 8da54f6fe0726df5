// The daily LLM caps counted in Redis (llm::shared_budget): two instances,
// as two nodes hold them, on one Redis.

#include "integrations/llm/shared_budget.hpp"
#include "integrations/llm/budget.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <random>
#include <string>

#include <unistd.h>

using namespace openhouse;
using namespace std::chrono_literals;

namespace {

std::string unique_prefix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "oh_test_budget_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 1000000);
}

llm::shared_budget::settings settings_for(std::string prefix) {
  llm::shared_budget::settings s;
  s.prefix = std::move(prefix);
  s.market = "inland-empire";
  s.timeout = 300ms;
  s.retry_after = 1s;
  return s;
}

const std::string day = "2026-12-07";

/// One node's gateway, reduced to its budget: the fleet's count when Redis
/// answers (floored by its own), its own otherwise; then it spends.
struct node_budget {
  llm::shared_budget shared;
  llm::budget_tracker own;

  /// Spends `tokens` for `contact` if the caps allow it; true when it did.
  bool try_spend(const std::string& contact, std::int64_t tokens,
                 llm::shared_budget::clock::time_point now) {
    auto c = own.contact_spend(contact, day);
    auto m = own.market_spend(day);
    if (auto fleet = shared.read(contact, day, now)) {
      c = llm::at_least(c, fleet->contact);
      m = llm::at_least(m, fleet->market);
    }
    const auto d = llm::decide(own.settings(), c, m, tokens, 0.001);
    if (d.action != llm::budget_action::allow) {
      return false;
    }
    own.record(contact, day, tokens, 0.001);
    shared.charge(contact, day, tokens, 0.001, now);
    return true;
  }
};

config::budget_settings market_cap(std::int64_t tokens) {
  config::budget_settings b;
  b.market_daily_tokens = tokens;
  b.contact_daily_tokens = tokens;
  b.action = config::over_cap_action::fallback;
  return b;
}

}  // namespace

TEST_CASE("two budget instances on one Redis stop together at the market's cap",
          "[redis][integration][budget][fleet]") {
  const auto ep = *redis::parse_url(test::redis_url());
  const auto prefix = unique_prefix();
  node_budget a{{ep, settings_for(prefix)}, llm::budget_tracker{market_cap(1000)}};
  node_budget b{{ep, settings_for(prefix)}, llm::budget_tracker{market_cap(1000)}};
  const auto now = llm::shared_budget::clock::now();

  // Leads alternate between the nodes, 100 tokens a call.
  std::int64_t spent = 0;
  int refused_in_a_row = 0;
  for (int i = 0; i < 40 && refused_in_a_row < 2; ++i) {
    auto& node = i % 2 == 0 ? a : b;
    if (node.try_spend("+1909555" + std::to_string(1000 + i), 100, now)) {
      spent += 100;
      refused_in_a_row = 0;
    } else {
      ++refused_in_a_row;
    }
  }
  CHECK(spent == 1000);  // each node alone would have allowed 1000: 2000 in all
  CHECK(a.own.market_spend(day).tokens == 500);
  CHECK(b.own.market_spend(day).tokens == 500);
  // Both refuse now, whichever lead asks.
  CHECK_FALSE(a.try_spend("+19095559999", 1, now));
  CHECK_FALSE(b.try_spend("+19095559998", 1, now));

  // Redis holds the fleet's totals, exactly (micro-dollars add without drift).
  const auto fleet = a.shared.read("+19095551000", day, now);
  REQUIRE(fleet);
  CHECK(fleet->market.tokens == 1000);
  CHECK(fleet->market.usd == Approx(0.010));
  CHECK(fleet->contact.tokens == 100);
  // Another day and another market start from zero.
  CHECK(a.shared.read("+19095551000", "2026-12-08", now)->market.tokens == 0);
  auto other_market = settings_for(prefix);
  other_market.market = "bay-area";
  llm::shared_budget c{ep, other_market};
  CHECK(c.read("+19095551000", day, now)->market.tokens == 0);

  // The day's keys expire by themselves.
  redis::client direct{ep, 1000ms};
  const auto keys = llm::budget_redis_keys(prefix, "inland-empire", day, "+19095551000");
  for (const auto& k : {keys.market, keys.contact}) {
    const auto ttl = direct.eval_integers("return redis.call('PTTL', KEYS[1])", {k}, {}).at(0);
    CHECK(ttl > 47 * 3600 * 1000LL);
    CHECK(ttl <= 48 * 3600 * 1000LL);
    direct.del(k);
  }
}

TEST_CASE("usage spent while Redis is away is kept and added when it is back",
          "[redis][integration][budget][restart]") {
  test::redis_server server;
  const auto prefix = unique_prefix();
  llm::shared_budget budget{server.endpoint(), settings_for(prefix)};
  auto now = llm::shared_budget::clock::now();
  CHECK(budget.charge("+19095551234", day, 300, 0.03, now));
  CHECK(budget.read("+19095551234", day, now)->market.tokens == 300);

  server.pause();  // answers nothing: a timeout
  CHECK_FALSE(budget.charge("+19095551234", day, 200, 0.02, now));
  CHECK(budget.down());
  CHECK_THAT(budget.last_error(), Catch::Contains("timed out"));
  CHECK(budget.unsynced() == 1);

  // Within the pause after a failure, Redis is not even asked: no wait.
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(budget.read("+19095551234", day, now + 500ms));
  CHECK_FALSE(budget.charge("+19095550000", day, 50, 0.005, now + 600ms));
  CHECK(std::chrono::steady_clock::now() - t0 < 200ms);
  CHECK(budget.unsynced() == 2);

  server.resume();
  now += 2s;  // past the pause
  const auto fleet = budget.read("+19095551234", day, now);
  REQUIRE(fleet);
  CHECK_FALSE(budget.down());
  CHECK(budget.unsynced() == 0);
  CHECK(fleet->contact.tokens == 500);
  CHECK(fleet->contact.usd == Approx(0.05));
  CHECK(fleet->market.tokens == 550);
}

TEST_CASE("the budget scripts run on a Redis Cluster", "[redis][integration][budget][cluster]") {
  test::redis_server server{test::redis_server_options::one_node_cluster()};
  llm::shared_budget budget{server.endpoint(), settings_for("oh")};
  const auto now = llm::shared_budget::clock::now();
  CHECK(budget.charge("+19095551234", day, 120, 0.012, now));
  CHECK(budget.charge("+14155550000", day, 80, 0.008, now));
  const auto fleet = budget.read("+19095551234", day, now);
  REQUIRE(fleet);
  CHECK(fleet->contact.tokens == 120);
  CHECK(fleet->market.tokens == 200);
  CHECK(budget.last_error().empty());
}
