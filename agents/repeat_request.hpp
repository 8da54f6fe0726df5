#pragma once

#include "core/messages.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

/// A lead asking to hear an earlier answer again ("what did you say about
/// closing costs again? lost the msg"). Its answer is the one this lead was
/// given — which depends on what they asked then (the city, their home) —
/// so it is read from their own history, not asked of a shared unit.
namespace openhouse::agents {

/// True when `text` asks for something said before: "what did you say / tell
/// me about ...", "can you repeat ...", "say that again", "lost the msg",
/// "resend that".
[[nodiscard]] bool asks_to_repeat(std::string_view text);

/// The bot's answer to the lead's most recent earlier text that `same_ask`
/// accepts (history is oldest first; an answer is the "assistant" entry
/// right after a "user" one), or nullopt. Empty answers (an opt-out's
/// silence) are skipped.
[[nodiscard]] std::optional<std::string> earlier_answer(
    std::span<const runtime::history_entry> history,
    const std::function<bool(std::string_view lead_text)>& same_ask);

}  // namespace openhouse::agents
