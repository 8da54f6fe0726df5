#include "core/metrics.hpp"

#include <prometheus/text_serializer.h>

namespace openhouse::runtime {

namespace {

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  // 0.5 ms .. 10 s: the all-hit path lives at the low end, provider calls at the high end.
  static const prometheus::Histogram::BucketBoundaries buckets{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return buckets;
}

const prometheus::Histogram::BucketBoundaries& lookup_buckets() {
  // 1 µs .. 5 s: an L1 hit is microseconds, L2 a Redis round trip, the
  // provider seconds.
  static const prometheus::Histogram::BucketBoundaries buckets{
      0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001,
      0.00025,  0.0005,    0.001,    0.0025,  0.005,    0.01,    0.025,
      0.05,     0.1,       0.25,     0.5,     1,        2.5,     5};
  return buckets;
}

const prometheus::Histogram::BucketBoundaries& similarity_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets{0.5,  0.6, 0.7,  0.75, 0.8,
                                                               0.85, 0.9, 0.95, 0.98, 1.0};
  return buckets;
}

}  // namespace

metrics::metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      webhook_requests_(&prometheus::BuildCounter()
                             .Name("openhouse_webhook_requests_total")
                             .Help("HTTP requests answered by the front end, by route and status")
                             .Register(*registry_)),
      webhook_duration_(&prometheus::BuildHistogram()
                             .Name("openhouse_webhook_duration_seconds")
                             .Help("Time from a complete request to its answer")
                             .Register(*registry_)),
      provider_calls_(&prometheus::BuildCounter()
                           .Name("openhouse_llm_provider_calls_total")
                           .Help("Calls made to the LLM provider, by model and task")
                           .Register(*registry_)),
      tokens_(&prometheus::BuildCounter()
                   .Name("openhouse_llm_tokens_total")
                   .Help("Tokens billed by the provider, by model and kind "
                         "(input, output, cache_write, cache_read)")
                   .Register(*registry_)),
      cost_(&prometheus::BuildCounter()
                 .Name("openhouse_llm_cost_usd_total")
                 .Help("Dollars spent on the provider, from the market's price table")
                 .Register(*registry_)),
      cache_requests_(&prometheus::BuildCounter()
                           .Name("openhouse_cache_requests_total")
                           .Help("Units asked of the LLM cache, by task and outcome "
                                 "(l1, l2, l3, miss, bypass, coalesced)")
                           .Register(*registry_)),
      cache_lookup_(&prometheus::BuildHistogram()
                         .Name("openhouse_cache_lookup_seconds")
                         .Help("Time to answer a cache request, by the tier that answered "
                               "(l1, l2, l3, provider)")
                         .Register(*registry_)),
      cache_similarity_(&prometheus::BuildHistogram()
                             .Name("openhouse_cache_l3_similarity")
                             .Help("Cosine similarity of served semantic (L3) hits, by task")
                             .Register(*registry_)),
      cache_bypasses_(&prometheus::BuildCounter()
                           .Name("openhouse_cache_bypasses_total")
                           .Help("Requests or answers the never-cached rules kept out of the "
                                 "cache, by task and reason")
                           .Register(*registry_)),
      l3_verifications_(&prometheus::BuildCounter()
                             .Name("openhouse_cache_l3_verifications_total")
                             .Help("Sampled L3 hits checked against a fresh provider answer, by "
                                   "task and verdict (agree, disagree, error)")
                             .Register(*registry_)),
      l3_false_hit_rate_(&prometheus::BuildGauge()
                              .Name("openhouse_cache_l3_estimated_false_hit_rate")
                              .Help("Share of checked L3 hits whose answer disagreed with a "
                                    "fresh one, by task (an estimate from a sample)")
                              .Register(*registry_)),
      cache_events_(&prometheus::BuildCounter()
                         .Name("openhouse_cache_events_total")
                         .Help("Cache events: evictions, invalidations, Redis errors, ...")
                         .Register(*registry_)),
      handoffs_(&prometheus::BuildCounter()
                     .Name("openhouse_handoffs_total")
                     .Help("Conversations handed from one bot to another")
                     .Register(*registry_)),
      agent_requests_(&prometheus::BuildCounter()
                           .Name("openhouse_agent_requests_total")
                           .Help("Tours and valuations leads asked for, noted for the agent")
                           .Register(*registry_)),
      temperature_changes_(&prometheus::BuildCounter()
                                .Name("openhouse_temperature_changes_total")
                                .Help("Lead temperature changes, by the new temperature")
                                .Register(*registry_)),
      compliance_(&prometheus::BuildCounter()
                       .Name("openhouse_compliance_events_total")
                       .Help("Opt-outs, opt-ins, HELP answers, suppressed messages, escalations")
                       .Register(*registry_)),
      fallback_replies_(&prometheus::BuildCounter()
                             .Name("openhouse_fallback_replies_total")
                             .Help("Turns answered with the market's fallback reply, by reason: "
                                   "budget (a unit outlasted reply.budget), provider, empty")
                             .Register(*registry_)),
      outbox_attempts_(&prometheus::BuildCounter()
                            .Name("openhouse_outbox_attempts_total")
                            .Help("Outbox send attempts by kind (sms, crm_tags, crm_note) and "
                                  "outcome (sent, retry, failed)")
                            .Register(*registry_)),
      follow_ups_(&prometheus::BuildCounter()
                       .Name("openhouse_follow_ups_total")
                       .Help("Follow-ups to silent leads by outcome: sent (written to the "
                             "outbox), declined (the lead changed before its lock was held), "
                             "raced (another node or tick wrote it), lead_quiet_hours (held: "
                             "quiet hours on the clock of the lead's area code)")
                       .Register(*registry_)),
      follow_up_ticks_(&prometheus::BuildCounter()
                            .Name("openhouse_follow_up_ticks_total")
                            .Help("Follow-up worker ticks by outcome: ran, quiet_hours (skipped: "
                                  "the market's local time is in quiet hours), error")
                            .Register(*registry_)),
      timers_set_(&prometheus::BuildCounter()
                       .Name("openhouse_timers_set_total")
                       .Help("Timers the runtime set on the actor clock, by kind: "
                             "turn_deadline, idle, http_deadline")
                       .Register(*registry_)) {}

void metrics::count_fallback_reply(std::string_view reason) {
  fallback_replies_->Add({{"reason", std::string{reason}}}).Increment();
}

void metrics::count_outbox(std::string_view kind, std::string_view outcome) {
  outbox_attempts_->Add({{"kind", std::string{kind}}, {"outcome", std::string{outcome}}})
      .Increment();
}

void metrics::count_follow_up(std::string_view outcome) {
  follow_ups_->Add({{"outcome", std::string{outcome}}}).Increment();
}

void metrics::count_follow_up_tick(std::string_view outcome) {
  follow_up_ticks_->Add({{"outcome", std::string{outcome}}}).Increment();
}

void metrics::count_timer(std::string_view kind) {
  timers_set_->Add({{"kind", std::string{kind}}}).Increment();
}

void metrics::count_handoff(std::string_view from, std::string_view to) {
  handoffs_->Add({{"from", std::string{from}}, {"to", std::string{to}}}).Increment();
}

void metrics::count_agent_request(std::string_view kind) {
  agent_requests_->Add({{"kind", std::string{kind}}}).Increment();
}

void metrics::count_temperature_change(std::string_view to) {
  temperature_changes_->Add({{"to", std::string{to}}}).Increment();
}

void metrics::count_compliance(std::string_view event) {
  compliance_->Add({{"event", std::string{event}}}).Increment();
}

prometheus::Counter& metrics::cache_requests(std::string_view task, std::string_view outcome) {
  return cache_requests_->Add({{"task", std::string{task}}, {"outcome", std::string{outcome}}});
}

prometheus::Histogram& metrics::cache_lookup(std::string_view tier) {
  return cache_lookup_->Add({{"tier", std::string{tier}}}, lookup_buckets());
}

prometheus::Histogram& metrics::cache_similarity(std::string_view task) {
  return cache_similarity_->Add({{"task", std::string{task}}}, similarity_buckets());
}

void metrics::count_cache_bypass(std::string_view task, std::string_view reason) {
  cache_bypasses_->Add({{"task", std::string{task}}, {"reason", std::string{reason}}}).Increment();
}

void metrics::count_l3_verification(std::string_view task, std::string_view verdict,
                                    double estimated_false_hit_rate) {
  l3_verifications_->Add({{"task", std::string{task}}, {"verdict", std::string{verdict}}})
      .Increment();
  l3_false_hit_rate_->Add({{"task", std::string{task}}}).Set(estimated_false_hit_rate);
}

void metrics::count_cache_event(std::string_view event, double n) {
  cache_events_->Add({{"event", std::string{event}}}).Increment(n);
}

void metrics::observe_webhook(std::string_view route, int status, double seconds) {
  webhook_requests_->Add({{"route", std::string{route}}, {"code", std::to_string(status)}})
      .Increment();
  webhook_duration_->Add({{"route", std::string{route}}}, latency_buckets()).Observe(seconds);
}

void metrics::count_provider_call(std::string_view model, std::string_view task) {
  provider_calls_->Add({{"model", std::string{model}}, {"task", std::string{task}}}).Increment();
}

void metrics::record_usage(std::string_view model, const llm::usage& tokens, double cost_usd) {
  const std::string m{model};
  tokens_->Add({{"model", m}, {"kind", "input"}})
      .Increment(static_cast<double>(tokens.input_tokens));
  tokens_->Add({{"model", m}, {"kind", "output"}})
      .Increment(static_cast<double>(tokens.output_tokens));
  tokens_->Add({{"model", m}, {"kind", "cache_write"}})
      .Increment(static_cast<double>(tokens.cache_creation_input_tokens));
  tokens_->Add({{"model", m}, {"kind", "cache_read"}})
      .Increment(static_cast<double>(tokens.cache_read_input_tokens));
  cost_->Add({{"model", m}}).Increment(cost_usd);
}

std::string metrics::render() const {
  return prometheus::TextSerializer{}.Serialize(registry_->Collect());
}

}  // namespace openhouse::runtime
