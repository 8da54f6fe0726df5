// The operator's dashboard through the real binary: the page is served,
// every metric family its script reads is on /metrics under that name once
// the node has answered an SMS (the rest: once their event has happened), and
// the page's script, run by headless Chromium, shows what /metrics says.

#include "integrations/http/dashboard.hpp"
#include "tests/support/e2e.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <optional>
#include <regex>
#include <string>

#include <unistd.h>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;

namespace {

/// The text of the element with `id` in `dom` (tags dropped), or nullopt.
std::optional<std::string> text_of(const std::string& dom, const std::string& id) {
  const std::regex element{"<(\\w+)[^>]*\\bid=\"" + id + "\"[^>]*>([\\s\\S]*?)</\\1>"};
  std::smatch m;
  if (!std::regex_search(dom, m, element)) {
    return std::nullopt;
  }
  return std::regex_replace(m[2].str(), std::regex{"<[^>]*>"}, " ");
}

/// The page as Chromium leaves it after its script has polled: --dump-dom
/// prints the DOM once the virtual-time budget (fetches included) is spent.
/// Root needs --no-sandbox; containers often have a tiny /dev/shm.
std::string rendered_dashboard(const std::string& url) {
  const auto profile =
      std::filesystem::temp_directory_path() / ("openhouse-chromium-" + std::to_string(::getpid()));
  auto res = test::run({"/usr/bin/timeout", "120", "/usr/bin/chromium", "--headless=new",
                        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--no-first-run", "--user-data-dir=" + profile.string(),
                        "--virtual-time-budget=10000", "--dump-dom", url});
  std::filesystem::remove_all(profile);
  INFO("chromium stderr: " << res.err);
  REQUIRE(res.exit_code == 0);  // 127: not installed (scripts/setup installs it)
  return res.out;
}

/// The sum of every series of counter `family` in a Prometheus text page.
long counter_sum(const std::string& page, const std::string& family) {
  const std::regex series{"^" + family + "(\\{[^}]*\\})? ([0-9.e+]+)$", std::regex::multiline};
  double sum = 0;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), series);
       it != std::sregex_iterator{}; ++it) {
    sum += std::stod((*it)[2].str());
  }
  return static_cast<long>(sum);
}

}  // namespace

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

TEST_CASE("the dashboard's script, run in headless Chromium, shows what /metrics says",
          "[e2e][dashboard]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;

  REQUIRE(post_sms(c, n.url(),
                   sms_params(sid(1), "+19095551234", "Hi, I want to buy a 3bd in Riverside"))
              .status == 200);
  // The same question from a second lead: the shared units come from L1.
  REQUIRE(post_sms(c, n.url(),
                   sms_params(sid(2), "+19095555678", "Hi, I want to buy a 3bd in Riverside"))
              .status == 200);
  REQUIRE(post_sms(c, n.url(), sms_params(sid(3), "+19095554321", "STOP")).status == 200);

  const auto dom = rendered_dashboard(n.url() + "/dashboard");
  // Nothing more happens on the node, so /metrics now reads as the page did.
  const auto metrics = c.get(n.url() + "/metrics").body;
  const long calls = counter_sum(metrics, "openhouse_llm_provider_calls_total");
  REQUIRE(calls > 0);

  const auto health = text_of(dom, "health");
  REQUIRE(health);
  CHECK_THAT(*health, Catch::StartsWith("ready"));
  const auto error = text_of(dom, "error");
  REQUIRE(error);
  CHECK(error->find_first_not_of(" ") == std::string::npos);  // no fetch or parse error

  const auto tile = text_of(dom, "t-calls");
  REQUIRE(tile);
  CHECK(*tile == std::to_string(calls));

  // The hit-ratio tile: the second lead's shared units were hits.
  const auto ratio = text_of(dom, "t-hit");
  REQUIRE(ratio);
  CHECK_THAT(*ratio, Catch::Matches("[0-9]+\\.[0-9]%"));
  CHECK(*ratio != "0.0%");

  const auto compliance = text_of(dom, "compliance");
  REQUIRE(compliance);
  CHECK(std::regex_search(*compliance, std::regex{"opt_out\\s+1\\b"}));
}
