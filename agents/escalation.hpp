#pragma once

#include "config/market.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

/// When a person must take over a contact: the bots are muted for it until a
/// human releases it (CRM tag or admin endpoint), and the agent is notified.
/// Only a request for a person, distress, or what the market asks for
/// (confusion that lasts, a lead turning Hot) mutes: a question, an answer or
/// a thank-you is engagement, however many come in a row.
/// Pure: the conversation actor counts confused turns and mutes.
namespace openhouse::agents {

enum class escalation_reason {
  none,           ///< the bots go on
  human_request,  ///< the lead asked for a person
  distress,       ///< legal or financial distress (foreclosure, divorce, ...)
  confusion,      ///< escalation.confusion_turns turns of confusion in a row
  hot_lead,       ///< the lead became Hot and the market mutes Hot leads
};

/// "none" | "human_request" | "distress" | "confusion" | "hot_lead".
[[nodiscard]] std::string_view to_string(escalation_reason reason) noexcept;

/// Why one text reads as a lead stuck with the bot.
enum class confusion_signal {
  none,
  bare,       ///< the whole text is a "what?": "huh", "come again?", "I'm lost", "??"
  complaint,  ///< about the bot: "that's not what I asked", "I already told you"
  repeat,     ///< the same (or nearly the same) text as one of the lead's recent ones
};

/// "none" | "bare" | "complaint" | "repeat".
[[nodiscard]] std::string_view to_string(confusion_signal signal) noexcept;

/// Words and limits: the built-in lists, extended and tuned by the market's
/// `escalation` section (from_config).
struct escalation_settings {
  /// Whole words or phrases, case-insensitive; punctuation and hyphens count
  /// as spaces ("pre-foreclosure" contains "foreclosure").
  std::vector<std::string> distress_words = default_distress_words();
  /// Phrases asking for a person. Each also matches with "a", "an", "the",
  /// "real", "live", "actual", "your" or "one of your" before its last word
  /// ("talk to a real person" matches "talk to person"). A phrase preceded by
  /// a negation ("don't call me") does not count.
  std::vector<std::string> human_phrases = default_human_phrases();
  /// An intent answer of human_request at or above this confidence escalates
  /// even when no phrase matched.
  double human_intent_threshold = 0.8;
  /// Consecutive confused turns that escalate; 0 disables.
  int confusion_turns = 3;
  /// A lead who becomes Hot is muted (else the agent only gets a note).
  bool mute_on_hot = false;
  /// Least time between two holding replies to a muted lead; 0: none at all.
  std::chrono::milliseconds hold_reply_every{std::chrono::hours{4}};

  /// foreclosure, bankruptcy, probate, divorce, attorney, lawyer, lawsuit,
  /// eviction, short sale, ... and their common forms.
  [[nodiscard]] static std::vector<std::string> default_distress_words();
  /// talk to a human/agent/person, speak to someone, call me, ...
  [[nodiscard]] static std::vector<std::string> default_human_phrases();

  /// The built-in lists with the market's words added, and its limits.
  [[nodiscard]] static escalation_settings from_config(const config::escalation_config& cfg);
};

/// What happened on this turn.
struct turn_signals {
  std::string_view inbound;            ///< the lead's message
  double human_intent_confidence = 0;  ///< the intent ranking's human_request confidence, 0 if none
  int confusion_turns = 0;             ///< consecutive confused turns, this one included
  bool became_hot = false;             ///< this turn raised the lead's temperature to Hot
};

struct escalation_decision {
  escalation_reason reason = escalation_reason::none;
  std::string detail;  ///< the matched phrase or word, or the count; for the agent's CRM note

  [[nodiscard]] bool escalates() const noexcept { return reason != escalation_reason::none; }
};

/// Decides for one turn. An explicit request wins over distress words (the
/// lead asked and should hear that a person is coming), distress over
/// confusion, confusion over a Hot temperature.
[[nodiscard]] escalation_decision check_escalation(const turn_signals& turn,
                                                   const escalation_settings& settings);

/// Whether `text` shows a lead stuck with the bot; `recent` holds the lead's
/// earlier texts (any order). A repeat is a question of at least three words
/// asked again, so a second "ok thank you" or the same answer given twice
/// is not one.
[[nodiscard]] confusion_signal confusion_of(std::string_view text,
                                            const std::vector<std::string>& recent);

/// The confused-turn count after a turn: one more when it was confused, else 0.
[[nodiscard]] int next_confusion_turns(int previous, bool confused) noexcept;

/// Whether a muted lead's text now gets the holding reply: never when
/// `every` is 0, always when none was sent since the mute (`last_ms` 0),
/// else once `every` has passed since the last one.
[[nodiscard]] bool holding_reply_due(std::int64_t last_ms, std::int64_t now_ms,
                                     std::chrono::milliseconds every) noexcept;

/// The short reply a muted lead gets: a person has the message.
[[nodiscard]] std::string holding_reply(std::string_view business_name);

/// The agent's CRM note when a lead becomes Hot and the bot keeps answering.
[[nodiscard]] std::string hot_lead_note(double frs, double pcs, std::string_view reason,
                                        std::string_view text);

}  // namespace openhouse::agents
