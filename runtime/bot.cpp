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

bot_actor::behavior_type bot(bot_actor::pointer self, agents::bot_kind kind, bot_deps deps) {
  return {
      [self, kind, deps](bot_turn& turn) -> caf::result<std::string> {
        const auto& cfg = *deps.config;
        auto rp = self->make_response_promise<std::string>();
        auto req = agents::build_bot_reply(cfg, kind, turn.contact, turn.inbound,
                                           agents::parse_bot_kind(turn.handed_from),
                                           turn.generations, turn.generations_verified);
        // `then`, not `await`: other conversations' turns go on meanwhile.
        self->request(deps.cache, llm_unit_deadline(cfg), cache::lookup_atom_v, std::move(req))
            .then(
                [kind, deps, rp, facts = agents::stored_facts(turn.facts_json),
                 history = std::move(turn.history)](const cache::cache_reply& answer) mutable {
                  rp.deliver(agents::finish_bot_reply(*deps.config, kind,
                                                      answer.answer.response.text, facts,
                                                      history));
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
