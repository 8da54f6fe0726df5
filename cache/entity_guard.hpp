#pragma once

#include "cache/lexicon.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace openhouse::cache {

/// What a message pins down, in canonical form. Two messages may share a
/// semantic-cache answer only if they pin down exactly the same things: a
/// paraphrase that changes a zip, a price, a weekday or a "not" asks a
/// different question. Every list is sorted except `content`; order that
/// matters ("buy before sell" ≠ "sell before buy") is written into the
/// `polarity` strings themselves.
struct entities {
  /// Counts with their unit: "3 bedroom", "2.5 bathroom", "25 year", "520 credit", "5".
  std::vector<std::string> numbers;
  /// Dollar amounts as whole dollars: "450000" ($450k, 450,000, half a million).
  std::vector<std::string> money;
  /// Street addresses: "12950 cherry avenue", "1190 north cedar street unit 14";
  /// a street named without a number: "street:magnolia avenue".
  std::vector<std::string> addresses;
  /// Five-digit zips.
  std::vector<std::string> zips;
  /// Dates and parts of days: "weekday:saturday", "next saturday",
  /// "rel:tomorrow", "month:december", "day:5", "year:2025", "daypart:morning".
  std::vector<std::string> dates;
  /// Clock times "16:00" (am/pm resolved) or "11:30" (as written).
  std::vector<std::string> times;
  /// Places: "city:riverside", "county:riverside", "place:lake arrowhead"
  /// (a capitalised name after "in/near/from/to" that is no known city).
  std::vector<std::string> places;
  /// People introduced by name ("this is Omar" → "omar").
  std::vector<std::string> names;
  /// Negated words: "not:interest", "not:hoa", "not:" (a bare "no").
  std::vector<std::string> negations;
  /// Topic-flipping poles of strict groups: "deal:buy", "tenure:rent"; both
  /// texts must name the same, even when one names none. Ordered groups carry
  /// what they apply to ("sequence:before(deal:sell)").
  std::vector<std::string> polarity;
  /// Poles of soft groups ("quality:good", "particle:up"): compared group by
  /// group, only when both texts name a pole of the group.
  std::vector<std::string> soft_polarity;
  /// What kind of answer the question wants: "amount", "count", "duration",
  /// "time", "place", "person", "reason".
  std::vector<std::string> questions;
  /// Domain topics named ("earnest_money", "hoa", "inspection").
  std::vector<std::string> topics;
  /// The content words in order (not sorted), each in its most canonical
  /// form (a polar pole, a topic id, a concept, else a stem); words that only
  /// frame the question ("need", "usually") are left out. Two texts that
  /// differ in exactly one of them ("who pays for the inspection" vs "who
  /// schedules the inspection", "a pool" vs "a spa") are a minimal pair: the
  /// one word is the question, so they disagree.
  std::vector<std::string> content;
  /// What the text is about: its content words that are no polar pole,
  /// sorted and unique. When each text names a subject the other does not
  /// ("property taxes" vs "property values", "the roof" vs "the furnace"),
  /// they ask about different things, whether or not the lexicon knows them.
  std::vector<std::string> subjects;
  /// The parties in the order they appear ("seller", "buyer", "agent"; "self"
  /// and "you" next to a verb of paying or representing): who does what to
  /// whom. The same parties in another order swap the roles.
  std::vector<std::string> roles;
  /// True for a plain statement ("we're pre-approved"), as opposed to a
  /// question or a request ("what does pre-approval mean", "send me one").
  bool statement = false;
};

/// The verdict of comparing two `entities`.
struct guard_verdict {
  /// True when the two messages may share an answer.
  bool agree = true;
  /// The first entity kind that differs ("zip", "money", "negation", …), a
  /// low-cardinality label for metrics; empty when they agree.
  std::string kind;
  /// Human-readable detail for logs: "zip: [92501] vs [92504]".
  std::string detail;
};

/// Extracts the entities of `text` (normalising it with `lex` first).
entities extract(std::string_view text, const lexicon& lex);

/// Extracts the entities of already normalised tokens (see `normalize_tokens`),
/// so that a caller that also embeds the text normalises it once.
entities extract_tokens(const std::vector<std::string>& tokens, const lexicon& lex,
                        std::string_view raw_text = {});

/// Compares two messages' entities: numbers, money, addresses, zips, dates,
/// times, places, negations and interrogatives must be equal; polar words
/// must name the same poles (a soft group only when both name one); the same
/// parties must stand in the same order; topics and subjects must not
/// conflict (each side naming one the other does not); and the content words
/// must not be a minimal pair.
guard_verdict compare_entities(const entities& a, const entities& b);

/// `compare_entities(a, b).agree`.
bool entities_agree(const entities& a, const entities& b);

/// `compare_entities(a, b).detail`, empty when they agree (for metrics/debug).
std::string disagreement(const entities& a, const entities& b);

}  // namespace openhouse::cache
