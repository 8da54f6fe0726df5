#pragma once

#include "core/llm_messages.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>

namespace openhouse::runtime {

/// The node's Prometheus registry and the instruments the front end and the
/// actors update. Thread-safe; one instance per node, passed down.
class metrics {
 public:
  metrics();

  /// Counts one webhook answer and observes its duration.
  void observe_webhook(std::string_view route, int status, double seconds);

  /// Counts one provider call (each attempt is one).
  void count_provider_call(std::string_view model, std::string_view task);

  /// Adds an answered call's tokens (by kind) and dollars.
  void record_usage(std::string_view model, const llm::usage& tokens, double cost_usd);

  /// The counter of cache requests by task and outcome (l1, l2, l3, miss,
  /// bypass, coalesced). Returned by reference so the cache actor can keep it:
  /// the hit path must not look labels up on every request.
  [[nodiscard]] prometheus::Counter& cache_requests(std::string_view task,
                                                    std::string_view outcome);

  /// The lookup-latency histogram of one tier (l1, l2, l3, provider).
  [[nodiscard]] prometheus::Histogram& cache_lookup(std::string_view tier);

  /// The similarity of served L3 hits, by task.
  [[nodiscard]] prometheus::Histogram& cache_similarity(std::string_view task);

  /// Counts one check of a served L3 hit against a fresh provider answer, by
  /// task and verdict ("agree", "disagree", "error"), and sets that task's
  /// estimated false-hit rate (disagree / (agree + disagree)).
  void count_l3_verification(std::string_view task, std::string_view verdict,
                             double estimated_false_hit_rate);

  /// Counts one bypass by task and reason (streaming, greeting, pii_phone, ...).
  void count_cache_bypass(std::string_view task, std::string_view reason);

  /// Counts one cache event: "l1_eviction", "l2_error", "l2_skipped",
  /// "invalidation_<kind>", "pubsub_eviction", "generation_upgrade", ...
  void count_cache_event(std::string_view event, double n = 1);

  /// Counts one handoff between bots.
  void count_handoff(std::string_view from, std::string_view to);

  /// Counts one request for the agent (a tour or a valuation), by kind.
  void count_agent_request(std::string_view kind);

  /// Counts one temperature change of a lead, by the new temperature.
  void count_temperature_change(std::string_view to);

  /// Counts one compliance event: "opt_out", "opt_out_wish" (in words, not a
  /// keyword), "opt_in", "help", "suppressed"
  /// (a message from an opted-out lead, not answered), "escalated".
  void count_compliance(std::string_view event);

  /// Counts one turn answered with the market's fallback reply, by reason:
  /// "budget" (a unit outlasted reply.budget), "provider" (the provider or
  /// the bot failed), "empty" (no usable answer).
  void count_fallback_reply(std::string_view reason);

  /// Counts one outbox send attempt by kind (sms, crm_tags, crm_note) and
  /// outcome (sent, retry, failed: a permanent 4xx or attempts exhausted).
  void count_outbox(std::string_view kind, std::string_view outcome);

  /// Counts one follow-up the worker decided on, by outcome (sent, declined,
  /// raced, lead_quiet_hours).
  void count_follow_up(std::string_view outcome);

  /// Counts one follow-up worker tick, by outcome (ran, quiet_hours, error).
  void count_follow_up_tick(std::string_view outcome);

  /// Counts one timer set on the actor clock, by kind ("turn_deadline",
  /// "idle", "http_deadline", ...): each is an insert on CAF's clock thread
  /// and, in CAF 0.17, a message later even when nothing waits any more.
  void count_timer(std::string_view kind);

  /// The Prometheus text exposition of everything registered.
  [[nodiscard]] std::string render() const;

  [[nodiscard]] prometheus::Registry& registry() { return *registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* webhook_requests_;
  prometheus::Family<prometheus::Histogram>* webhook_duration_;
  prometheus::Family<prometheus::Counter>* provider_calls_;
  prometheus::Family<prometheus::Counter>* tokens_;
  prometheus::Family<prometheus::Counter>* cost_;
  prometheus::Family<prometheus::Counter>* cache_requests_;
  prometheus::Family<prometheus::Histogram>* cache_lookup_;
  prometheus::Family<prometheus::Histogram>* cache_similarity_;
  prometheus::Family<prometheus::Counter>* cache_bypasses_;
  prometheus::Family<prometheus::Counter>* l3_verifications_;
  prometheus::Family<prometheus::Gauge>* l3_false_hit_rate_;
  prometheus::Family<prometheus::Counter>* cache_events_;
  prometheus::Family<prometheus::Counter>* handoffs_;
  prometheus::Family<prometheus::Counter>* agent_requests_;
  prometheus::Family<prometheus::Counter>* temperature_changes_;
  prometheus::Family<prometheus::Counter>* compliance_;
  prometheus::Family<prometheus::Counter>* fallback_replies_;
  prometheus::Family<prometheus::Counter>* outbox_attempts_;
  prometheus::Family<prometheus::Counter>* follow_ups_;
  prometheus::Family<prometheus::Counter>* follow_up_ticks_;
  prometheus::Family<prometheus::Counter>* timers_set_;
};

}  // namespace openhouse::runtime
