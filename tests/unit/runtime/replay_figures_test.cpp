// The replay report's cache figures from audit records, the audit line, and
// the sums read from the node's Prometheus text.

#include "runtime/replay_figures.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <unordered_map>
#include <vector>

using openhouse::cache::cache_audit_record;
using openhouse::cache::outcome;
using openhouse::cache::scope;
using openhouse::runtime::audit_line;
using openhouse::runtime::percentile;
using openhouse::runtime::round_to;
using openhouse::runtime::sum_family;
using openhouse::runtime::tally_cache;

namespace {

cache_audit_record record(const std::string& sid, const std::string& task, outcome o,
                          double cost = 0, double baseline = 0) {
  cache_audit_record r;
  r.sid = sid;
  r.contact = "+19515550142";
  r.task = task;
  r.outcome = o;
  r.cost_usd = cost;
  r.baseline_cost_usd = baseline;
  return r;
}

}  // namespace

TEST_CASE("cache figures count every outcome and task; verifications cost but are not requests",
          "[runtime][replay]") {
  std::vector<cache_audit_record> records{
      record("SM1", "intent", outcome::miss, 0.002, 0.003),
      record("SM2", "intent", outcome::l1, 0, 0.003),
      record("SM3", "faq", outcome::l3, 0, 0.01),
      record("SM4", "faq", outcome::bypass, 0.004, 0.004),
      record("SM5", "reply", outcome::coalesced, 0, 0.005),
      record("SM6", "reply", outcome::l2, 0, 0.005),
  };
  auto check = record("SM3", "faq", outcome::miss, 0.009);
  check.verification = true;
  records.push_back(check);

  const auto f = tally_cache(records, {});
  CHECK(f.requests == 6);
  CHECK(f.verifications == 1);
  CHECK((f.l1 == 1 && f.l2 == 1 && f.l3 == 1));
  CHECK((f.misses == 1 && f.bypasses == 1 && f.coalesced == 1));
  CHECK(f.cost == Approx(0.015));
  CHECK(f.baseline == Approx(0.030));
  CHECK(f.by_task.at("faq").requests == 2);
  CHECK(f.by_task.at("faq").hits == 1);
  CHECK(f.by_task.at("faq").cost == Approx(0.004));  // the check is not the task's request
  CHECK(f.by_task.at("reply").hits == 1);            // coalesced is no hit
  CHECK(f.stale == 0);

  const auto by_task = openhouse::runtime::by_task_json(f.by_task);
  CHECK(by_task["intent"]["requests"] == 2);
  CHECK(by_task["intent"]["baseline_cost_usd"].get<double>() == Approx(0.006));
}

TEST_CASE("a lead's hit is stale when its entry predates the generation known for the turn",
          "[runtime][replay]") {
  auto old_entry = record("SM9", "reply", outcome::l1);
  old_entry.unit_scope = scope::contact;
  old_entry.request_generation.contact = 1;
  old_entry.entry_generation.contact = 1;
  // The turn read 1, but the replay knew 2 before it (a CRM bump).
  CHECK(tally_cache({old_entry}, {{"SM9", 2}}).stale == 1);
  CHECK(tally_cache({old_entry}, {{"SM9", 1}}).stale == 0);

  auto other_life = old_entry;
  other_life.request_generation.epoch = 7;
  other_life.entry_generation.epoch = 6;
  CHECK(tally_cache({other_life}, {}).stale == 1);

  // A shared unit reads no lead state; a miss serves no entry.
  auto shared = old_entry;
  shared.unit_scope = scope::market;
  auto missed = old_entry;
  missed.outcome = outcome::miss;
  CHECK(tally_cache({shared, missed}, {{"SM9", 4}}).stale == 0);
}

TEST_CASE("an audit line names the source of hits and the similarity of semantic ones",
          "[runtime][replay]") {
  auto hit = record("SM2", "faq", outcome::l3, 0, 0.0123456789);
  hit.unit_scope = scope::market;
  hit.source_sid = "SM1";
  hit.similarity = 0.912345;
  const auto line = audit_line(hit);
  CHECK(line["outcome"] == "l3");
  CHECK(line["scope"] == "market");
  CHECK(line["source_sid"] == "SM1");
  CHECK(line["similarity"].get<double>() == Approx(0.9123));
  CHECK(line["baseline_cost_usd"].get<double>() == Approx(0.01234568));

  auto miss = record("SM3", "intent", outcome::miss, 0.001, 0.001);
  miss.source_sid = "SM3";
  const auto plain = audit_line(miss);
  CHECK_FALSE(plain.contains("source_sid"));
  CHECK_FALSE(plain.contains("similarity"));
}

TEST_CASE("a counter family is summed over its samples, filtered by a label when asked",
          "[runtime][replay]") {
  const std::string text =
      "# HELP openhouse_handoffs_total Handoffs\n"
      "# TYPE openhouse_handoffs_total counter\n"
      "openhouse_handoffs_total{from=\"lead\",to=\"buyer\"} 4\n"
      "openhouse_handoffs_total{from=\"lead\",to=\"seller\"} 2.5\n"
      "openhouse_handoffs_total_created 99\n"
      "openhouse_agent_requests_total{kind=\"tour\"} 3\n"
      "openhouse_agent_requests_total{kind=\"valuation\"} 1\n"
      "openhouse_plain 8\n";
  CHECK(sum_family(text, "openhouse_handoffs_total") == Approx(6.5));
  CHECK(sum_family(text, "openhouse_agent_requests_total", R"(kind="tour")") == Approx(3));
  CHECK(sum_family(text, "openhouse_plain") == Approx(8));
  CHECK(sum_family(text, "openhouse_absent") == 0);
}

TEST_CASE("percentiles are nearest-rank; rounding keeps the asked decimals", "[runtime][replay]") {
  const std::vector<double> v{9, 1, 7, 3, 5, 2, 8, 4, 10, 6};
  CHECK(percentile(v, 50) == 5);
  CHECK(percentile(v, 95) == 10);
  CHECK(percentile(v, 10) == 1);
  CHECK(percentile({}, 99) == 0);
  CHECK(percentile({42}, 1) == 42);
  CHECK(round_to(2.34567, 2) == Approx(2.35));
  CHECK(round_to(0.0000049, 5) == 0);
}
