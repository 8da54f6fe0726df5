#pragma once

#include "config/market.hpp"

#include <string>
#include <string_view>

/// SMS compliance rules that need no LLM: carrier keywords, quiet hours, and
/// masking of personal data in logs. Pure functions; the conversation actor
/// applies them before anything else happens on a turn.
namespace openhouse::agents {

/// What a carrier keyword asks for.
enum class compliance_action {
  none,     ///< not a keyword: the turn goes on
  opt_out,  ///< STOP family: opt out, never text again until opt-in
  opt_in,   ///< START / UNSTOP / YES: opt back in
  help,     ///< HELP / INFO: answer with the market's help text
};

/// "none" | "opt_out" | "opt_in" | "help".
[[nodiscard]] std::string_view to_string(compliance_action action) noexcept;

/// Classifies an inbound SMS body. A keyword counts only as the whole
/// message: surrounding whitespace, punctuation, quotes and any non-ASCII
/// symbol (emoji, smart quotes) are trimmed, ASCII case is folded, and what is
/// left must equal one of
///   opt_out: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT
///   opt_in:  START, UNSTOP, YES
///   help:    HELP, INFO
/// so "Stop." is an opt-out and "stop by tomorrow" or "cancel my showing" are
/// not. YES is an opt-in keyword only; whether it means anything depends on
/// the contact being opted out, which the caller knows.
[[nodiscard]] compliance_action classify_compliance(std::string_view body);

/// True when the whole message is YES (trimmed and folded as above): an
/// opt-in only from a lead who opted out; from anyone else, an answer.
[[nodiscard]] bool is_plain_yes(std::string_view body);

/// True when `minute_of_day` (minutes after local midnight, see
/// runtime::time_zone::minute_of_day) falls in the quiet window
/// [start_minute, end_minute). The window may wrap midnight (21:00-08:00);
/// start == end means the market has no quiet hours. Only messages the
/// runtime starts itself are held; replies to an inbound text are not.
[[nodiscard]] bool in_quiet_hours(const config::quiet_hours& quiet, int minute_of_day) noexcept;

/// `text` with phone numbers and email addresses masked, for logs:
/// "+19095550167" -> "+1******67", "(909) 555-0167" -> "******67",
/// "jane.doe@example.com" -> "j***@example.com". The mask has a fixed width so
/// that it does not leak the number's length. A phone number is 10-15 digits
/// (8-15 after a '+') with spaces, dots, dashes or parentheses between
/// groups, and without a '+' its last group must have 4 digits or all digits
/// must be one group, so prices, zip codes, lists of zips and dates stay
/// readable.
[[nodiscard]] std::string mask_pii(std::string_view text);

}  // namespace openhouse::agents
