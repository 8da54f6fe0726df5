// Two `openhouse serve` nodes on one Redis and one PostgreSQL share the
// market's daily LLM cap: it is counted in Redis, so together they stop at
// it, where each node counting alone would spend it once per node.

#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;

namespace {

/// The sum of a counter family's samples in a Prometheus exposition (those
/// whose labels contain `label`, when given).
double family_sum(const std::string& metrics, const std::string& family,
                  const std::string& label = "") {
  double total = 0;
  std::istringstream in{metrics};
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with(family) || line.size() <= family.size() ||
        (line[family.size()] != '{' && line[family.size()] != ' ')) {
      continue;  // comments, other families
    }
    if (!label.empty() && line.find(label) == std::string::npos) {
      continue;
    }
    total += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

}  // namespace

TEST_CASE("two nodes on one Redis stop together at the market's daily token cap",
          "[e2e][budget][fleet]") {
  test::scratch_database db;
  simulator sim{0};
  constexpr long cap = 12'000;
  const std::map<std::string, std::string> env{
      {"OPENHOUSE_LLM_MARKET_DAILY_TOKENS", std::to_string(cap)},
      {"OPENHOUSE_LLM_OVER_CAP_ACTION", "fallback"}};
  node a{db.url(), sim.url(), test::redis_url(), env};
  node b{db.url(), sim.url(), test::redis_url(), env};
  http_client c;

  // New leads, one text each, alternately to A and B, until a text on each
  // node gets no provider call: the cap stops both.
  int posts = 0;
  int quiet_in_a_row = 0;
  for (; posts < 200 && quiet_in_a_row < 2; ++posts) {
    const auto& n = posts % 2 == 0 ? a : b;
    const long before = sim.requests();
    const auto lead = "+1909556" + std::to_string(1000 + posts);
    const auto r = post_sms(c, n.url(),
                            sms_params(sid(posts + 1), lead,
                                       "note " + std::to_string(posts) + ": we can spend about $" +
                                           std::to_string(400 + posts) + "k in Ontario"));
    REQUIRE(r.status == 200);
    CHECK(is_message_twiml(r.body));  // the fallback reply, once over the cap
    quiet_in_a_row = sim.requests() == before ? quiet_in_a_row + 1 : 0;
  }
  REQUIRE(quiet_in_a_row == 2);
  INFO("posts: " << posts << ", provider calls: " << sim.requests());

  const auto ma = c.get(a.url() + "/metrics").body;
  const auto mb = c.get(b.url() + "/metrics").body;
  // Both nodes spent, both decided on the fleet's count, never their own.
  CHECK(family_sum(ma, "openhouse_llm_provider_calls_total") > 0);
  CHECK(family_sum(mb, "openhouse_llm_provider_calls_total") > 0);
  CHECK(family_sum(ma, "openhouse_llm_budget_checks_total", "source=\"shared\"") > 0);
  CHECK(family_sum(mb, "openhouse_llm_budget_checks_total", "source=\"shared\"") > 0);
  CHECK(family_sum(ma, "openhouse_llm_budget_checks_total", "source=\"local\"") == 0);
  CHECK(family_sum(mb, "openhouse_llm_budget_checks_total", "source=\"local\"") == 0);

  // Stopping writes the ledger's last rows; then it holds every call.
  CHECK(a.stop() == 0);
  CHECK(b.stop() == 0);
  const long calls = query_long(db.url(), "SELECT count(*) FROM llm_calls WHERE outcome = 'ok'");
  CHECK(calls == sim.requests());
  const long spent = query_long(
      db.url(),
      "SELECT coalesce(sum(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens), "
      "0) FROM llm_calls WHERE outcome = 'ok'");
  const long largest = query_long(
      db.url(),
      "SELECT coalesce(max(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens), "
      "0) FROM llm_calls WHERE outcome = 'ok'");
  INFO("tokens spent by the fleet: " << spent << " of " << cap << " (largest call " << largest
                                     << ")");
  // One call at a time here, each checked with its worst case before it
  // starts: the fleet never passes the cap ...
  CHECK(spent <= cap);
  // ... and stops only when a call's worst case (its input and max_tokens,
  // well under 1,000 tokens here) would pass it.
  CHECK(spent > cap - 1000);
}
