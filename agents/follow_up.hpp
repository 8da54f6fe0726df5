#pragma once

#include "config/market.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

/// Follow-ups: the one message the runtime starts itself, to a lead who has
/// not answered the bot. Plain functions; the follow-up worker applies them
/// to what the database says (and again under the lead's row lock).
namespace openhouse::agents {

/// A lead's silence as the database sees it.
struct silence {
  /// The bot's last message to the lead (its messages.id) when it is also the
  /// conversation's last message apart from follow-ups; 0 when the lead
  /// spoke last or the bot never did. The follow-ups of one silence hang off it.
  std::int64_t anchor_id = 0;
  std::int64_t last_outbound_ms = 0;  ///< the anchor or the latest follow-up of it
  std::int64_t last_inbound_ms = 0;   ///< the lead's latest message; 0: none
  int follow_ups_sent = 0;            ///< follow-ups of the anchor already written
  /// The anchor asks the lead something (see asks_question). A HELP answer
  /// or an opt-in confirmation waits for nothing, so no follow-up chases it.
  bool anchor_asks = true;
  bool opted_out = false;
  bool muted = false;  ///< escalated to a person: the bots are silent
};

/// What the worker does about one lead now.
enum class follow_up_verdict {
  send,
  disabled,     ///< follow_up.enabled is false
  opted_out,    ///< STOP: never text again
  muted,        ///< a person has the lead
  answered,     ///< the lead spoke after the bot (or the bot never spoke)
  no_question,  ///< the bot's last message asked nothing
  max_reached,  ///< max_per_silence follow-ups of this silence were sent
  not_yet,      ///< the silence is shorter than `after`
  quiet_hours,  ///< local time is in the market's quiet window
  /// The market's window is clear, but local time in a zone of the lead's
  /// area code is inside it.
  lead_quiet_hours,
};

/// "send" | "disabled" | "opted_out" | "muted" | "answered" | "no_question" |
/// "max_reached" | "not_yet" | "quiet_hours" | "lead_quiet_hours".
[[nodiscard]] std::string_view to_string(follow_up_verdict v) noexcept;

/// Local time at one instant, in minutes after local midnight
/// (runtime::time_zone::minute_of_day), where a message would be read.
struct local_times {
  int market_minute = 0;  ///< in the market's zone
  /// In each zone of the lead's area code (agents::lead_time_zones); empty
  /// when the number tells no zone.
  std::vector<int> lead_minutes;
};

/// The quiet-hours rule for a message the runtime starts itself: it may go
/// only when local time is outside the market's quiet window both in the
/// market's zone and in every zone of the lead's area code (the window's
/// start and end are the market's, read on each zone's clock). send,
/// quiet_hours (the market's zone holds it) or lead_quiet_hours (only a
/// zone of the lead holds it).
[[nodiscard]] follow_up_verdict quiet_for_lead(const config::quiet_hours& quiet,
                                               const local_times& local) noexcept;

/// Whether to send the next follow-up of `s` at `now_ms`, when local time is
/// `local` (quiet_for_lead). A follow-up is due once `after` has passed since
/// the last outbound message (the bot's or the previous follow-up's): the
/// boundary itself is due. Reasons not to send are checked in the order of
/// the enum, so the verdict names the first rule that holds the message
/// back; quiet hours come last because they only delay a follow-up that is
/// otherwise due.
[[nodiscard]] follow_up_verdict follow_up_due(const config::follow_up_settings& settings,
                                              const config::quiet_hours& quiet,
                                              const local_times& local, std::int64_t now_ms,
                                              const silence& s) noexcept;

/// follow_up_due for a lead whose zone is unknown: only the market's clock,
/// `local_minute_of_day`, counts.
[[nodiscard]] follow_up_verdict follow_up_due(const config::follow_up_settings& settings,
                                              const config::quiet_hours& quiet,
                                              int local_minute_of_day, std::int64_t now_ms,
                                              const silence& s) noexcept;

/// True when a bot message asks the lead something: it has a question mark.
/// The bots end a reply with their flow's next question, so this is what
/// "the bot asked and the lead went silent" looks like in the stored text.
[[nodiscard]] bool asks_question(std::string_view bot_message) noexcept;

/// The follow-up's text: `settings.text` with every `{business_name}`
/// replaced (the loader admits no other placeholder).
[[nodiscard]] std::string render_follow_up(const config::follow_up_settings& settings,
                                           std::string_view business_name);

/// "follow_up:<anchor id>:<n>" (n from 1): the outbox key of the n-th
/// follow-up of one silence. The same silence always yields the same key, so
/// a second node or a redelivered tick can add no second row.
[[nodiscard]] std::string follow_up_key(std::int64_t anchor_id, int n);

}  // namespace openhouse::agents
