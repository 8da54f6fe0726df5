#pragma once

#include "cache/lexicon.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace openhouse::cache {

/// Turns an SMS into canonical lower-case tokens that the embedder and the
/// entity guard share, so that "4bd/3ba under $500K pls" and "4 bed 3 bath
/// under 500k please" produce the same tokens.
///
/// Steps: lower-case; emoji and punctuation become separators; apostrophe
/// contractions expand ("can't" → "can not"); numbers are canonicalised
/// (money "$450k"/"450,000 dollars"… → "$450000", times "4pm" → "16:00",
/// glued units "3bd" → "3 bedroom", ordinals "21st" → "21th", "3.5%" →
/// "3.5 percent", number words "three" → "3"); then the lexicon's spellings and
/// synonyms replace words and phrases, longest phrase first. Ambiguous words
/// are read in context: "may" is the month only after "in/by/…" or before a
/// day, "wed"/"sun" are weekdays only next to a date word, a letter after a
/// house number is a direction ("455 w grand" → "455 west grand").
class text_normalizer {
 public:
  /// Keeps its own copy of the lexicon.
  explicit text_normalizer(lexicon lex);

  /// The canonical tokens of `text`.
  std::vector<std::string> tokens(std::string_view text) const;

  /// The canonical tokens joined by single spaces.
  std::string normalize(std::string_view text) const;

  /// The lexicon in use.
  const lexicon& words() const { return *lexicon_; }

  /// A light suffix stripper ("texting" → "text", "homes" → "home"), used
  /// where inflection must not matter (embedding features, negated words).
  static std::string stem(std::string_view word);

 private:
  std::shared_ptr<const lexicon> lexicon_;
};

/// The canonical tokens of `text` under `lex` (what `text_normalizer::tokens`
/// does, for callers that hold only a lexicon).
std::vector<std::string> normalize_tokens(std::string_view text, const lexicon& lex);

}  // namespace openhouse::cache
