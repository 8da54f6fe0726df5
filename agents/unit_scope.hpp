#pragma once

#include "core/cache_unit.hpp"
#include "core/messages.hpp"

#include <span>

#include <string_view>

/// The scope of a unit whose prompt reads nothing of the lead but their text
/// (the intent, the facts said in one message, the bot's answer to it).
namespace openhouse::agents {

/// True when `text` asks about the lead's own home ("what's my house worth",
/// "how long would our place sit") and the lead has said where it is: an
/// address in one of their recent texts (`history`, role "user"), or a zip
/// code among their facts' areas (`areas`, kept longer than the history).
/// The answer is then theirs alone, not a topic's.
[[nodiscard]] bool asks_about_own_home(std::string_view text,
                                       std::span<const runtime::history_entry> history,
                                       std::span<const std::string> areas = {});

/// Market scope when `text` carries no PII — no email, phone number, street
/// address or name by the cache's detectors (a name in any common form and
/// in lower case too: "maria here", "this is dave", "- Tom"; see
/// cache::find_names), and not the lead's own number —
/// so the same text from any lead of the market is one provider call;
/// contact scope otherwise, so a lead's details never reach another lead.
/// The answer itself is checked again before it is stored
/// (cache::check_response).
[[nodiscard]] cache::scope text_unit_scope(std::string_view text, std::string_view contact);

}  // namespace openhouse::agents
