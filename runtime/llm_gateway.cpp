#include "runtime/llm_gateway.hpp"

#include "integrations/llm/budget.hpp"
#include "integrations/llm/circuit_breaker.hpp"
#include "integrations/llm/model_router.hpp"
#include "integrations/llm/pricing.hpp"
#include "integrations/llm/prompt_prefix.hpp"
#include "integrations/llm/retry_policy.hpp"
#include "integrations/llm/shared_budget.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace openhouse::runtime {

caf::error make_error(gateway_errc code, std::string message) {
  return caf::error{static_cast<std::uint8_t>(code), gateway_error_category,
                    caf::make_message(std::move(message))};
}

std::string_view to_string(gateway_errc code) {
  switch (code) {
    case gateway_errc::over_budget:
      return "over_budget";
    case gateway_errc::circuit_open:
      return "circuit_open";
    case gateway_errc::deadline:
      return "deadline";
  }
  return "unknown";
}

namespace {

using time_point = clock::time_point;

/// One call in flight: it may go through several attempts.
struct pending_call {
  llm_call call;
  time_point started;
  std::string day;                    ///< the market-local day it is billed to
  std::int64_t estimated_tokens = 0;  ///< worst case: input + max output
  double estimated_usd = 0;
  int attempt = 0;
  caf::typed_response_promise<llm_answer> promise;
};

struct gateway_state {
  static inline const char* name = "llm_gateway";

  gateway_deps deps;
  std::shared_ptr<const llm::model_router> router;
  std::unique_ptr<llm::retry_policy> retry;
  std::unique_ptr<llm::circuit_breaker> breaker;
  /// This node's own spending: what budgets are decided on when the fleet's
  /// count in Redis cannot be read, and a floor under it when it can.
  std::unique_ptr<llm::budget_tracker> budget;
  std::optional<budget_metrics> budget_counters;
  std::unordered_map<std::uint64_t, pending_call> pending;
  std::uint64_t next_id = 1;
};

/// The gateway's own interface plus the timer message it sends itself.
using gateway_impl = gateway_actor::extend<caf::reacts_to<retry_atom, std::uint64_t>>;
using self_ptr = gateway_impl::stateful_pointer<gateway_state>;

const config::model_price& price_of(const gateway_state& st, const std::string& model) {
  static const config::model_price unpriced{};
  const auto& prices = st.deps.config->llm.prices;
  const auto i = prices.find(model);
  return i == prices.end() ? unpriced : i->second;
}

ledger_row make_row(const pending_call& p, time_point now) {
  ledger_row row;
  row.at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  row.contact = p.call.contact;
  row.task = p.call.task;
  row.model = p.call.request.model;
  row.latency_ms = static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now - p.started).count());
  row.attempts = p.attempt;
  return row;
}

void record(self_ptr self, ledger_row row) {
  if (self->state.deps.ledger) {
    self->send(self->state.deps.ledger, std::move(row));
  }
}

void attempt(self_ptr self, std::uint64_t id);

void fail(self_ptr self, std::uint64_t id, const caf::error& err, std::string_view outcome) {
  auto& st = self->state;
  auto i = st.pending.find(id);
  if (i == st.pending.end()) {
    return;
  }
  auto& p = i->second;
  auto row = make_row(p, st.deps.time->now());
  row.outcome = std::string{outcome};
  record(self, std::move(row));
  spdlog::warn("gateway: {} call for '{}' failed after {} attempt(s): {}", p.call.request.model,
               p.call.task, p.attempt, outcome);
  p.promise.deliver(err);
  st.pending.erase(i);
}

void on_answer(self_ptr self, std::uint64_t id, llm::messages_response resp) {
  auto& st = self->state;
  auto i = st.pending.find(id);
  if (i == st.pending.end()) {
    return;
  }
  auto& p = i->second;
  const auto now = st.deps.time->now();
  st.breaker->on_success(now);
  const auto& price = price_of(st, p.call.request.model);
  llm_answer answer;
  answer.model = p.call.request.model;
  answer.cost_usd = llm::cost_usd(price, resp.tokens);
  answer.baseline_cost_usd = llm::baseline_cost_usd(price, resp.tokens);
  answer.attempts = p.attempt;
  const auto& u = resp.tokens;
  const auto tokens =
      u.input_tokens + u.output_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
  st.budget->record(p.call.contact, p.day, tokens, answer.cost_usd);
  if (st.deps.budget_store) {
    self->send(st.deps.budget_store, count_atom_v, p.call.contact, p.day,
               static_cast<std::int64_t>(tokens), answer.cost_usd);
  }
  if (st.deps.metrics) {
    st.deps.metrics->record_usage(answer.model, u, answer.cost_usd);
  }
  auto row = make_row(p, now);
  row.input_tokens = u.input_tokens;
  row.output_tokens = u.output_tokens;
  row.cache_write_tokens = u.cache_creation_input_tokens;
  row.cache_read_tokens = u.cache_read_input_tokens;
  row.cost_usd = answer.cost_usd;
  row.baseline_cost_usd = answer.baseline_cost_usd;
  row.outcome = "ok";
  record(self, std::move(row));
  answer.response = std::move(resp);
  p.promise.deliver(std::move(answer));
  st.pending.erase(i);
}

void on_error(self_ptr self, std::uint64_t id, const caf::error& err) {
  auto& st = self->state;
  auto i = st.pending.find(id);
  if (i == st.pending.end()) {
    return;
  }
  auto& p = i->second;
  const auto now = st.deps.time->now();
  const auto failure = provider_error(err);
  if (llm::classify(failure) == llm::retry_class::give_up) {
    // Our request, key or money: the provider is fine, the breaker is not touched.
    return fail(self, id, err, llm::to_string(failure.code));
  }
  st.breaker->on_failure(now);
  const auto delay =
      st.retry->next_delay(p.attempt, failure, p.started, now,
                           id * 0x9E3779B97F4A7C15ULL + static_cast<unsigned>(p.attempt));
  if (!delay) {
    return fail(self, id, err, llm::to_string(failure.code));
  }
  // The wait runs on the actor clock: nothing blocks, and tests control time.
  self->delayed_send(self, *delay, retry_atom_v, id);
}

void attempt(self_ptr self, std::uint64_t id) {
  auto& st = self->state;
  auto i = st.pending.find(id);
  if (i == st.pending.end()) {
    return;
  }
  auto& p = i->second;
  if (!st.breaker->allow(st.deps.time->now())) {
    return fail(self, id, make_error(gateway_errc::circuit_open, "provider circuit open"),
                "circuit_open");
  }
  ++p.attempt;
  if (st.deps.metrics) {
    st.deps.metrics->count_provider_call(p.call.request.model, p.call.task);
  }
  // The worker's own HTTP timeout bounds the call; this margin only catches a lost worker.
  const auto timeout = st.deps.config->llm.timeout + std::chrono::seconds{2};
  self->request(st.deps.workers, timeout, complete_atom_v, p.call.request)
      .then([self, id](llm::messages_response& resp) { on_answer(self, id, std::move(resp)); },
            [self, id](const caf::error& err) { on_error(self, id, err); });
}

/// Decides the call's budget on `fleet` (what every node has spent, when
/// Redis answered) and this node's own count, then starts it, downgrades
/// it, or refuses it with over_budget.
void admit(self_ptr self, std::uint64_t id, std::optional<llm::fleet_spend> fleet) {
  auto& st = self->state;
  auto i = st.pending.find(id);
  if (i == st.pending.end()) {
    return;
  }
  auto& p = i->second;
  auto contact = st.budget->contact_spend(p.call.contact, p.day);
  auto market = st.budget->market_spend(p.day);
  if (fleet) {
    // Redis may have lost keys (a restart): this node's count is a floor.
    contact = llm::at_least(contact, fleet->contact);
    market = llm::at_least(market, fleet->market);
  }
  if (st.budget_counters) {
    (fleet ? st.budget_counters->checks_shared : st.budget_counters->checks_local).Increment();
  }
  const auto decision = llm::decide(st.deps.config->llm.budgets, contact, market,
                                    p.estimated_tokens, p.estimated_usd);
  if (decision.action == llm::budget_action::fallback) {
    spdlog::warn("gateway: {} budget ({}) exhausted for task '{}' ({} count)",
                 llm::to_string(decision.scope), llm::to_string(decision.metric), p.call.task,
                 fleet ? "fleet" : "this node's");
    p.promise.deliver(
        make_error(gateway_errc::over_budget, std::string{llm::to_string(decision.scope)}));
    st.pending.erase(i);
    return;
  }
  auto& req = p.call.request;
  if (decision.action == llm::budget_action::downgrade) {
    req.model = st.deps.config->llm.budgets.downgrade_model;
  }
  llm::apply_cache_marker(req, price_of(st, req.model).min_cacheable_tokens);
  attempt(self, id);
}

gateway_impl::behavior_type gateway(self_ptr self, gateway_deps deps) {
  auto& st = self->state;
  st.deps = std::move(deps);
  const auto& llm_cfg = st.deps.config->llm;
  st.router = st.deps.router ? st.deps.router : std::make_shared<const llm::model_router>(llm_cfg);
  st.retry = std::make_unique<llm::retry_policy>(llm_cfg.retry);
  st.breaker = std::make_unique<llm::circuit_breaker>(llm_cfg.breaker);
  st.budget = std::make_unique<llm::budget_tracker>(llm_cfg.budgets);
  if (st.deps.metrics) {
    st.budget_counters.emplace(*st.deps.metrics);
  }
  return {
      [self](complete_atom, llm_call& call) -> caf::result<llm_answer> {
        auto& st = self->state;
        const auto now = st.deps.time->now();
        auto& req = call.request;
        req.task = call.task;
        const auto input_tokens = llm::estimate_input_tokens(req);
        if (req.model.empty()) {
          req.model = st.router->route(call.task, input_tokens);
        }
        // Budgets are checked before the call with a worst-case estimate.
        llm::usage worst;
        worst.input_tokens = static_cast<std::int64_t>(input_tokens);
        worst.output_tokens = static_cast<std::int64_t>(req.max_tokens);

        const auto id = st.next_id++;
        auto& p = st.pending[id];
        p.started = now;
        p.day = st.deps.zone->day_key(now);
        p.estimated_tokens = worst.input_tokens + worst.output_tokens;
        p.estimated_usd = llm::baseline_cost_usd(price_of(st, req.model), worst);
        p.promise = self->make_response_promise<llm_answer>();
        p.call = std::move(call);
        auto promise = p.promise;
        if (!st.deps.budget_store) {
          admit(self, id, std::nullopt);
          return promise;
        }
        // The fleet's count first (one Redis round trip in the store's
        // thread); without an answer in time, this node's own count decides.
        const auto wait =
            std::max(std::chrono::milliseconds{1000}, 4 * st.deps.config->cache.redis_timeout);
        self->request(st.deps.budget_store, wait, load_atom_v, p.call.contact, p.day)
            .then(
                [self, id](bool shared, std::int64_t contact_tokens, double contact_usd,
                           std::int64_t market_tokens, double market_usd) {
                  if (!shared) {
                    return admit(self, id, std::nullopt);
                  }
                  admit(
                      self, id,
                      llm::fleet_spend{{contact_tokens, contact_usd}, {market_tokens, market_usd}});
                },
                [self, id](const caf::error&) { admit(self, id, std::nullopt); });
        return promise;
      },
      [self](retry_atom, std::uint64_t id) { attempt(self, id); },
  };
}

}  // namespace

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_deps deps) {
  return caf::actor_cast<gateway_actor>(sys.spawn(gateway, std::move(deps)));
}

}  // namespace openhouse::runtime
