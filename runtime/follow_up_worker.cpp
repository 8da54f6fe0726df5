#include "runtime/follow_up_worker.hpp"

#include "agents/compliance.hpp"
#include "agents/follow_up.hpp"
#include "integrations/postgres/follow_up_store.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

namespace openhouse::runtime {

namespace {

/// Leads looked at per tick; the rest wait for the next one (oldest silence
/// first), so one tick never holds the worker for long.
constexpr std::size_t batch = 200;

struct follow_up_state {
  static inline const char* name = "follow_up_worker";
  follow_up_deps deps;
  std::unique_ptr<postgres::follow_up_store> db;
  std::string body;  ///< the rendered text, the same for every lead

  void count(std::string_view outcome) const {
    if (deps.metrics) deps.metrics->count_follow_up(outcome);
  }
  void count_tick(std::string_view outcome) const {
    if (deps.metrics) deps.metrics->count_follow_up_tick(outcome);
  }
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
    st.count_tick("quiet_hours");
    return {0, true};
  }
  std::int32_t written = 0;
  try {
    // Leads whose own clock is in quiet hours come last in the batch, so a
    // crowd of them waiting for their morning never keeps the others from
    // their follow-ups.
    const auto leads =
        st.db->candidates(now_ms - cfg.follow_up.after.count(), cfg.follow_up.max_per_silence,
                          batch, st.deps.leads->area_codes_in_quiet_hours(cfg.quiet, now));
    for (const auto& lead : leads) {
      const auto local = st.deps.leads->local_times(*st.deps.zone, lead.phone, now);
      // The lead's number and the instant are fixed for this tick: a lead
      // in its own quiet hours needs no lock to be told to wait.
      if (agents::quiet_for_lead(cfg.quiet, local) == agents::follow_up_verdict::lead_quiet_hours) {
        st.count(agents::to_string(agents::follow_up_verdict::lead_quiet_hours));
        continue;
      }
      const auto decide = [&](const agents::silence& s) {
        return agents::follow_up_due(cfg.follow_up, cfg.quiet, local, now_ms, s);
      };
      const auto out = st.db->send_follow_up(lead, st.body, now_ms, decide);
      if (out.written) {
        ++written;
        st.count("sent");
        spdlog::info("follow-up: {} to {} written", out.key, agents::mask_pii(lead.phone));
      } else if (out.verdict == agents::follow_up_verdict::send) {
        st.count("raced");
      } else {
        st.count("declined");
        spdlog::debug("follow-up: {} skipped ({})", agents::mask_pii(lead.phone),
                      agents::to_string(out.verdict));
      }
    }
    st.count_tick("ran");
  } catch (const std::exception& e) {
    // Nothing half-written: each follow-up is its own transaction. The next
    // tick looks again.
    st.count_tick("error");
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
  if (!deps.leads) deps.leads = std::make_shared<const lead_zones>();
  return sys.spawn<caf::detached>(follow_up_worker, std::move(deps));
}

}  // namespace openhouse::runtime
