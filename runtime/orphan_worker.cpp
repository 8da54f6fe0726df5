#include "runtime/orphan_worker.hpp"

#include "integrations/postgres/orphan_store.hpp"
#include "runtime/node_parts.hpp"
#include "runtime/orphan_policy.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <array>

namespace openhouse::runtime {

namespace {

/// Texts claimed per tick; the rest wait for the next one, oldest first.
constexpr std::int64_t batch = 50;

struct orphan_state {
  static inline const char* name = "orphan_worker";
  orphan_deps deps;
  std::unique_ptr<postgres::orphan_store> db;
  std::array<prometheus::Counter*, 4> counters{};  ///< answered, flagged, superseded, failed

  void count(std::size_t i) const {
    if (counters[i] != nullptr) counters[i]->Increment();
  }
};

constexpr std::size_t answered = 0;
constexpr std::size_t flagged = 1;
constexpr std::size_t superseded = 2;
constexpr std::size_t failed = 3;

using self_ptr = orphan_actor::stateful_pointer<orphan_state>;

std::string default_node_name() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string{host.data()} + ":" + std::to_string(getpid());
}

/// Runs the turn again; the outcome is recorded when it answers.
void answer(self_ptr self, const postgres::orphan_row& row) {
  auto& st = self->state;
  const auto& cfg = *st.deps.config;
  inbound_sms msg;
  msg.sid = row.sid;
  msg.from = row.contact;
  msg.to = cfg.market.phone_number;
  msg.body = row.body;
  // Now, not when it was first recorded: the turn takes the lead's lease
  // from this instant, so no other node takes the lead over mid-turn.
  msg.received_at_ms = st.deps.time->now_ms();
  const auto id = row.id;
  const auto sid = row.sid;
  self->request(st.deps.router, turn_deadline(cfg), std::move(msg))
      .then(
          [self, id, sid](const turn_result&) {
            auto& st = self->state;
            try {
              st.db->settle(id, outcome_of(orphan_action::answer));
              st.count(answered);
              spdlog::info("orphaned turn {}: answered", sid);
            } catch (const std::exception& e) {
              // Answered all the same: a later claim finds its reply and skips it.
              spdlog::warn("orphaned turn {}: answered, outcome not recorded: {}", sid, e.what());
            }
          },
          [self, sid](const caf::error& err) {
            // Claimed still: taken again once the claim is old, or flagged
            // once the text outgrows orphan_max_age.
            self->state.count(failed);
            spdlog::warn("orphaned turn {}: not answered yet: {}", sid, self->system().render(err));
          });
}

/// One look at the database; returns how many texts it claimed.
std::int32_t run_tick(self_ptr self) {
  auto& st = self->state;
  const auto& cfg = *st.deps.config;
  const auto now_ms = st.deps.time->now_ms();
  std::int32_t claimed = 0;
  try {
    const auto rows = st.db->claim(
        orphan_claim_at(now_ms, cfg.runtime, 2 * turn_deadline(cfg), st.deps.node, batch));
    claimed = static_cast<std::int32_t>(rows.size());
    for (const auto& row : rows) {
      const auto age = std::chrono::milliseconds{now_ms - row.received_at_ms};
      switch (orphan_action_of(row.superseded, age, cfg.runtime.orphan_max_age, cfg.twilio.mode)) {
        case orphan_action::answer:
          answer(self, row);
          break;
        case orphan_action::flag:
          if (st.db->flag(row.id, now_ms)) {
            st.count(flagged);
            spdlog::warn("orphaned turn {}: flagged for a person (its turn was cut off)", row.sid);
          }
          break;
        case orphan_action::supersede:
          st.db->settle(row.id, outcome_of(orphan_action::supersede));
          st.count(superseded);
          break;
      }
    }
  } catch (const std::exception& e) {
    // Nothing half-done: a claim without an outcome is taken again later.
    spdlog::warn("orphaned turns: {}", e.what());
  }
  return claimed;
}

orphan_actor::behavior_type orphan_worker(self_ptr self, orphan_deps deps) {
  auto& st = self->state;
  st.deps = std::move(deps);
  if (st.deps.node.empty()) st.deps.node = default_node_name();
  const auto& cfg = *st.deps.config;
  st.db = std::make_unique<postgres::orphan_store>(cfg.storage.database_url, cfg.market.id);
  if (st.deps.metrics) {
    auto& family = prometheus::BuildCounter()
                       .Name("openhouse_orphaned_turns_total")
                       .Help(
                           "Texts stored without a reply (their turn was cut off) that a node "
                           "took up, by outcome (answered, flagged, superseded, failed)")
                       .Register(st.deps.metrics->registry());
    st.counters = {&family.Add({{"outcome", "answered"}}), &family.Add({{"outcome", "flagged"}}),
                   &family.Add({{"outcome", "superseded"}}), &family.Add({{"outcome", "failed"}})};
  }
  if (st.deps.poll) self->send(self, tick_atom_v, std::uint64_t{0});
  return {
      [self](tick_atom) -> std::int32_t { return run_tick(self); },
      [self](tick_atom, std::uint64_t n) {
        run_tick(self);
        self->delayed_send(self, self->state.deps.config->runtime.orphan_poll, tick_atom_v, n + 1);
      },
  };
}

}  // namespace

orphan_actor spawn_orphan_worker(caf::actor_system& sys, orphan_deps deps) {
  return sys.spawn<caf::detached>(orphan_worker, std::move(deps));
}

}  // namespace openhouse::runtime
