#pragma once

#include "agents/handoff_policy.hpp"
#include "cache/llm_cache.hpp"
#include "config/market.hpp"
#include "core/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace openhouse::runtime {

/// A bot: Lead, Buyer or Seller. One actor per bot and market, shared by every
/// conversation; it answers a turn with its reply (its persona and goal from
/// the market's YAML, its answer through the cache, then the next question of
/// its flow), or "" when the provider gave nothing usable, together with
/// where its reply unit's answer came from. It holds no lead state, so it
/// serves many conversations at once; each conversation waits for its own
/// answer, which keeps one lead's messages in order.
using bot_actor = caf::typed_actor<caf::replies_to<bot_turn>::with<bot_reply>>;

/// What every bot uses.
struct bot_deps {
  std::shared_ptr<const config::market_config> config;
  cache::cache_actor cache;  ///< every LLM unit goes through the cache (DESIGN principle 1)
};

/// The three bots of a market, addressed by kind.
struct bot_team {
  bot_actor lead;
  bot_actor buyer;
  bot_actor seller;

  [[nodiscard]] const bot_actor& of(agents::bot_kind kind) const noexcept;
};

/// How long a caller waits for one LLM unit: the gateway bounds its own
/// retries by the configured deadline; the margin only covers a cache or
/// gateway that is gone.
[[nodiscard]] std::chrono::milliseconds llm_unit_deadline(const config::market_config& cfg);

/// How long a conversation waits for a unit asked with `left` of its turn's
/// budget (reply.budget): what is left, at least 1 ms (the unit is still
/// asked, and a cached answer still comes in time), at most llm_unit_deadline.
[[nodiscard]] std::chrono::milliseconds budgeted_unit_deadline(const config::market_config& cfg,
                                                               std::chrono::nanoseconds left);

/// Where the cache's answer to a unit of `task` came from: its tier, the
/// message that filled the entry, the similarity of an L3 hit, the model
/// and what this request paid.
[[nodiscard]] agents::unit_provenance unit_provenance_of(std::string_view task,
                                                         const cache::cache_reply& answer);

/// The behaviour of the bot `kind`.
bot_actor::behavior_type bot(bot_actor::pointer self, agents::bot_kind kind, bot_deps deps);

/// Spawns the market's three bots.
[[nodiscard]] bot_team spawn_bots(caf::actor_system& sys, const bot_deps& deps);

}  // namespace openhouse::runtime
