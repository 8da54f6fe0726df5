#pragma once

#include "core/expected.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// What a lead's message is about, with confidence: parsed from the intent
/// task's answer, or guessed from keywords when no answer can be had.
namespace openhouse::agents {

enum class intent {
  buyer,           ///< wants to buy
  seller,          ///< wants to sell (incl. valuation requests)
  faq,             ///< a general question; intent_score::topic says which
  scheduling,      ///< a showing, tour, call or appointment
  human_request,   ///< asks for a person
  opt_out_family,  ///< "stop texting me", "remove me": not a carrier keyword, still an opt-out wish
  other,           ///< greetings, chit-chat, unclear
};

/// "buyer" | "seller" | "faq" | "scheduling" | "human_request" | "opt_out_family" | "other".
[[nodiscard]] std::string_view to_string(intent i) noexcept;

/// An intent label as models write it, case-insensitively: the names above
/// and synonyms (buy, buying, sell, selling, valuation, question, information,
/// schedule, showing, tour, appointment, human, agent, person, escalation,
/// opt_out, stop, unsubscribe, greeting, chitchat, unknown, ...).
[[nodiscard]] std::optional<intent> parse_intent_label(std::string_view label);

struct intent_score {
  intent kind = intent::other;
  double confidence = 0;  ///< 0..1
  std::string topic;      ///< faq only: "closing_costs", "hoa", ... (snake_case), may be empty

  bool operator==(const intent_score&) const = default;
};

/// Intents, most confident first; at most one entry per intent.
using intent_ranking = std::vector<intent_score>;

/// Why an LLM answer was not accepted as an intent.
struct intent_error {
  std::string message;
};

/// Parses the intent task's answer (JSON, possibly fenced or in prose):
///   {"intent": "buyer", "confidence": 0.72, "scores": {"buyer": 0.72, ...}}
///     (the simulator's form; "human" -> human_request, "greeting" -> other),
///   {"intents": [{"intent": "faq", "confidence": 0.8, "topic": "hoa"}, ...]}
///   or a bare array of such entries ("label"/"name" and "score" accepted).
/// The declared "intent" ranks first with its "confidence"; other scores
/// are capped at it, so an answer that hedges ("seller" at 0.52 while buyer
/// scored 0.72) ranks two intents equally and leaves no margin. Confidences
/// must be numbers in 0..1 and the declared label known; score labels that
/// are not known are ignored. Anything else is an error.
[[nodiscard]] expected<intent_ranking, intent_error> parse_intent(std::string_view llm_text);

/// A cheap keyword guess for when the model's answer is unusable: whole-word
/// phrases per intent, confidence 0.55 + 0.1 per extra hit (at most 0.85),
/// so one clear phrase alone stays below the default handoff thresholds.
/// Always returns at least one entry (other at 0.5 when nothing matches).
[[nodiscard]] intent_ranking keyword_intent(std::string_view text);

/// Whether `text` asks what a home is worth ("what's my home worth", "a
/// valuation", "a CMA"): the same whole-word phrases that count toward the
/// seller intent in keyword_intent.
[[nodiscard]] bool mentions_valuation(std::string_view text);

/// The confidence of `i` in `ranking`, 0 when absent.
[[nodiscard]] double confidence_of(const intent_ranking& ranking, intent i) noexcept;

}  // namespace openhouse::agents
