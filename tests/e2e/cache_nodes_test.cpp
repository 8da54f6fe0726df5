// Two `openhouse serve` processes sharing one Redis and one PostgreSQL act as
// two nodes of one deployment: what one caches the other reuses, and once
// one invalidates a lead, the other never answers that lead from the old
// entries — with the pub/sub message and without it.

#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;
using test::http_result;

namespace {

/// The value of one sample in a Prometheus text exposition (0 when absent).
double sample(const std::string& metrics, const std::string& name_and_labels) {
  const auto at = metrics.find(name_and_labels + " ");
  if (at == std::string::npos) {
    return 0;
  }
  return std::stod(metrics.substr(at + name_and_labels.size() + 1));
}

double intent_outcome(http_client& c, const node& n, const std::string& outcome) {
  return sample(c.get(n.url() + "/metrics").body,
                R"(openhouse_cache_requests_total{outcome=")" + outcome + R"(",task="intent"})");
}

http_result invalidate(http_client& c, const node& n, const std::string& body,
                       const std::string& token = admin_token) {
  return c.post(n.url() + "/admin/cache/invalidate", body,
                {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
}

}  // namespace

TEST_CASE("a lead invalidated on one node is never served stale by another", "[e2e][cache]") {
  const bool pubsub = GENERATE(true, false);
  INFO("node B subscribed to invalidations: " << pubsub);
  test::scratch_database db;
  simulator sim;
  node a{db.url(), sim.url()};
  node b{db.url(),
         sim.url(),
         test::redis_url(),
         {{"OPENHOUSE_CACHE_SUBSCRIBE", pubsub ? "true" : "false"}}};
  http_client c;
  const std::string lead = "+19095557001";
  // The email makes the units contact-scoped: the same PII-free text would be
  // a market unit, which a contact bump rightly leaves alone.
  const std::string question = "How much are HOA fees in Fontana? mail me at jo@example.com";

  REQUIRE(post_sms(c, a.url(), sms_params(sid(1), lead, question)).status == 200);
  CHECK(intent_outcome(c, a, "miss") == 1);

  // Node B classifies the same words of the same lead from L2.
  REQUIRE(post_sms(c, b.url(), sms_params(sid(2), lead, question)).status == 200);
  CHECK(intent_outcome(c, b, "l2") == 1);
  REQUIRE(post_sms(c, b.url(), sms_params(sid(3), lead, question)).status == 200);
  CHECK(intent_outcome(c, b, "l1") == 1);

  // Node A invalidates the lead (as a temperature change does).
  auto res = invalidate(c, a, R"({"scope": "contact", "contact": ")" + lead + R"("})");
  REQUIRE(res.status == 200);
  CHECK(nlohmann::json::parse(res.body).at("generation").get<long>() >= 1);

  // Node B's next turn must not reuse what was cached before.
  const long calls_before = sim.requests();
  REQUIRE(post_sms(c, b.url(), sms_params(sid(4), lead, question)).status == 200);
  CHECK(intent_outcome(c, b, "miss") == 1);
  CHECK(intent_outcome(c, b, "l1") == 1);
  CHECK(intent_outcome(c, b, "l2") == 1);
  CHECK(sim.requests() > calls_before);

  // Another lead's entries were not touched: B reuses them.
  const std::string other = "+19095557002";
  REQUIRE(post_sms(c, a.url(), sms_params(sid(5), other, question)).status == 200);
  REQUIRE(post_sms(c, b.url(), sms_params(sid(6), other, question)).status == 200);
  CHECK(intent_outcome(c, b, "l2") == 2);
}

TEST_CASE("the admin invalidation endpoint needs the bearer token and a valid body",
          "[e2e][cache]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;
  CHECK(invalidate(c, n, R"({"scope": "market"})", "wrong").status == 401);
  CHECK(c.post(n.url() + "/admin/cache/invalidate", R"({"scope": "market"})",
               {{"Content-Type", "application/json"}})
            .status == 401);
  CHECK(invalidate(c, n, "{not json").status == 400);
  CHECK(invalidate(c, n, R"({"scope": "planet"})").status == 400);
  CHECK(invalidate(c, n, R"({"scope": "contact"})").status == 400);
  CHECK(invalidate(c, n, R"({"scope": "market", "extra": "x"})").status == 400);
  CHECK(invalidate(c, n, R"({"scope": "key", "key": "nothex"})").status == 400);
  auto market = invalidate(c, n, R"({"scope": "market"})");
  CHECK(market.status == 200);
  CHECK(nlohmann::json::parse(market.body).at("generation").get<long>() == 1);
  auto task = invalidate(c, n, R"({"scope": "task", "task": "faq"})");
  CHECK(task.status == 200);
  auto key = invalidate(c, n, R"({"scope": "key", "key": ")" + std::string(64, 'a') + R"("})");
  CHECK(key.status == 200);
  CHECK_FALSE(nlohmann::json::parse(key.body).at("existed").get<bool>());
}
