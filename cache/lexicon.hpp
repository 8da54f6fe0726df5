#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace openhouse::cache {

/// The per-market normalisation lexicon of the semantic tier: plain maps and
/// sets so that a market YAML can fill or extend them. Every key and value is
/// lower case; multi-word keys are space-separated phrases of normalised
/// tokens (the normaliser matches the longest phrase first, up to
/// `max_phrase_words` words).
struct lexicon {
  /// SMS spellings, contractions without apostrophes and shorthand, applied
  /// first: "u" → "you", "b4" → "before", "idk" → "unsure", "w/" → "with".
  std::map<std::string, std::string> spellings;
  /// Domain synonyms, applied after spellings and number handling:
  /// "house" → "home", "realtor" → "agent", "homes for sale" → "listings".
  std::map<std::string, std::string> synonyms;
  /// Unit suffixes glued to a number ("3bd", "2ba", "1500sqft", "5yrs") and
  /// the unit word they stand for.
  std::map<std::string, std::string> number_suffixes;
  /// Number words and the digits they mean ("three" → "3").
  std::map<std::string, std::string> number_words;
  /// Cities the market talks about (lower case, possibly several words).
  std::set<std::string> cities;
  /// Counties, without the word "county" (recognised as "<name> county").
  std::set<std::string> counties;
  /// Function words: down-weighted by the embedder, skipped by the guard when
  /// it looks for the word a negation applies to.
  std::set<std::string> stopwords;
  /// Negation cues after normalisation ("not", "no", "never", "without", …).
  std::set<std::string> negations;
  /// Words that flip the topic of a message, as "group:pole"
  /// ("buy" → "deal:buy", "sell" → "deal:sell"). Two texts must name the same
  /// poles of every group.
  std::map<std::string, std::string> polar_words;
  /// Polar groups whose order also matters ("sequence": before/after).
  std::set<std::string> ordered_polar_groups;
  /// Domain topics (word or phrase → topic id). Two texts that each name a
  /// topic the other does not ("earnest money" vs "down payment") disagree.
  std::map<std::string, std::string> topics;
  /// Street suffixes and their canonical form ("ave" → "avenue").
  std::map<std::string, std::string> street_suffixes;
  /// Street directions and their canonical form ("n" → "north").
  std::map<std::string, std::string> directions;
  /// Words that introduce an apartment or unit number ("unit", "apt", "#").
  std::set<std::string> unit_markers;
  /// Longest phrase, in words, of any map above (kept in step by
  /// `default_lexicon` and `refresh_phrase_length`).
  std::size_t max_phrase_words = 1;
};

/// Recomputes `lex.max_phrase_words` after a caller edited the maps.
void refresh_phrase_length(lexicon& lex);

/// The built-in lexicon: SMS spellings, real-estate synonyms and topics, and
/// the cities and counties of the Inland Empire and the rest of Southern
/// California.
lexicon default_lexicon();

}  // namespace openhouse::cache
