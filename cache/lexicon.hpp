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
  /// Polar groups whose order also matters ("sequence": before/after); a
  /// pole of such a group carries what it applies to ("before(deal:sell)").
  std::set<std::string> ordered_polar_groups;
  /// Polar groups compared only when both texts name one of their poles
  /// ("good" on one side alone is emphasis; "good" vs "bad" flips the
  /// answer). Every other group must agree even when one side names none
  /// ("should I rent" vs "should I rent or buy").
  std::set<std::string> soft_polar_groups;
  /// Poles of soft groups that must still agree when one text names no pole
  /// of their group ("booking:cancel": "cancel my showing" vs "can I get a
  /// showing").
  std::set<std::string> strong_poles;
  /// Short words that flip a verb's meaning when used as particles ("move
  /// the tour up" vs "back", "turn it on" vs "off", "count me in" vs "out").
  std::set<std::string> particles;
  /// Verbs after which "in" and "on" are particles, not prepositions
  /// ("turn on the alerts", "opt me in"); "up", "down", "out", "off", "back"
  /// are particles wherever they stand.
  std::set<std::string> phrasal_verbs;
  /// Parties of a deal, word → role ("buyer's" → "buyer", "realtor" →
  /// "agent"): who does what to whom is read from their order.
  std::map<std::string, std::string> roles;
  /// Words that end a place name ("Mission Grove", "Bear Valley", "Highland
  /// Park"): a name ending in one is a place even when no list knows it, and
  /// such a word after a known city makes another place ("Chino Hills").
  std::set<std::string> place_types;
  /// Words that start a place name ("Lake Mathews", "Mount Baldy").
  std::set<std::string> place_prefixes;
  /// States and regions ("california"), compared like cities.
  std::set<std::string> regions;
  /// Words the guard's subject check counts as one (word → concept id):
  /// "listing" and "home", "attorney" and "lawyer", "see" and "tour". Unlike
  /// `synonyms` they leave the text (and so the embedding) unchanged.
  std::map<std::string, std::string> concepts;
  /// Content words that frame a question rather than name what it is about
  /// ("need", "usually", "possible", "explain"): a paraphrase may swap them
  /// freely, so the subject check ignores them.
  std::set<std::string> framing_words;
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

/// Makes every several-word city and region whose first word is a key of
/// `spellings` or `synonyms` map to itself there ("la quinta" is not "los
/// angeles quinta"); call after adding cities, before
/// `refresh_phrase_length`.
void protect_place_names(lexicon& lex);

/// The built-in lexicon: SMS spellings, real-estate synonyms and topics, and
/// the cities and counties of the Inland Empire and the rest of Southern
/// California.
lexicon default_lexicon();

}  // namespace openhouse::cache
