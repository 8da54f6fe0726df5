#include "runtime/bot.hpp"

#include "agents/bots.hpp"
#include "agents/lead_state.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace openhouse::runtime {

const bot_actor& bot_team::of(agents::bot_kind kind) const noexcept {
  switch (kind) {
    case agents::bot_kind::buyer:
      return buyer;
    case agents::bot_kind::seller:
      return seller;
    case agents::bot_kind::lead:
      break;
  }
  return lead;
}

std::chrono::milliseconds llm_unit_deadline(const config::market_config& cfg) {
  return cfg.llm.retry.deadline + cfg.llm.timeout + std::chrono::seconds{10};
}

std::chrono::milliseconds budgeted_unit_deadline(const config::market_config& cfg,
                                                 std::chrono::nanoseconds left) {
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left);
  return std::clamp(ms, std::chrono::milliseconds{1}, llm_unit_deadline(cfg));
}

agents::unit_provenance unit_provenance_of(std::string_view task,
                                           const cache::cache_reply& answer) {
  agents::unit_provenance u;
  u.task = std::string{task};
  u.outcome = std::string{cache::to_string(answer.outcome)};
  u.source_sid = answer.source_sid;
  u.similarity = answer.similarity;
  u.model = answer.answer.model;
  u.cost_usd = answer.answer.cost_usd;
  return u;
}

bot_actor::behavior_type bot(bot_actor::pointer self, agents::bot_kind kind, bot_deps deps) {
  return {
      [self, kind, deps](bot_turn& turn) -> caf::result<bot_reply> {
        const auto& cfg = *deps.config;
        auto rp = self->make_response_promise<bot_reply>();
        auto req = agents::build_bot_reply(cfg, kind, turn.contact, turn.inbound,
                                           agents::parse_bot_kind(turn.handed_from),
                                           turn.generations, turn.generations_verified);
        // `then`, not `await`: other conversations' turns go on meanwhile.
        self->request(deps.cache, llm_unit_deadline(cfg), cache::lookup_atom_v, std::move(req))
            .then(
                [kind, deps, rp, facts = std::move(turn.facts),
                 history = std::move(turn.history)](const cache::cache_reply& answer) mutable {
                  rp.deliver(bot_reply{
                      agents::finish_bot_reply(*deps.config, kind, answer.answer.response.text,
                                               facts, history),
                      unit_provenance_of(agents::reply_task, answer)});
                },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
  };
}

bot_team spawn_bots(caf::actor_system& sys, const bot_deps& deps) {
  return {sys.spawn(bot, agents::bot_kind::lead, deps),
          sys.spawn(bot, agents::bot_kind::buyer, deps),
          sys.spawn(bot, agents::bot_kind::seller, deps)};
}

}  // namespace openhouse::runtime
