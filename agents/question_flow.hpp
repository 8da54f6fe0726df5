#pragma once

#include "agents/facts.hpp"
#include "config/market.hpp"
#include "core/messages.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

/// The reply sent to the lead: the bot's answer to their text without any
/// question of its own (without_questions), then the flow's next question:
/// one question at most, and the flow's, chosen by code from the facts. An
/// answer that was nothing but questions gives way to the flow's question;
/// with no flow question either, its first sentence stands alone.
[[nodiscard]] std::string compose_reply(std::string_view answer,
                                        const std::optional<std::string>& question);

/// `text` without its questions: the sentences that end with '?' are
/// dropped, the others kept in order, one space apart.
[[nodiscard]] std::string without_questions(std::string_view text);

/// The sentences of `text` that ask something (end with '?').
[[nodiscard]] std::vector<std::string> questions_in(std::string_view text);

/// The facts a question asks for, by its words (canonical fact names, see
/// fact_known; "goal" for "buy or sell"): "What price range are you
/// shopping in?" -> {"budget_usd"}. For measuring what replies ask.
[[nodiscard]] std::vector<std::string> facts_asked(std::string_view question);

}  // namespace openhouse::agents
