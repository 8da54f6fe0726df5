#pragma once

#include "agents/facts.hpp"
#include "config/market.hpp"
#include "runtime/messages.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

/// A bot's question flow (YAML `bots.<bot>.questions`), decided by code: the
/// next question is the first one whose fact is still unknown and that the
/// bot did not ask in the recent history. Choosing it here, not in the
/// model's reply, is what makes the rest of the reply a function of the
/// lead's text alone — and so shareable between leads (DESIGN.md "cache at
/// the grain of the answer").
namespace openhouse::agents {

/// Whether `facts` holds the fact named `name` (a canonical fact name); an
/// empty or unknown name is never known.
[[nodiscard]] bool fact_known(const lead_facts& facts, std::string_view name);

/// The flow question `bot_text` (a message the bots sent) ends with, looked
/// up in every bot's flow, or "" when it ends with none. This, not the whole
/// message, is what a lead's answer refers to.
[[nodiscard]] std::string asked_question(const config::bots_settings& bots,
                                         std::string_view bot_text);

/// The next question of `flow` for a lead with `facts`, given the recent
/// `history` (questions asked there are not asked again); nullopt when the
/// flow is done.
[[nodiscard]] std::optional<std::string> next_question(
    const config::bot_settings& flow, const lead_facts& facts,
    std::span<const runtime::history_entry> history);

/// The reply sent to the lead: the bot's answer to their text, then the next
/// question (either may be empty), one space apart.
[[nodiscard]] std::string compose_reply(std::string_view answer,
                                        const std::optional<std::string>& question);

}  // namespace openhouse::agents
