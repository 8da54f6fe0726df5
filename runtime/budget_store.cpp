#include "runtime/budget_store.hpp"

#include "integrations/llm/shared_budget.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <optional>

namespace openhouse::runtime {

namespace {

// The registry merges a family registered twice (the gateway and the store
// both ask for these; so do two nodes of one test): one series per label set.
prometheus::Family<prometheus::Counter>& checks(runtime::metrics& m) {
  return prometheus::BuildCounter()
      .Name("openhouse_llm_budget_checks_total")
      .Help("Budget checks before a provider call, by the count they read")
      .Register(m.registry());
}

prometheus::Family<prometheus::Counter>& charges(runtime::metrics& m) {
  return prometheus::BuildCounter()
      .Name("openhouse_llm_budget_charges_total")
      .Help("Provider calls' usage added to the fleet's daily totals, by outcome")
      .Register(m.registry());
}

}  // namespace

budget_metrics::budget_metrics(runtime::metrics& m)
    : checks_shared(checks(m).Add({{"source", "shared"}})),
      checks_local(checks(m).Add({{"source", "local"}})),
      charges_shared(charges(m).Add({{"outcome", "shared"}})),
      charges_kept(charges(m).Add({{"outcome", "kept"}})) {}

namespace {

struct budget_store_state {
  static inline const char* name = "budget_store";
  /// Null when the URL does not parse (the loader refuses such a URL; tests
  /// may not): every read then answers "not shared".
  std::unique_ptr<llm::shared_budget> budget;
  std::optional<budget_metrics> counters;
};

budget_store_actor::behavior_type budget_store(
    budget_store_actor::stateful_pointer<budget_store_state> self,
    const budget_store_settings& settings, const std::shared_ptr<runtime::metrics>& metrics) {
  auto& st = self->state;
  if (auto ep = redis::parse_url(settings.redis_url)) {
    llm::shared_budget::settings s;
    s.prefix = settings.prefix;
    s.market = settings.market;
    s.timeout = settings.timeout;
    st.budget = std::make_unique<llm::shared_budget>(*ep, std::move(s));
  } else {
    spdlog::warn("budget: the Redis URL does not parse; each node counts its own spending");
  }
  if (metrics) {
    st.counters.emplace(*metrics);
  }
  return {
      [self](load_atom, const std::string& contact, const std::string& day)
          -> caf::result<bool, std::int64_t, double, std::int64_t, double> {
        auto& st = self->state;
        if (!st.budget) {
          return {false, 0, 0.0, 0, 0.0};
        }
        const auto fleet = st.budget->read(contact, day, llm::shared_budget::clock::now());
        if (!fleet) {
          return {false, 0, 0.0, 0, 0.0};
        }
        return {true, fleet->contact.tokens, fleet->contact.usd, fleet->market.tokens,
                fleet->market.usd};
      },
      [self](count_atom, const std::string& contact, const std::string& day, std::int64_t tokens,
             double usd) {
        auto& st = self->state;
        if (!st.budget) {
          return;
        }
        const bool shared =
            st.budget->charge(contact, day, tokens, usd, llm::shared_budget::clock::now());
        if (st.counters) {
          (shared ? st.counters->charges_shared : st.counters->charges_kept).Increment();
        }
      },
  };
}

}  // namespace

budget_store_actor spawn_budget_store(caf::actor_system& sys, budget_store_settings settings,
                                      std::shared_ptr<runtime::metrics> metrics) {
  return sys.spawn<caf::detached>(budget_store, std::move(settings), std::move(metrics));
}

}  // namespace openhouse::runtime
