#pragma once

#include "agents/intent.hpp"
#include "config/market.hpp"

#include <set>
#include <string>
#include <string_view>
#include <vector>

/// Recognises a lead's wish to stop the texts without a model (the FCC's
/// TCPA revocation rule, in force since 11 April 2025): STOP, QUIT, END,
/// REVOKE, OPT OUT, CANCEL and UNSUBSCRIBE in any case and with any
/// punctuation, emoji or polite filler, and any other reasonable revocation
/// in plain words ("stop sending me these", "I don't want these texts",
/// "take me off your list"). Messages that only contain such a word ("could
/// you stop by tomorrow", "we had to cancel the inspection", "by the end of
/// the week") are not opt-outs.
namespace openhouse::agents {

/// How sure the rule is that a message revokes consent.
enum class opt_out_verdict {
  none,     ///< no opt-out word in a revoking sense
  unsure,   ///< an opt-out word the rule cannot place ("cancel it", "stop wasting my time")
  opt_out,  ///< a revocation: honour it at once
};

/// "none" | "unsure" | "opt_out".
[[nodiscard]] std::string_view to_string(opt_out_verdict verdict) noexcept;

/// The rule's verdict and which of its rules decided (a short, stable label
/// for logs and metrics: "keyword", "stop_contact", "no_more", "dont_contact",
/// "dont_want", "remove_me", "off_list", "opt_out", "unsubscribe", "consent",
/// "leave_alone", "wrong_number", "spam", "block", "leading_stop",
/// "complaint", "quoted_keyword", "phrase"; for unsure the word:
/// "unsure:cancel").
struct opt_out_match {
  opt_out_verdict verdict = opt_out_verdict::none;
  std::string rule;

  bool operator==(const opt_out_match&) const = default;
};

/// The rule: built-in word lists extended by the market's YAML
/// (config::compliance_settings). Immutable after construction; thread-safe.
class opt_out_rule {
 public:
  /// The built-in lists only.
  opt_out_rule();
  /// The built-in lists plus the market's keywords and phrases.
  explicit opt_out_rule(const config::compliance_settings& market);

  /// Classifies one inbound SMS body.
  [[nodiscard]] opt_out_match classify(std::string_view body) const;

  /// The words of `text` as the rule reads them: ASCII lower case,
  /// apostrophes dropped ("don't" -> "dont"), other punctuation a word break,
  /// SMS spellings folded ("pls" -> "please", "txts" -> "texts", "u" ->
  /// "you", "stopppp" -> "stop", "opt-out" -> "optout", a stop-sign emoji ->
  /// "stop"). Clause breaks (. ! ? ; , newline) are kept as "|".
  [[nodiscard]] static std::vector<std::string> words(std::string_view text);

 private:
  std::set<std::string, std::less<>> extra_keywords_;
  std::vector<std::vector<std::string>> phrases_;      ///< market opt-out phrases, as words
  std::vector<std::vector<std::string>> not_phrases_;  ///< market lookalike phrases, as words
};

/// A model's opt_out_family intent ranked first at or above this confidence
/// is an opt-out even when the rule found no opt-out word.
inline constexpr double opt_out_intent_min_confidence = 0.8;

/// Whether a message is an opt-out, given the rule's verdict and the model's
/// intent ranking (`intents`, null when the intent unit gave no usable
/// answer). A sure verdict needs no model. An unsure one is honoured when
/// the model names opt_out_family at any confidence, or when there is no
/// model answer to ask: a missed opt-out costs more than a lost lead. With
/// no opt-out word, only a confident model ranking opt_out_family first.
[[nodiscard]] bool honour_opt_out(const opt_out_match& match, const intent_ranking* intents);

}  // namespace openhouse::agents
