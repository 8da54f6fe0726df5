#pragma once

#include <nlohmann/json_fwd.hpp>

#include <caf/meta/type_name.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Why a lead got the reply it got: which bot answered, where each LLM unit's
/// answer came from (cache tier, the message that filled the entry, model,
/// cost), the turn's verdicts and the scores after it. Plain data, filled by
/// the conversation actor as the turn goes and stored with the reply.
namespace openhouse::agents {

/// One LLM unit the turn asked of the cache, and how it was answered.
struct unit_provenance {
  std::string task;  ///< intent | facts | reply | faq
  /// l1 | l2 | l3 | miss | bypass | coalesced (cache::outcome), or "error"
  /// when the unit gave no answer (provider down, out of the turn's budget).
  std::string outcome;
  /// For hits and coalesced waits: the message whose request filled the entry.
  std::string source_sid;
  double similarity = 0;  ///< for l3 hits
  std::string model;      ///< the model that wrote the answer (on a hit: the entry's)
  double cost_usd = 0;    ///< what this turn paid for it (0 for hits and waits)

  bool operator==(const unit_provenance&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, unit_provenance& x) {
  return f(caf::meta::type_name("unit_provenance"), x.task, x.outcome, x.source_sid, x.similarity,
           x.model, x.cost_usd);
}

/// The provenance of one reply.
struct turn_provenance {
  std::string bot;  ///< the bot active when the reply was written (after any handoff)
  /// What wrote the reply: "bot" (the bot's reply unit), "faq" (the FAQ unit
  /// and the bot's next question), "fallback", "repeat" (an earlier reply
  /// said again), "escalation" (the hand-over text), or the compliance
  /// verdict's reply ("opt_out", "opt_in", "help", "muted", "suppressed").
  std::string answered_by;
  std::string intent;  ///< the top intent, "" when unknown
  double intent_confidence = 0;
  std::vector<unit_provenance> units;  ///< in the order they were asked
  /// "topic" (the brokerage's entry, keyed by topic and city), "words" (a
  /// general question keyed by its words), "" (no FAQ unit asked).
  std::string faq;
  std::string faq_topic;  ///< the catalog entry's id, for "topic"
  std::string faq_city;   ///< the city the text names, for "topic"
  /// The compliance gate (turn_result::compliance): "opt_out:<rule>",
  /// "opt_in", "help", "suppressed", "muted"; "" for an ordinary turn.
  std::string compliance;
  std::string opt_out = "none";  ///< the opt-out rule's verdict: none | unsure | opt_out
  std::string opt_out_rule;      ///< the rule that matched, when any
  /// "none", or why the turn muted the lead for a person
  /// (agents::escalation_reason); "" when the turn never got that far.
  std::string escalation;
  std::string escalation_detail;
  /// The handoff policy's verdict ("" when the turn never got that far):
  /// its reason, and from/to when it handed the lead to another bot.
  std::string handoff_reason;
  std::string handoff_detail;
  std::string handoff_from;
  std::string handoff_to;
  /// Set when the market's fallback reply went out: "empty", "budget",
  /// "provider".
  std::string fallback;
  double frs = 0;  ///< after the turn
  double pcs = 0;
  std::string temperature;
  std::string temperature_from;  ///< set when the turn changed the temperature

  bool operator==(const turn_provenance&) const = default;
};

/// nlohmann::json conversions (ADL). Every key of the struct is written;
/// reading takes what is there and leaves the rest at its default, so an
/// older row still reads.
void to_json(nlohmann::json& j, const unit_provenance& u);
void from_json(const nlohmann::json& j, unit_provenance& u);
void to_json(nlohmann::json& j, const turn_provenance& p);
void from_json(const nlohmann::json& j, turn_provenance& p);

/// The provenance as one line of JSON, as stored with the reply.
[[nodiscard]] std::string provenance_json(const turn_provenance& p);

/// Parses provenance_json's output; nullopt when `text` is empty or not a
/// JSON object.
[[nodiscard]] std::optional<turn_provenance> parse_provenance(std::string_view text);

}  // namespace openhouse::agents
