// The gateway end to end: the simulator injects provider faults, the node
// retries or falls back, and the cost ledger, the CLI report and /metrics
// show what was spent.

#include "tests/support/e2e.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <string>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;

TEST_CASE("every provider call is priced in the ledger, reported by the CLI and in /metrics",
          "[e2e][gateway]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;
  // Three different texts: the same PII-free text from another lead would
  // be a market-scoped cache hit, not a provider call. (A general question
  // would be the brokerage's FAQ answer by topic, without intent or facts.)
  const std::array<const char*, 3> cities{"Corona", "Fontana", "Ontario"};
  for (int i = 0; i < 3; ++i) {
    REQUIRE(post_sms(c, n.url(),
                     sms_params(sid(i), "+1909555100" + std::to_string(i),
                                std::string{"Hi, we're looking to buy a home in "} + cities[i]))
                .status == 200);
  }
  auto metrics = c.get(n.url() + "/metrics").body;
  CHECK_THAT(metrics,
             Catch::Contains("openhouse_llm_provider_calls_total{model=\"claude-sonnet-4-6\","
                             "task=\"reply\"} 3"));
  CHECK_THAT(metrics, Catch::Contains("openhouse_llm_tokens_total{kind=\"output\""));
  CHECK_THAT(metrics, Catch::Contains("openhouse_llm_cost_usd_total{model=\"claude-sonnet-4-6\"}"));

  // The ledger is written in batches: a clean stop flushes it.
  CHECK(n.stop() == 0);
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM llm_calls WHERE outcome = 'ok' AND "
                   "model = 'claude-sonnet-4-6' AND cost_usd > 0 AND output_tokens > 0") == 3);
  auto report = test::run({OPENHOUSE_BINARY, "costs", "--config", config_path()},
                          {{"OPENHOUSE_DATABASE_URL", db.url()},
                           {"OPENHOUSE_REDIS_URL", test::redis_url()},
                           {"TWILIO_AUTH_TOKEN", auth_token}});
  REQUIRE(report.exit_code == 0);
  const auto json = nlohmann::json::parse(report.out);
  CHECK(json["leads"] == 3);
  CHECK(json["days"].size() == 1);
  CHECK(json["days"][0]["calls"] == 9);  // intent, facts and reply units per message
  CHECK(json["total_usd"].get<double>() > 0);
  CHECK(json["cost_per_lead_usd"].get<double>() == Approx(json["total_usd"].get<double>() / 3));
}

TEST_CASE("an overloaded provider is retried until it answers", "[e2e][gateway]") {
  test::scratch_database db;
  // A third of the calls fail with 529 (deterministic draws), so some units
  // need retries, yet never so many in a row that the breaker opens.
  simulator sim{0, {"--fault-529", "0.3"}};
  node n{db.url(), sim.url()};
  http_client c;
  for (int i = 0; i < 6; ++i) {
    // Each message tells something new: no turn counts as unproductive.
    auto r = post_sms(
        c, n.url(),
        sms_params(sid(i), "+19095552000",
                   "message " + std::to_string(i) + ": budget $" + std::to_string(400 + i) + "k"));
    REQUIRE(r.status == 200);
    CHECK(is_message_twiml(r.body));
    CHECK_THAT(r.body, !Catch::Contains("having trouble"));  // not the fallback reply
  }
  CHECK(n.stop() == 0);
  CHECK(query_long(db.url(), "SELECT count(*) FROM llm_calls WHERE outcome = 'ok'") == 18);
  CHECK(query_long(db.url(), "SELECT max(attempts) FROM llm_calls") > 1);
  CHECK(query_long(db.url(), "SELECT sum(attempts) FROM llm_calls") == sim.requests());
  CHECK(query_long(db.url(), "SELECT count(*) FROM conversation_state WHERE needs_human") == 0);
}

TEST_CASE("a provider slower than reply.budget: the webhook answers with the fallback reply",
          "[e2e][gateway]") {
  test::scratch_database db;
  // Every call takes 4 s, so a turn that waited for its three units would
  // answer after 12 s with the provider's words; a 1 s budget cuts it short.
  simulator slow_sim{4000};
  node n{db.url(), slow_sim.url(), test::redis_url(), {{"OPENHOUSE_REPLY_BUDGET", "1s"}}};
  http_client c;
  auto r = post_sms(c, n.url(), sms_params(sid(1), "+19095553100", "Do you have condos?"));
  REQUIRE(r.status == 200);
  CHECK_THAT(r.body, Catch::Contains("having trouble answering right now"));
  CHECK(query_long(db.url(), "SELECT count(*) FROM conversation_state WHERE needs_human") == 1);
  // Both sides of the exchange are stored, the fallback as what was sent.
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM messages WHERE direction = 'outbound' "
                   "AND body LIKE '%having trouble%'") == 1);
  CHECK_THAT(c.get(n.url() + "/metrics").body,
             Catch::Contains("openhouse_fallback_replies_total{reason=\"budget\"} 1"));
  CHECK(n.stop() == 0);
}

TEST_CASE("when the provider stays down the lead gets the fallback reply and a human is flagged",
          "[e2e][gateway]") {
  test::scratch_database db;
  simulator sim{0, {"--fault-500", "1"}};
  node n{db.url(), sim.url()};
  http_client c;
  auto r = post_sms(c, n.url(),
                    sms_params(sid(1), "+19095553000", "Is the house on Main still listed?"));
  REQUIRE(r.status == 200);
  CHECK_THAT(r.body, Catch::Contains("having trouble answering right now"));
  CHECK(query_long(db.url(), "SELECT count(*) FROM conversation_state WHERE needs_human") == 1);
  // The inbound message and the fallback reply are both stored: nothing is lost.
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages") == 2);
  CHECK_THAT(c.get(n.url() + "/metrics").body,
             Catch::Contains("openhouse_fallback_replies_total{reason=\"provider\"} 1"));
  CHECK(n.stop() == 0);
  // The intent and facts units go out together and share the breaker: each
  // uses at most max_attempts (4 in the shipped market), fewer once the
  // breaker opens. Every attempt is a row's.
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM llm_calls WHERE outcome <> 'ok' "
                   "AND task IN ('intent', 'facts') AND attempts BETWEEN 1 AND 4") >= 1);
  CHECK(query_long(db.url(), "SELECT count(*) FROM llm_calls WHERE outcome = 'ok'") == 0);
  CHECK(query_long(db.url(), "SELECT sum(attempts) FROM llm_calls") == sim.requests());
}
