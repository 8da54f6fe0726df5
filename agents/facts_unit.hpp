#pragma once

#include "config/market.hpp"
#include "core/cache_messages.hpp"
#include "core/messages.hpp"

#include <span>
#include <string_view>

/// The fact-extraction unit of a turn (DESIGN.md "A turn", step 3): the LLM
/// reads what the lead has said and answers the facts as JSON, which
/// agents/facts validates. Keyed by the new message and the question it answers.
namespace openhouse::agents {

inline constexpr std::string_view facts_task = "facts";
inline constexpr std::string_view facts_template = "facts@2";

[[nodiscard]] std::string facts_system_prompt();

/// The facts `inbound` reveals next to the flow question the bots last asked
/// (agents::asked_question): market-scoped when the message carries no PII,
/// contact-scoped otherwise (agents::text_unit_scope). Earlier facts come
/// from the stored state.
[[nodiscard]] cache::cache_request build_facts_request(
    const config::market_config& cfg, std::span<const runtime::history_entry> history,
    std::string_view contact, const runtime::inbound_sms& inbound, const cache::generations& g,
    bool generations_verified);

}  // namespace openhouse::agents
