#pragma once

#include "agents/facts.hpp"
#include "agents/handoff_policy.hpp"
#include "config/market.hpp"
#include "core/cache_messages.hpp"
#include "core/messages.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

/// The three bots' replies (DESIGN.md "A turn", step 6): one template, a
/// persona, a goal and a question flow per bot, all from the market's YAML.
/// A reply is the bot's answer to the lead's text (an LLM unit) followed by
/// the next question of its flow (chosen by code from the lead's facts).
/// Plain functions: each bot actor (runtime/bot.hpp) calls them for its own
/// kind, and the conversation actor decides which bot speaks.
namespace openhouse::agents {

/// The task name of a bot's reply unit (routing, TTL and metrics key).
inline constexpr std::string_view reply_task = "reply";

/// Version of the bots' reply template; part of every reply key.
inline constexpr std::string_view bot_reply_template = "bot.reply@2";

/// The market's city names, comma-separated, for prompts.
[[nodiscard]] std::string served_cities(const config::market_config& cfg);

/// The question flow of `bot` (YAML bots.<bot>).
[[nodiscard]] const config::bot_settings& bot_flow(const config::market_config& cfg, bot_kind bot);

/// The stable system prompt of `bot`: persona, market facts, goal and rules.
/// Nothing volatile, so the provider's prompt cache can hit.
[[nodiscard]] std::string bot_system_prompt(const config::market_config& cfg, bot_kind bot);

/// How long the bot's answer may be: the reply's cap less room for the
/// longest flow question that follows it.
[[nodiscard]] std::size_t answer_chars(const config::market_config& cfg);

/// The bot's answer to the lead's text, the first part of its reply (the
/// conversation appends the next question of the flow, agents/question_flow).
/// The prompt reads the bot, the lead's text and, on a handoff turn, the bot
/// handing over — nothing else of the lead — so it is market-scoped when the
/// text carries no PII (agents::text_unit_scope) and contact-scoped otherwise.
[[nodiscard]] cache::cache_request build_bot_reply(const config::market_config& cfg, bot_kind bot,
                                                   std::string_view contact,
                                                   const runtime::inbound_sms& inbound,
                                                   std::optional<bot_kind> handed_from,
                                                   const cache::generations& g,
                                                   bool generations_verified);

/// The reply `bot` sends: its `answer` to the lead's text (capped to
/// answer_chars), then the next question of its flow for a lead with `facts`
/// and recent `history` (agents/question_flow), capped to `reply.max_chars`.
/// "" when the answer is empty: the caller sends the market's fallback.
[[nodiscard]] std::string finish_bot_reply(const config::market_config& cfg, bot_kind bot,
                                           std::string_view answer, const lead_facts& facts,
                                           std::span<const runtime::history_entry> history);

}  // namespace openhouse::agents
