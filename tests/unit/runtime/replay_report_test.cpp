// The replay report object: its figures come from the tally, the cache's
// records and the metrics, and the label counts appear only with labels.

#include "runtime/replay_report.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <unordered_set>

using openhouse::runtime::build_report;
using openhouse::runtime::replay_outcome;
using openhouse::runtime::replay_tally;
using openhouse::runtime::trace_event;
using openhouse::runtime::turn_result;

namespace {

void deliver(replay_tally& t, const std::string& sid, const std::string& from,
             const std::string& reply, const std::string& compliance = "") {
  trace_event e;
  e.type = "sms";
  e.sid = sid;
  e.from = from;
  turn_result r;
  r.reply = reply;
  r.compliance = compliance;
  const bool repeated = t.begin_sms(e);
  t.end_sms(e, repeated, r, 0, 4.0);
}

}  // namespace

TEST_CASE("the report adds follow-ups after an opt-out to replies after one", "[runtime][replay]") {
  replay_tally t;
  deliver(t, "SM1", "+19515550142", "Unsubscribed.", "opt_out");
  deliver(t, "SM2", "+19515550142", "Here is the listing.");
  replay_outcome o;
  o.tally = &t;
  o.follow_ups_enabled = true;
  o.follow_ups.stored = 3;
  o.follow_ups.after_opt_out = 2;
  const auto r = build_report(o);
  CHECK(r["messages_after_opt_out"] == 3);
  CHECK(r["follow_ups"]["after_opt_out"] == 2);
  CHECK(r["follow_ups"]["stored"] == 3);
  CHECK(r["follow_ups"]["enabled"] == true);
  CHECK(r["leads"] == 1);
  CHECK(r["messages"] == 2);
  CHECK_FALSE(r.contains("opt_outs_missed"));
  CHECK(r["latency_ms"]["p50"].get<double>() == Approx(4.0));
}

TEST_CASE("the report's costs and savings come from the cache figures; counts from the metrics",
          "[runtime][replay]") {
  replay_tally t{std::unordered_set<std::string>{}};
  deliver(t, "SM1", "+19515550142", "Sure.");
  deliver(t, "SM2", "+19515550143", "Sure.");
  replay_outcome o;
  o.tally = &t;
  o.cache.requests = 4;
  o.cache.cost = 0.25;
  o.cache.baseline = 1.0;
  o.metrics_text =
      "openhouse_handoffs_total{from=\"lead\",to=\"buyer\"} 2\n"
      "openhouse_temperature_changes_total{to=\"Hot\"} 1\n"
      "openhouse_agent_requests_total{kind=\"tour\"} 5\n";
  o.provider_calls = 3;
  o.provider_calls_source = "simulator";
  o.events = 7;
  const auto r = build_report(o);
  CHECK(r["savings_pct"].get<double>() == Approx(75.0));
  CHECK(r["cost_per_lead_usd"].get<double>() == Approx(0.125));
  CHECK(r["llm_requests"] == 4);
  CHECK(r["provider_calls"] == 3);
  CHECK(r["handoffs"] == 2);
  CHECK(r["temperature_changes"] == 1);
  CHECK(r["agent_notes"]["tour"] == 5);
  CHECK(r["agent_notes"]["valuation"] == 0);
  CHECK(r["events"] == 7);
  CHECK(r["opt_outs_missed"] == 0);  // labels were given, even if empty

  replay_tally empty;
  replay_outcome none;
  none.tally = &empty;
  const auto z = build_report(none);
  CHECK(z["savings_pct"].get<double>() == 0.0);
  CHECK(z["cost_per_lead_usd"].get<double>() == 0.0);
}
