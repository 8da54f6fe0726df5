#pragma once

#include "cache/messages.hpp"
#include "config/market.hpp"
#include "integrations/llm/messages.hpp"
#include "runtime/messages.hpp"

#include <string>
#include <string_view>

/// The Lead bot: qualifies a new lead (buy or sell, timeline, financing or
/// motivation) following the market's question flow. Plain functions: the
/// conversation actor owns state and sequencing, this decides what to ask.
namespace openhouse::agents {

/// The task name of a personalised reply unit (routing, TTL and metrics key).
inline constexpr std::string_view reply_task = "reply";

/// The version of the Lead bot's reply template; part of every reply key, so
/// changing the prompt's wording must change it (old answers then die).
inline constexpr std::string_view lead_reply_template = "lead.reply@1";

/// The stable system prefix: persona, market facts and instructions. Nothing
/// volatile goes here, so it is byte-identical across calls and the
/// provider's prompt cache can hit.
std::string lead_system_prompt(const config::market_config& cfg);

/// The provider request for the Lead bot's reply to `inbound`, given the
/// conversation's recent history (oldest first, without `inbound`).
llm::messages_request build_lead_request(const config::market_config& cfg,
                                         const runtime::conversation_snapshot& conversation,
                                         std::string_view inbound);

/// The Lead bot's reply as a cache unit: contact-scoped (it is personalised
/// and carries what the lead said), keyed by the system prompt, the recent
/// history and the inbound text, under the contact's generations `g`.
/// `generations_verified` says whether `g` was confirmed by Redis this turn.
cache::cache_request build_lead_reply(const config::market_config& cfg,
                                      const runtime::conversation_snapshot& conversation,
                                      std::string_view contact, const runtime::inbound_sms& inbound,
                                      const cache::generations& g, bool generations_verified);

}  // namespace openhouse::agents
