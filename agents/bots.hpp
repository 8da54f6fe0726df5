#pragma once

#include "agents/handoff_policy.hpp"
#include "cache/messages.hpp"
#include "config/market.hpp"
#include "runtime/messages.hpp"

#include <string>
#include <string_view>

/// The three bots' replies (DESIGN.md "A turn", step 6): one template, a
/// persona, a goal and a question flow per bot, all from the market's YAML.
/// Plain functions: the conversation actor decides which bot speaks.
namespace openhouse::agents {

/// Version of the bots' reply template; part of every reply key.
inline constexpr std::string_view bot_reply_template = "bot.reply@1";

/// The market's city names, comma-separated, for prompts.
[[nodiscard]] std::string served_cities(const config::market_config& cfg);

/// The stable system prompt of `bot`: persona, market facts, goal, question
/// flow and rules. Nothing volatile, so the provider's prompt cache can hit.
[[nodiscard]] std::string bot_system_prompt(const config::market_config& cfg, bot_kind bot);

/// The reply of `bot` to `inbound` as a contact-scoped cache unit, keyed by
/// the bot's prompt, the recent history, the inbound text and the handoff
/// context the bot received (empty when none).
[[nodiscard]] cache::cache_request build_bot_reply(const config::market_config& cfg, bot_kind bot,
                                                  const runtime::conversation_snapshot& conversation,
                                                  std::string_view contact,
                                                  const runtime::inbound_sms& inbound,
                                                  std::string_view handoff_context,
                                                  const cache::generations& g,
                                                  bool generations_verified);

}  // namespace openhouse::agents
