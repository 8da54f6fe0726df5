#include "integrations/http/dashboard.hpp"
#include "core/metrics.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

using openhouse::http::dashboard_html;
using openhouse::http::dashboard_metrics;

namespace {

std::set<std::string> listed_names() {
  std::set<std::string> names;
  for (const auto& m : dashboard_metrics()) {
    names.emplace(m.name);
  }
  return names;
}

}  // namespace

TEST_CASE("the dashboard's script reads exactly the metric names it lists", "[http][dashboard]") {
  const std::string html{dashboard_html()};
  const auto names = listed_names();
  REQUIRE(names.size() == dashboard_metrics().size());  // no duplicates

  for (const auto& name : names) {
    INFO(name);
    // Quoted: a string literal of the script, not a prefix of a longer name.
    CHECK_THAT(html, Catch::Contains("\"" + name + "\""));
  }
  // And the other way: a name the script uses but the list lacks would escape
  // the e2e check against /metrics.
  const std::regex token{"openhouse_[a-z0-9_]+"};
  for (auto it = std::sregex_iterator(html.begin(), html.end(), token);
       it != std::sregex_iterator(); ++it) {
    INFO(it->str());
    CHECK(names.count(it->str()) == 1);
  }
}

TEST_CASE("runtime::metrics exports every family the dashboard reads", "[http][dashboard]") {
  // Families exist on /metrics only once they have a series, so touch each
  // instrument once; a renamed or removed metric then fails here.
  openhouse::runtime::metrics m;
  m.observe_webhook("/webhooks/twilio/sms", 200, 0.01);
  m.count_provider_call("model", "reply");
  m.record_usage("model", openhouse::llm::usage{}, 0.001);
  m.cache_requests("reply", "l1").Increment();
  m.count_l3_verification("reply", "agree", 0.0);
  m.count_handoff("lead", "buyer");
  m.count_temperature_change("hot");
  m.count_compliance("opt_out");
  m.count_agent_request("tour");
  m.count_outbox("sms", "sent");
  m.count_follow_up("sent");
  m.count_follow_up_tick("ran");
  const auto text = m.render();

  for (const auto& metric : dashboard_metrics()) {
    const std::string name{metric.name};
    INFO(name);
    CHECK_THAT(text, Catch::Contains("# TYPE " + name + " "));
  }
}

TEST_CASE("the dashboard is self-contained and writes data only as text", "[http][dashboard]") {
  const std::string html{dashboard_html()};
  CHECK_THAT(html, Catch::StartsWith("<!doctype html>"));
  CHECK_THAT(html, Catch::Contains("fetch(\"/metrics\""));
  CHECK_THAT(html, Catch::Contains("fetch(\"/readyz\""));
  // Nothing from another origin: the node may run offline.
  CHECK_THAT(html, !Catch::Contains("http://") && !Catch::Contains("https://"));
  CHECK_THAT(html, !Catch::Contains("<script src") && !Catch::Contains("<link"));
  CHECK_THAT(html, !Catch::Contains("@import") && !Catch::Contains("url("));
  // Label values are arbitrary strings: never parsed as markup.
  CHECK_THAT(html, !Catch::Contains("innerHTML") && !Catch::Contains("outerHTML") &&
                       !Catch::Contains("insertAdjacentHTML") &&
                       !Catch::Contains("document.write"));
}
