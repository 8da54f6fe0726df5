#pragma once

#include "config/market.hpp"

#include <string>
#include <string_view>
#include <vector>

/// When a person must take over a contact: the bots are muted for it until a
/// human releases it (CRM tag or admin endpoint), and the agent is notified.
/// Pure: the conversation actor counts unproductive turns and mutes.
namespace openhouse::agents {

enum class escalation_reason {
  none,           ///< the bots go on
  human_request,  ///< the lead asked for a person
  distress,       ///< legal or financial distress (foreclosure, divorce, ...)
  unproductive,   ///< too many turns in a row without a new fact
};

/// "none" | "human_request" | "distress" | "unproductive".
[[nodiscard]] std::string_view to_string(escalation_reason reason) noexcept;

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
  /// Consecutive turns without a new fact that escalate; 0 disables.
  int max_unproductive_turns = 4;
  /// An intent answer of human_request at or above this confidence escalates
  /// even when no phrase matched.
  double human_intent_threshold = 0.8;

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
  int unproductive_turns = 0;          ///< consecutive turns without a new fact, this one included
  double human_intent_confidence = 0;  ///< the intent ranking's human_request confidence, 0 if none
};

struct escalation_decision {
  escalation_reason reason = escalation_reason::none;
  std::string detail;  ///< the matched phrase or word, or the count; for the agent's CRM note

  [[nodiscard]] bool escalates() const noexcept { return reason != escalation_reason::none; }
};

/// Decides for one turn. An explicit request wins over distress words (the
/// lead asked and should hear that a person is coming), distress over the
/// unproductive count.
[[nodiscard]] escalation_decision check_escalation(const turn_signals& turn,
                                                   const escalation_settings& settings);

/// The unproductive count after a turn: reset to 0 by a turn that revealed a
/// new fact (changed_fields not empty), else one more.
[[nodiscard]] int next_unproductive_turns(int previous, bool revealed_new_fact) noexcept;

}  // namespace openhouse::agents
