#include "runtime/follow_up_worker.hpp"

#include "agents/compliance.hpp"
#include "agents/follow_up.hpp"
#include "integrations/postgres/follow_up_store.hpp"

#include <caf/all.hpp>

#include <prometheus/counter.h>
#include <prometheus/family.h>

#include <spdlog/spdlog.h>

namespace openhouse::runtime {

namespace {

/// Leads looked at per tick; the rest wait for the next one (oldest silence
/// first), so one tick never holds the worker for long.
constexpr std::size_t batch = 200;

/// The worker's counters on the node's registry (Merge: a second worker on
/// the same registry shares them).
struct follow_up_counters {
  prometheus::Family<prometheus::Counter>* follow_ups = nullptr;
  prometheus::Family<prometheus::Counter>* ticks = nullptr;

  explicit follow_up_counters(runtime::metrics* m) {
    if (m == nullptr) return;
    follow_ups = &prometheus::BuildCounter()
                      .Name("openhouse_follow_ups_total")
                      .Help("Follow-ups to silent leads by outcome: sent (written to the "
                            "outbox), declined (the lead changed before its lock was held), "
                            "raced (another node or tick wrote it)")
                      .Register(m->registry());
    ticks = &prometheus::BuildCounter()
                 .Name("openhouse_follow_up_ticks_total")
                 .Help("Follow-up worker ticks by outcome: ran, quiet_hours (skipped: the "
                       "market's local time is in quiet hours), error")
                 .Register(m->registry());
  }

  void follow_up(std::string_view outcome) const {
    if (follow_ups) follow_ups->Add({{"outcome", std::string{outcome}}}).Increment();
  }
  void tick(std::string_view outcome) const {
    if (ticks) ticks->Add({{"outcome", std::string{outcome}}}).Increment();
  }
};

struct follow_up_state {
  static inline const char* name = "follow_up_worker";
  follow_up_deps deps;
  std::unique_ptr<postgres::follow_up_store> db;
  std::unique_ptr<follow_up_counters> counters;
  std::string body;  ///< the rendered text, the same for every lead
};

using self_ptr = follow_up_actor::stateful_pointer<follow_up_state>;

/// One look at the database; (written, held for quiet hours).
std::pair<std::int32_t, bool> run_tick(self_ptr self) {
  auto& st = self->state;
  const auto& cfg = *st.deps.config;
  const auto now = st.deps.time->now();
  const auto now_ms = st.deps.time->now_ms();
  const int minute = st.deps.zone->minute_of_day(now);
  // The whole tick waits: nothing is due to be written before the window
  // ends, and the database is not asked for leads it may not text.
  if (agents::in_quiet_hours(cfg.quiet, minute)) {
    st.counters->tick("quiet_hours");
    return {0, true};
  }
  std::int32_t written = 0;
  try {
    const auto leads =
        st.db->candidates(now_ms - cfg.follow_up.after.count(), cfg.follow_up.max_per_silence,
                          batch);
    const auto decide = [&](const agents::silence& s) {
      return agents::follow_up_due(cfg.follow_up, cfg.quiet, minute, now_ms, s);
    };
    for (const auto& lead : leads) {
      const auto out = st.db->send_follow_up(lead, st.body, now_ms, decide);
      if (out.written) {
        ++written;
        st.counters->follow_up("sent");
        spdlog::info("follow-up: {} to {} written", out.key, agents::mask_pii(lead.phone));
      } else if (out.verdict == agents::follow_up_verdict::send) {
        st.counters->follow_up("raced");
      } else {
        st.counters->follow_up("declined");
        spdlog::debug("follow-up: {} skipped ({})", agents::mask_pii(lead.phone),
                      agents::to_string(out.verdict));
      }
    }
    st.counters->tick("ran");
  } catch (const std::exception& e) {
    // Nothing half-written: each follow-up is its own transaction. The next
    // tick looks again.
    st.counters->tick("error");
    spdlog::warn("follow-up: {}", e.what());
  }
  if (written > 0 && st.deps.outbox) caf::anon_send(st.deps.outbox, tick_atom_v);
  return {written, false};
}

follow_up_actor::behavior_type follow_up_worker(self_ptr self, follow_up_deps deps) {
  auto& st = self->state;
  st.deps = std::move(deps);
  const auto& cfg = *st.deps.config;
  st.db = std::make_unique<postgres::follow_up_store>(cfg.storage.database_url, cfg.market.id,
                                                      postgres::outbox_policy_of(cfg));
  st.counters = std::make_unique<follow_up_counters>(st.deps.metrics.get());
  st.body = agents::render_follow_up(cfg.follow_up, cfg.market.business_name);
  if (st.deps.poll) self->send(self, tick_atom_v, std::uint64_t{0});
  return {
      [self](tick_atom) -> caf::result<std::int32_t, bool> {
        const auto r = run_tick(self);
        return {r.first, r.second};
      },
      [self](tick_atom, std::uint64_t n) {
        run_tick(self);
        self->delayed_send(self, self->state.deps.config->follow_up.poll, tick_atom_v, n + 1);
      },
  };
}

}  // namespace

follow_up_actor spawn_follow_up_worker(caf::actor_system& sys, follow_up_deps deps) {
  return sys.spawn<caf::detached>(follow_up_worker, std::move(deps));
}

}  // namespace openhouse::runtime
