// The operator's dashboard through the real binary: the page is served, and
// every metric family its script reads is on /metrics under that name once
// the node has answered an SMS (the rest: once their event has happened).

#include "integrations/http/dashboard.hpp"
#include "tests/support/e2e.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;

TEST_CASE("GET /dashboard serves the self-contained page; other methods get 405",
          "[e2e][dashboard]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;

  auto page = c.get(n.url() + "/dashboard");
  REQUIRE(page.status == 200);
  CHECK_THAT(page.headers["content-type"], Catch::StartsWith("text/html"));
  CHECK(page.headers["cache-control"] == "no-store");
  CHECK(page.body == std::string{http::dashboard_html()});
  CHECK_THAT(page.body, Catch::Contains("\"/metrics\""));
  CHECK_THAT(page.body, Catch::Contains("\"/readyz\""));

  auto post = c.post(n.url() + "/dashboard", "", {});
  CHECK(post.status == 405);
  CHECK(post.headers["allow"] == "GET");

  // Labelled by its path, like the other known routes.
  auto metrics = c.get(n.url() + "/metrics");
  CHECK_THAT(metrics.body, Catch::Contains("openhouse_webhook_requests_total{code=\"200\","
                                           "route=\"/dashboard\"} 1"));
  CHECK_THAT(metrics.body, Catch::Contains("openhouse_webhook_requests_total{code=\"405\","
                                           "route=\"/dashboard\"} 1"));
}

TEST_CASE("after one SMS, /metrics has every family the dashboard reads on an answered turn",
          "[e2e][dashboard]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;

  // A reply through the provider: webhook, cache, provider, token and cost
  // families all get their first series.
  auto res = post_sms(c, n.url(),
                      sms_params(sid(1), "+19095551234", "Hi, I want to buy a 3bd in Riverside"));
  REQUIRE(res.status == 200);
  REQUIRE(sim.requests() > 0);

  // And an opt-out, for the leads section's compliance table.
  REQUIRE(post_sms(c, n.url(), sms_params(sid(2), "+19095554321", "STOP")).status == 200);

  auto metrics = c.get(n.url() + "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK_THAT(metrics.body,
             Catch::Contains("openhouse_compliance_events_total{event=\"opt_out\"} 1"));
  for (const auto& m : http::dashboard_metrics()) {
    const std::string name{m.name};
    INFO(name);
    if (m.after_first_turn) {
      CHECK_THAT(metrics.body, Catch::Contains("# TYPE " + name + " "));
    }
  }
  // The histogram the latency tiles read, by its series name.
  CHECK_THAT(
      metrics.body,
      Catch::Contains("openhouse_webhook_duration_seconds_bucket{route=\"/webhooks/twilio/sms\","
                      "le=\"+Inf\"} 2"));  // the turn and the STOP
}
