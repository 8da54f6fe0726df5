#include "runtime/replay_report.hpp"

#include <map>

namespace openhouse::runtime {

namespace {

using json = nlohmann::json;

std::uint64_t family_count(const std::string& text, std::string_view family,
                           std::string_view label = {}) {
  return static_cast<std::uint64_t>(sum_family(text, family, label));
}

json agent_notes_json(const std::string& metrics) {
  constexpr std::string_view family = "openhouse_agent_requests_total";
  return {{"hot_lead", family_count(metrics, family, R"(kind="hot_lead")")},
          {"tour", family_count(metrics, family, R"(kind="tour")")},
          {"valuation", family_count(metrics, family, R"(kind="valuation")")}};
}

json crm_json(const replay_counts& c) {
  return {{"tags_applied", c.crm_tags_applied},
          {"tags_not_applied", c.crm_tags_not_applied},
          {"updates_applied", c.crm_updates_applied},
          {"updates_not_applied", c.crm_updates_not_applied},
          {"person_temperatures", c.crm_person_temperatures},
          {"fields_rejected", c.crm_fields_rejected}};
}

json follow_ups_json(const replay_outcome& o) {
  const auto& c = o.tally->counts();
  return {{"enabled", o.follow_ups_enabled},
          {"sent", c.follow_ups_written},
          {"stored", o.follow_ups.stored},
          {"in_quiet_hours", o.follow_ups.in_quiet_hours},
          {"in_lead_quiet_hours", o.follow_ups.in_lead_quiet_hours},
          {"held_for_lead_quiet_hours", family_count(o.metrics_text, "openhouse_follow_ups_total",
                                                     R"(outcome="lead_quiet_hours")")},
          {"after_opt_out", o.follow_ups.after_opt_out},
          {"ticks_held_for_quiet_hours", c.follow_up_ticks_held}};
}

json latency_json(const std::vector<double>& latencies) {
  return {{"p50", round_to(percentile(latencies, 50), 3)},
          {"p95", round_to(percentile(latencies, 95), 3)},
          {"p99", round_to(percentile(latencies, 99), 3)}};
}

std::map<std::string, std::size_t> muted_by_reason(
    const std::unordered_map<std::string, std::string>& muted_for) {
  std::map<std::string, std::size_t> by_reason;
  for (const auto& [contact, reason] : muted_for) ++by_reason[reason];
  return by_reason;
}

}  // namespace

json build_report(const replay_outcome& o) {
  const auto& t = *o.tally;
  const auto& c = t.counts();
  const auto& k = o.cache;
  const auto leads = t.leads();
  json report{
      {"messages", c.messages},
      {"llm_requests", k.requests},
      {"provider_calls", static_cast<std::uint64_t>(o.provider_calls)},
      {"hits", {{"l1", k.l1}, {"l2", k.l2}, {"l3", k.l3}}},
      {"misses", k.misses},
      {"bypasses", k.bypasses},
      {"coalesced", k.coalesced},
      {"l3_verifications", k.verifications},
      {"by_task", by_task_json(k.by_task)},
      {"cost_usd", round_to(k.cost, 6)},
      {"baseline_cost_usd", round_to(k.baseline, 6)},
      {"savings_pct", k.baseline > 0 ? round_to(100.0 * (1.0 - k.cost / k.baseline), 2) : 0.0},
      {"cost_per_lead_usd", leads == 0 ? 0.0 : round_to(k.cost / static_cast<double>(leads), 6)},
      {"leads", leads},
      {"replies", c.replies},
      {"multi_question_replies", c.multi_question_replies},
      {"known_fact_questions", c.known_fact_questions},
      {"duplicate_deliveries", c.duplicate_deliveries},
      {"duplicate_replies", c.duplicate_replies},
      {"opt_outs", c.opt_outs},
      {"opt_outs_by_rule", c.opt_outs_by_rule},
      // Follow-ups to a lead opted out at that moment are texts after an
      // opt-out as much as replies are.
      {"messages_after_opt_out", c.messages_after_opt_out + o.follow_ups.after_opt_out},
      {"handoffs", family_count(o.metrics_text, "openhouse_handoffs_total")},
      {"temperature_changes", family_count(o.metrics_text, "openhouse_temperature_changes_total")},
      {"stale_served", k.stale},
      // Generations reads: from Redis (one round trip each) or this node's copy.
      {"generations_redis_reads", family_count(o.metrics_text, "openhouse_cache_events_total",
                                               R"(event="generations_redis_read")")},
      {"generations_local", family_count(o.metrics_text, "openhouse_cache_events_total",
                                         R"(event="generations_local")")},
      {"escalations", c.escalations},
      {"leads_muted", t.muted_for().size()},
      {"leads_muted_by_reason", muted_by_reason(t.muted_for())},
      {"unanswered_inbound", c.unanswered_inbound},
      {"answerable_inbound", c.answerable_inbound},
      {"holding_replies",
       family_count(o.metrics_text, "openhouse_compliance_events_total", R"(event="hold_reply")")},
      {"agent_notes", agent_notes_json(o.metrics_text)},
      {"latency_ms", latency_json(t.latencies_ms())},
      {"failed_turns", c.failed_turns},
      {"fallback_replies", c.fallbacks},
      {"crm", crm_json(c)},
      {"follow_ups", follow_ups_json(o)},
      {"provider_calls_source", o.provider_calls_source},
      {"events", o.events},
      {"wall_seconds", round_to(o.wall_seconds, 3)},
  };
  if (t.labelled()) {
    report["opt_outs_labelled"] = c.opt_outs_labelled;
    report["opt_outs_missed"] = c.opt_outs_missed;
  }
  return report;
}

}  // namespace openhouse::runtime
