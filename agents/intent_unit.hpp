#pragma once

#include "config/market.hpp"
#include "core/cache_messages.hpp"
#include "core/messages.hpp"

#include <string_view>

/// The intent unit of a turn (DESIGN.md "A turn", step 2): a cheap model
/// classifies one inbound SMS. Its answer depends on the message alone, so
/// its key holds only the message: the same PII-free text from any lead of
/// the market is one provider call for the intent's TTL, on every node.
namespace openhouse::agents {

/// The task name (routing, TTL, metrics).
inline constexpr std::string_view intent_task = "intent";
/// Bump when the prompt below changes.
inline constexpr std::string_view intent_template = "intent@2";

/// The stable system prompt of the intent task.
[[nodiscard]] std::string intent_system_prompt();

/// The cache request classifying `inbound` for `contact`: market-scoped when
/// the text carries no PII, contact-scoped otherwise (agents::text_unit_scope).
[[nodiscard]] cache::cache_request build_intent_request(const config::market_config& cfg,
                                                        std::string_view contact,
                                                        const runtime::inbound_sms& inbound,
                                                        const cache::generations& g,
                                                        bool generations_verified);

}  // namespace openhouse::agents
