#pragma once

#include "config/market.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// The brokerage's own answers (YAML `faq`) and which of them a lead's text
/// asks for. Matching is by the entries' patterns, in code, so that the
/// answer can be keyed by its meaning — (topic, city) — rather than by the
/// lead's wording: every lead who asks what the commission is gets the one
/// answer the brokerage wrote, from one provider call per city.
namespace openhouse::agents {

/// What a text asks of the catalog.
struct faq_topic {
  const config::faq_entry* entry = nullptr;  ///< the entry asked for
  std::string city;                          ///< the market's city the text names ("" when none)
  /// The text pins down more than a topic and a city (a figure, a date, an
  /// address): its answer may depend on them, so it is not shared by topic.
  bool specific = false;
};

/// The market's FAQ entries with their patterns compiled. Immutable after
/// construction; thread-safe.
class faq_catalog {
 public:
  /// `cities`: the market's city names (market.cities and the semantic
  /// tier's extra cities), recognised in a text as its city.
  faq_catalog(const std::vector<config::faq_entry>& entries, std::vector<std::string> cities);
  /// The market's entries and cities.
  explicit faq_catalog(const config::market_config& cfg);
  faq_catalog(const faq_catalog&) = delete;  // entries_ points into owned_
  faq_catalog& operator=(const faq_catalog&) = delete;
  faq_catalog(faq_catalog&&) noexcept = default;
  faq_catalog& operator=(faq_catalog&&) noexcept = default;

  /// The entry `text` asks for, when it asks something (a '?', or a question
  /// word) and tells no plan of the lead's own ("we want to sell, what are
  /// the next steps" is theirs to answer): the one specific entry that
  /// matches, else the first broad one;
  /// nullopt when none matches or two specific entries do (a text that asks
  /// two things gets no shared answer).
  [[nodiscard]] std::optional<faq_topic> match(std::string_view text) const;

  /// The entry named `id`, or null.
  [[nodiscard]] const config::faq_entry* find(std::string_view id) const;

  /// The city of the market `text` names ("" when none; the longest name
  /// wins, so "Chino Hills" is not "Chino").
  [[nodiscard]] std::string city_in(std::string_view text) const;

  /// The facts of the entries `text` touches without matching one whole
  /// pattern (the most terms of a pattern first, at most `limit`), one line
  /// each ("[commission] ..."): what a prompt for a question no topic
  /// answers may draw on. "" when it touches none.
  [[nodiscard]] std::string related_facts(std::string_view text, std::size_t limit = 2) const;

  /// The words a text is matched on: ASCII lower case, apostrophes dropped,
  /// "%" as "percent", SMS spellings folded ("u" -> "you", "whats" ->
  /// "what").
  [[nodiscard]] static std::vector<std::string> words(std::string_view text);

  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }

 private:
  /// One word of a term: exact (typos of 5+ letters tolerated) or a prefix.
  struct word_match {
    std::string text;
    bool prefix = false;
  };
  /// Consecutive words ("closing_cost*").
  using alternative = std::vector<word_match>;
  /// Any of its alternatives ("fee|fees|charge"); `negated`: none of them.
  struct term {
    std::vector<alternative> alternatives;
    bool negated = false;
  };
  /// Every term, in any order.
  using pattern = std::vector<term>;

  struct compiled_entry {
    const config::faq_entry* entry;
    std::vector<pattern> patterns;
  };

  static pattern compile(std::string_view text);
  static bool matches(const alternative& alt, const std::vector<std::string>& words,
                      std::size_t at);
  static bool contains(const term& t, const std::vector<std::string>& words);
  /// The text asks something: a '?', or a clause opening with a question
  /// word.
  static bool asks(std::string_view text, const std::vector<std::string>& words);
  /// "we want to sell our house, what are the next steps": the lead tells
  /// their own plan, which their bot answers (and may hand them over for).
  static bool states_a_plan(const std::vector<std::string>& words);
  /// "..., and how long ...": a second question joined by "and".
  static bool asks_twice(const std::vector<std::string>& words);
  /// The text points at one particular home: "the listing you sent", "that
  /// house", "the one on Elm".
  static bool names_a_property(const std::vector<std::string>& words);

  std::vector<config::faq_entry> owned_;  ///< the entries `entries_` points into
  std::vector<compiled_entry> entries_;
  /// (lower case, as written), longest first.
  std::vector<std::pair<std::string, std::string>> cities_;
};

}  // namespace openhouse::agents
