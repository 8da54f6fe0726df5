#pragma once

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

/// The stable system prefix: persona, market facts and instructions. Nothing
/// volatile goes here, so it is byte-identical across calls and the
/// provider's prompt cache can hit.
std::string lead_system_prompt(const config::market_config& cfg);

/// The provider request for the Lead bot's reply to `inbound`, given the
/// conversation's recent history (oldest first, without `inbound`).
llm::messages_request build_lead_request(const config::market_config& cfg,
                                         const runtime::conversation_snapshot& conversation,
                                         std::string_view inbound);

}  // namespace openhouse::agents
