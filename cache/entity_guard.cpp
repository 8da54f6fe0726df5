#include "cache/entity_guard.hpp"

#include "cache/text_normalizer.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace openhouse::cache {

namespace {

using word_set = std::set<std::string, std::less<>>;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

bool all_alpha(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_lower);
}

// "12", "2.5", "55+" — the numbers the normaliser leaves as plain figures.
bool is_plain_number(std::string_view s) {
  if (s.empty() || !is_digit(s[0])) return false;
  if (s.back() == '+') s.remove_suffix(1);
  bool dot = false;
  for (const char c : s) {
    if (c == '.') {
      if (dot) return false;
      dot = true;
    } else if (!is_digit(c)) {
      return false;
    }
  }
  return s.back() != '.';
}

// "21th" (the normaliser writes every ordinal with "th").
std::optional<int> ordinal(std::string_view s) {
  if (s.size() < 3 || s.substr(s.size() - 2) != "th") return std::nullopt;
  const auto digits = s.substr(0, s.size() - 2);
  if (!all_digits(digits) || digits.size() > 4) return std::nullopt;
  return std::stoi(std::string(digits));
}

bool is_clock_time(std::string_view s) {
  const auto colon = s.find(':');
  return colon != std::string_view::npos && colon > 0 && colon <= 2 &&
         all_digits(s.substr(0, colon)) && s.size() == colon + 3 && all_digits(s.substr(colon + 1));
}

bool is_money(std::string_view s) { return s.size() > 1 && s[0] == '$' && is_digit(s[1]); }

const word_set& weekdays() {
  static const word_set words{"monday", "tuesday",  "wednesday", "thursday",
                              "friday", "saturday", "sunday"};
  return words;
}

const std::array<std::string_view, 12>& month_names() {
  static const std::array<std::string_view, 12> names{
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  return names;
}

bool is_month(std::string_view s) {
  const auto& names = month_names();
  return std::find(names.begin(), names.end(), s) != names.end();
}

// The canonical modifier of a relative date ("coming saturday" is "next").
std::optional<std::string> date_modifier(std::string_view s) {
  if (s == "this" || s == "next" || s == "last") return std::string(s);
  if (s == "coming" || s == "upcoming" || s == "following") return std::string("next");
  if (s == "past" || s == "previous") return std::string("last");
  return std::nullopt;
}

const word_set& periods() {
  static const word_set words{"week",   "weekend", "month",   "year",  "summer", "winter",
                              "spring", "fall",    "quarter", "weeks", "months", "years"};
  return words;
}

const word_set& dayparts() {
  static const word_set words{"morning",  "afternoon", "evening",   "night",    "noon",
                              "midnight", "lunch",     "lunchtime", "mornings", "afternoons",
                              "evenings", "nights",    "eod"};
  return words;
}

// Words skipped when looking for what a negation applies to:
// "not [really] interested", "don't [even] need", "won't [be able to] make".
const word_set& negation_fillers() {
  static const word_set words{
      "a",    "an",    "the",    "be",   "been",  "being",       "yet",       "really",
      "very", "even",  "ever",   "too",  "so",    "quite",       "to",        "that",
      "this", "my",    "our",    "your", "any",   "at",          "all",       "i",
      "we",   "you",   "it",     "me",   "us",    "actually",    "currently", "going",
      "have", "has",   "had",    "do",   "does",  "did",         "is",        "am",
      "are",  "was",   "were",   "will", "would", "can",         "could",     "should",
      "just", "again", "longer", "sure", "gonna", "necessarily", "totally",   "completely",
      "at",   "of",    "one",    "any",  "able"};
  return words;
}

const word_set& auxiliaries() {
  static const word_set words{"is",    "are", "was",   "were",  "do",    "does",
                              "did",   "can", "could", "will",  "would", "should",
                              "shall", "has", "have",  "might", "must"};
  return words;
}

// Nouns that make a what/how question ask for an amount of money ("what's
// the fee"), as "how much" does.
const word_set& amount_nouns() {
  static const word_set words{"price",  "prices",  "cost",       "costs",     "fee",     "fees",
                              "rate",   "rates",   "commission", "worth",     "payment", "payments",
                              "charge", "value",   "valuation",  "tax",       "afford",  "pay",
                              "money",  "dollars", "budget",     "expensive", "cheap"};
  return words;
}

// Topics whose question is an amount of money ("what's the earnest money").
const word_set& money_topics() {
  static const word_set words{"earnest_money", "down_payment", "closing_costs", "commission",
                              "property_tax",  "mello_roos",   "pmi",           "insurance",
                              "warranty",      "proceeds"};
  return words;
}

// Verbs of paying and representing: a pronoun next to one is a party ("do I
// pay you" vs "do you pay me").
const word_set& transfer_verbs() {
  static const word_set words{"pay",     "pays",      "paid",  "paying",    "charge",     "charges",
                              "charged", "owe",       "owes",  "represent", "represents", "refund",
                              "refunds", "reimburse", "cover", "covers",    "compensate", "tip",
                              "sue",     "hire",      "fire",  "text",      "call",       "email"};
  return words;
}

const word_set& time_units() {
  static const word_set words{"minute", "minutes", "hour",  "hours",  "day",  "days",
                              "week",   "weeks",   "month", "months", "year", "years"};
  return words;
}

// Street suffixes that mark a street even without a house number
// ("the magnolia ave house"); "way", "drive", "place" are too common in
// ordinary sentences to count without one.
const word_set& numberless_suffixes() {
  static const word_set words{"ave",     "avenue",    "st",      "street", "rd", "road",
                              "blvd",    "boulevard", "dr",      "ln",     "ct", "pkwy",
                              "parkway", "hwy",       "highway", "cir",    "trl"};
  return words;
}

// True when some key of `keys` is a phrase that starts with `word`.
template <typename Keys>
bool starts_phrase(const Keys& keys, const std::string& word) {
  const auto prefix = word + ' ';
  const auto next = keys.lower_bound(prefix);
  if (next == keys.end()) return false;
  const std::string& key = [&]() -> const std::string& {
    if constexpr (requires { next->first; }) {
      return next->first;
    } else {
      return *next;
    }
  }();
  return key.compare(0, prefix.size(), prefix) == 0;
}

class extractor {
 public:
  extractor(const std::vector<std::string>& tokens, const lexicon& lex)
      : tokens_(tokens), lex_(lex), used_(tokens.size(), false) {}

  entities run(std::string_view raw_text) {
    capitalised_ = capitalised_words(raw_text);
    asks_ = raw_text.find('?') != std::string_view::npos;
    addresses();
    places();
    dates();
    figures();
    negations();
    polarity();
    topics();
    questions();
    unknown_places(raw_text);
    person_names();
    roles();
    content_words();
    out_.statement = statement();
    for (auto* list :
         {&out_.numbers, &out_.money, &out_.addresses, &out_.zips, &out_.dates, &out_.times}) {
      std::sort(list->begin(), list->end());
    }
    for (auto* list : {&out_.places, &out_.names, &out_.negations, &out_.polarity,
                       &out_.soft_polarity, &out_.questions, &out_.topics, &out_.subjects}) {
      std::sort(list->begin(), list->end());
      list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    return std::move(out_);
  }

 private:
  std::size_t size() const { return tokens_.size(); }
  const std::string& at(std::size_t i) const { return tokens_[i]; }
  bool free(std::size_t i) const { return i < size() && !used_[i]; }

  bool unit_word(std::string_view t) const {
    return lex_.number_suffixes.count(std::string(t)) > 0 || t == "bedrooms" || t == "bathrooms" ||
           t == "percent" || t == "sqft";
  }

  bool name_like(std::size_t i) const {
    if (!free(i)) return false;
    const auto& t = at(i);
    const bool word = all_alpha(t) || ordinal(t).has_value();
    return word && lex_.stopwords.count(t) == 0 && !unit_word(t) && lex_.negations.count(t) == 0 &&
           lex_.unit_markers.count(t) == 0 && !is_month(t) && weekdays().count(t) == 0;
  }

  void mark(std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to && k < size(); ++k) used_[k] = true;
  }

  // Optional "unit 14" / "apt 3" / "# 14" after a street; returns tokens used.
  std::size_t unit_suffix(std::size_t i, std::string& address) const {
    if (i + 1 < size() && lex_.unit_markers.count(at(i)) > 0) {
      const auto& id = at(i + 1);
      if (!id.empty() && (is_digit(id[0]) || (id.size() == 1 && is_lower(id[0])))) {
        address += " unit " + id;
        return 2;
      }
    }
    return 0;
  }

  void addresses() {
    for (std::size_t i = 0; i < size(); ++i) {
      if (!free(i) || !all_digits(at(i)) || at(i).size() > 6) continue;
      std::size_t j = i + 1;
      std::string direction;
      if (j < size()) {
        for (const auto& [abbreviation, canonical] : lex_.directions) {
          if (at(j) == canonical && abbreviation == canonical) {
            direction = canonical;
            break;
          }
        }
        if (!direction.empty()) ++j;
      }
      // One to three name words, then a suffix: "12950 cherry ave".
      for (std::size_t words = 1; words <= 3; ++words) {
        const auto suffix_at = j + words;
        if (suffix_at >= size()) break;
        if (!name_like(j + words - 1)) break;
        const auto suffix = lex_.street_suffixes.find(at(suffix_at));
        if (suffix == lex_.street_suffixes.end()) continue;
        std::string address = at(i);
        if (!direction.empty()) address += " " + direction;
        for (std::size_t k = j; k < suffix_at; ++k) address += " " + at(k);
        address += " " + suffix->second;
        const auto unit = unit_suffix(suffix_at + 1, address);
        out_.addresses.push_back(address);
        mark(i, suffix_at + 1 + unit);
        i = suffix_at + unit;
        break;
      }
    }
    // Streets named without a number: "the magnolia ave house".
    for (std::size_t i = 1; i < size(); ++i) {
      if (!free(i) || numberless_suffixes().count(at(i)) == 0) continue;
      std::size_t first = i;
      while (first > 0 && i - first < 3 && name_like(first - 1)) --first;
      if (first == i) continue;
      std::string street = "street:";
      for (std::size_t k = first; k < i; ++k) street += at(k) + " ";
      street += lex_.street_suffixes.at(at(i));
      auto unit_text = std::string{};
      const auto unit = unit_suffix(i + 1, unit_text);
      out_.addresses.push_back(street + unit_text);
      mark(first, i + 1 + unit);
    }
  }

  void places() {
    const auto& cities = lex_.cities;
    const auto& counties = lex_.counties;
    for (std::size_t i = 0; i < size(); ++i) {
      if (!free(i)) continue;
      bool matched = false;
      const bool phrase = starts_phrase(cities, at(i)) || starts_phrase(counties, at(i)) ||
                          starts_phrase(lex_.regions, at(i));
      for (std::size_t n = phrase ? std::min<std::size_t>(4, size() - i) : 1; n >= 1 && !matched;
           --n) {
        std::string phrase = at(i);
        bool all_free = free(i);
        for (std::size_t k = i + 1; k < i + n; ++k) {
          phrase += " " + at(k);
          all_free = all_free && free(k);
        }
        if (!all_free) continue;
        if (i + n < size() && at(i + n) == "county" && counties.count(phrase) > 0) {
          out_.places.push_back("county:" + (phrase == "la" ? std::string("los angeles") : phrase));
          mark(i, i + n + 1);
          matched = true;
        } else if (cities.count(phrase) > 0) {
          city_at(i, n, phrase);
          matched = true;
        } else if (lex_.regions.count(phrase) > 0) {
          out_.places.push_back("region:" + phrase);
          mark(i, i + n);
          matched = true;
        }
      }
    }
  }

  // A known city, or a longer place that contains its name: a direction, part
  // or place prefix before it ("north fontana", "lake hemet") or a place type or a
  // capitalised name after it ("highland park", "Rancho Santa Margarita")
  // makes another place, which must not pass for the city.
  void city_at(std::size_t i, std::size_t n, const std::string& city) {
    std::size_t from = i;
    std::size_t to = i + n;
    std::string name = city;
    if (from > 0 && free(from - 1) && area_prefixes().count(at(from - 1)) > 0) {
      --from;
      name = at(from) + " " + name;
    }
    while (to < size() && to < i + n + 3 && free(to) && !starts_place(to) &&
           (lex_.place_types.count(at(to)) > 0 ||
            (capitalised_.count(at(to)) > 0 && name_like(to) && !known_word(at(to))))) {
      name += " " + at(to);
      ++to;
    }
    out_.places.push_back(route_end(from) + (from == i && to == i + n ? "city:" : "place:") + name);
    mark(from, to);
  }

  // In a route ("the commute from Corona to LA") the ends differ: "from:" or
  // "to:" before the place's label; elsewhere "" ("homes in Corona").
  std::string route_end(std::size_t place_at) const {
    if (place_at == 0) return {};
    const auto& before = at(place_at - 1);
    if (before != "from" && before != "to") return {};
    const bool route = std::find(tokens_.begin(), tokens_.end(), "from") != tokens_.end() &&
                       std::find(tokens_.begin(), tokens_.end(), "to") != tokens_.end();
    return route ? before + ":" : std::string{};
  }

  // True when a known city's full name starts at token `k`.
  bool starts_place(std::size_t k) const {
    std::string phrase;
    for (std::size_t n = 0; n < 4 && k + n < size(); ++n) {
      if (n > 0) phrase.push_back(' ');
      phrase += at(k + n);
      if (lex_.cities.count(phrase) > 0) return true;
    }
    return false;
  }

  // Words before a city that name a part of it.
  static const word_set& area_prefixes() {
    static const word_set words{"north",   "south",   "east",    "west",     "northern", "southern",
                                "eastern", "western", "central", "downtown", "uptown",   "greater",
                                "lake",    "mount",   "mt",      "fort",     "port",     "point"};
    return words;
  }

  void dates() {
    for (std::size_t i = 0; i < size(); ++i) {
      if (!free(i)) continue;
      const auto& t = at(i);
      const auto modifier = date_modifier(t);
      if (modifier && free(i + 1)) {
        const auto& next = at(i + 1);
        if (weekdays().count(next) > 0 || is_month(next) || periods().count(next) > 0) {
          out_.dates.push_back(*modifier + " " + text_normalizer::stem(next));
          mark(i, i + 2);
          ++i;
          continue;
        }
      }
      if (weekdays().count(t) > 0 ||
          (t.size() > 1 && t.back() == 's' && weekdays().count(t.substr(0, t.size() - 1)) > 0)) {
        out_.dates.push_back("weekday:" + (t.back() == 's' ? t.substr(0, t.size() - 1) : t));
        used_[i] = true;
      } else if (t == "weekend" || t == "weekends" || t == "summer" || t == "winter") {
        out_.dates.push_back(text_normalizer::stem(t));
        used_[i] = true;
      } else if (t == "today" || t == "tonight" || t == "tomorrow" || t == "yesterday") {
        out_.dates.push_back("rel:" + t);
        used_[i] = true;
      } else if (dayparts().count(t) > 0) {
        auto part = t;
        if (part.back() == 's') part.pop_back();
        if (part == "lunchtime") part = "lunch";
        out_.dates.push_back("daypart:" + part);
        used_[i] = true;
      } else if (is_month(t)) {
        out_.dates.push_back("month:" + t);
        used_[i] = true;
        day_near_month(i);
      } else if (auto day = ordinal(t); day && *day >= 1 && *day <= 31) {
        out_.dates.push_back("day:" + std::to_string(*day));
        used_[i] = true;
      } else if (is_clock_time(t)) {
        out_.times.push_back(t);
        used_[i] = true;
      } else if (t.find('/') != std::string::npos) {
        numeric_date(i);
      } else if (all_digits(t) && t.size() == 4) {
        const int year = std::stoi(t);
        const bool unit_follows =
            i + 1 < size() && all_alpha(at(i + 1)) && lex_.stopwords.count(at(i + 1)) == 0;
        if (year >= 1900 && year <= 2100 && !unit_follows) {
          out_.dates.push_back("year:" + t);
          used_[i] = true;
        }
      }
    }
  }

  // "july 15", "15 july", "the 5th of may".
  void day_near_month(std::size_t month_at) {
    auto day_value = [&](std::size_t k) -> std::optional<int> {
      if (!free(k)) return std::nullopt;
      if (auto o = ordinal(at(k))) return *o;
      if (all_digits(at(k)) && at(k).size() <= 2) return std::stoi(at(k));
      return std::nullopt;
    };
    auto take = [&](std::size_t k, int day) {
      if (day < 1 || day > 31) return false;
      out_.dates.push_back("day:" + std::to_string(day));
      used_[k] = true;
      return true;
    };
    if (auto d = day_value(month_at + 1); d && take(month_at + 1, *d)) return;
    if (month_at >= 1) {
      if (auto d = day_value(month_at - 1); d && take(month_at - 1, *d)) return;
    }
    if (month_at >= 2 && at(month_at - 1) == "of") {
      if (auto d = day_value(month_at - 2); d) take(month_at - 2, *d);
    }
  }

  void numeric_date(std::size_t i) {
    const auto& t = at(i);
    std::vector<int> parts;
    std::size_t start = 0;
    while (start <= t.size()) {
      const auto slash = t.find('/', start);
      const auto part = t.substr(start, slash == std::string::npos ? t.npos : slash - start);
      if (!all_digits(part)) return;
      parts.push_back(std::stoi(part));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    if (parts.size() < 2 || parts[0] < 1 || parts[0] > 12 || parts[1] < 1 || parts[1] > 31) {
      return;
    }
    out_.dates.push_back("month:" + std::string(month_names()[parts[0] - 1]));
    out_.dates.push_back("day:" + std::to_string(parts[1]));
    if (parts.size() == 3) {
      out_.dates.push_back("year:" + std::to_string(parts[2] < 100 ? 2000 + parts[2] : parts[2]));
    }
    used_[i] = true;
  }

  void figures() {
    for (std::size_t i = 0; i < size(); ++i) {
      if (!free(i)) continue;
      const auto& t = at(i);
      if (is_money(t)) {
        used_[i] = true;
        out_.money.push_back(t.substr(1) + money_period(i + 1));
      } else if (all_digits(t) && t.size() == 5) {
        out_.zips.push_back(t);
        used_[i] = true;
      } else if (is_plain_number(t) || ordinal(t)) {
        std::string number = t;
        // The unit is the word that follows, whatever it is: "3 bedroom",
        // "4 dog", "520 credit". A different noun is a different count.
        if (i + 1 < size() && all_alpha(at(i + 1)) && lex_.stopwords.count(at(i + 1)) == 0 &&
            lex_.polar_words.count(at(i + 1)) == 0) {
          number += " " + text_normalizer::stem(at(i + 1));
        }
        out_.numbers.push_back(number);
        used_[i] = true;
      }
    }
  }

  // The period of an amount ("$480 a month", "90k a year", "a $90k salary"):
  // "/month", "/year", … or "" for a one-off sum; the words are consumed.
  std::string money_period(std::size_t k) {
    static const std::map<std::string, std::string, std::less<>> periods{
        {"day", "day"},     {"week", "week"},     {"month", "month"},   {"year", "year"},
        {"daily", "day"},   {"weekly", "week"},   {"monthly", "month"}, {"yearly", "year"},
        {"annual", "year"}, {"annually", "year"}, {"salary", "year"},   {"income", "year"},
        {"mo", "month"},    {"yr", "year"}};
    std::size_t at_k = k;
    if (at_k < size() && (at(at_k) == "a" || at(at_k) == "per" || at(at_k) == "each" ||
                          at(at_k) == "every" || at(at_k) == "an")) {
      ++at_k;
    }
    if (at_k >= size() || !free(at_k)) return {};
    const auto period = periods.find(at(at_k));
    if (period == periods.end()) return {};
    // A bare "a"/"per" needs a period word ("$500 a month"); "salary" and
    // the adverbs stand alone.
    mark(k, at_k + 1);
    return "/" + period->second;
  }

  void negations() {
    for (std::size_t i = 0; i < size(); ++i) {
      if (!free(i) || lex_.negations.count(at(i)) == 0) continue;
      std::string head;
      for (std::size_t k = i + 1; k < size() && k <= i + 5; ++k) {
        const auto& t = at(k);
        if (negation_fillers().count(t) > 0 || lex_.negations.count(t) > 0) continue;
        head = text_normalizer::stem(t);
        break;
      }
      out_.negations.push_back("not:" + head);
    }
  }

  void polarity() {
    for (std::size_t i = 0; i < size(); ++i) {
      if (!free(i)) continue;
      auto found = lex_.polar_words.end();
      std::size_t length = 1;
      if (i + 1 < size() && starts_phrase(lex_.polar_words, at(i))) {
        found = lex_.polar_words.find(at(i) + " " + at(i + 1));
        length = 2;
      }
      if (found == lex_.polar_words.end()) {
        found = lex_.polar_words.find(at(i));
        length = 1;
      }
      if (found == lex_.polar_words.end()) {
        if (particle_at(i)) out_.soft_polarity.push_back("particle:" + at(i));
        continue;
      }
      const auto& pole = found->second;
      const auto group = pole.substr(0, pole.find(':'));
      // "how fast", "how big": the question word asks about the quality, it
      // does not assert one pole ("how buying works" still names buying).
      if (asked_quality(i)) continue;
      if (lex_.ordered_polar_groups.count(group) > 0) {
        // An ordered pole carries what it applies to, so that "buy before
        // selling" and "sell before buying" differ however the clauses are
        // arranged ("before selling, buy").
        out_.polarity.push_back(pole + "(" + object_after(i + length) + ")");
      } else if (lex_.soft_polar_groups.count(group) > 0 && lex_.strong_poles.count(pole) == 0) {
        out_.soft_polarity.push_back(pole);
      } else {
        out_.polarity.push_back(pole);
      }
      i += length - 1;
    }
  }

  // True when token `i` is a quality asked about ("how big", "how fast"):
  // a pole of a soft group right after "how".
  bool asked_quality(std::size_t i) const {
    if (i == 0 || at(i - 1) != "how") return false;
    const auto pole = lex_.polar_words.find(at(i));
    if (pole == lex_.polar_words.end()) return false;
    return lex_.soft_polar_groups.count(pole->second.substr(0, pole->second.find(':'))) > 0;
  }

  // The first content word after `from`, as a pole or a stem ("" if none
  // within a few words): the object of "before"/"after".
  std::string object_after(std::size_t from) const {
    for (std::size_t k = from; k < size() && k < from + 4; ++k) {
      const auto& t = at(k);
      if (lex_.stopwords.count(t) > 0 || lex_.framing_words.count(t) > 0) continue;
      if (const auto pole = lex_.polar_words.find(t); pole != lex_.polar_words.end()) {
        return pole->second;
      }
      return all_alpha(t) ? text_normalizer::stem(t) : std::string{};
    }
    return {};
  }

  // A particle changes its verb: "move the tour up" / "back", "turn it on" /
  // "off", "count me in" / "out". "up", "down", "back", "out", "off" are
  // particles wherever they stand (outside a known phrase such as "down
  // payment"); "in" and "on" only right after a phrasal verb (and its
  // pronoun) or at the end of a clause, else they are prepositions.
  bool particle_at(std::size_t i) const {
    const auto& t = at(i);
    if (lex_.particles.count(t) == 0) return false;
    if (i + 1 < size() && lex_.topics.count(t + " " + at(i + 1)) > 0) return false;
    if (t != "in" && t != "on") return true;
    static const word_set object_pronouns{"me", "us", "it", "them", "him", "her", "you"};
    static const word_set clause_words{
        "for", "to",   "at",   "with", "before", "after",  "until", "when",    "if",  "and",
        "or",  "but",  "so",   "then", "please", "thanks", "now",   "today",   "too", "again",
        "as",  "soon", "this", "next", "yet",    "right",  "ok",    "tomorrow"};
    const bool after_verb = i > 0 && lex_.phrasal_verbs.count(at(i - 1)) > 0;
    const bool after_object =
        i > 1 && object_pronouns.count(at(i - 1)) > 0 && lex_.phrasal_verbs.count(at(i - 2)) > 0;
    const bool ends_clause = i + 1 == size() || clause_words.count(at(i + 1)) > 0;
    return after_verb || after_object || (i > 0 && ends_clause);
  }

  void topics() {
    for (std::size_t i = 0; i < size(); ++i) {
      if (!free(i)) continue;
      const bool phrase_start = starts_phrase(lex_.topics, at(i));
      for (std::size_t n = phrase_start ? std::min<std::size_t>(3, size() - i) : 1; n >= 1; --n) {
        std::string phrase = at(i);
        for (std::size_t k = i + 1; k < i + n; ++k) phrase += " " + at(k);
        const auto found = lex_.topics.find(phrase);
        if (found != lex_.topics.end()) {
          out_.topics.push_back(found->second);
          i += n - 1;
          break;
        }
      }
    }
  }

  void questions() {
    bool amount = false;
    bool amount_noun = false;
    bool open_question = false;
    // Asking for advice ("should we keep renting or buy? thx") is no
    // statement about the same words ("we're renting and want to buy"). Only
    // this opening is taken as a question without a wh-word: "can you send
    // listings" or "can i get a showing" are requests, the same as "pls send
    // listings" or "i want to see it".
    if (size() >= 2 && at(0) == "should" &&
        (at(1) == "i" || at(1) == "we" || at(1) == "my" || at(1) == "our")) {
      out_.questions.emplace_back("advice");
    }
    for (std::size_t i = 0; i < size(); ++i) {
      const auto& t = at(i);
      const std::string next = i + 1 < size() ? at(i + 1) : std::string{};
      const bool leads = i == 0 || auxiliaries().count(next) > 0;
      if (amount_nouns().count(t) > 0) amount_noun = true;
      if (t == "how") {
        if (next == "much" || next == "little") {
          amount = true;
        } else if (next == "often" || (next == "many" && i + 2 < size() && at(i + 2) == "times")) {
          out_.questions.emplace_back("frequency");
        } else if (next == "many") {
          const bool time_unit = (i + 2 < size() && time_units().count(at(i + 2)) > 0) ||
                                 (i + 3 < size() && time_units().count(at(i + 3)) > 0);
          out_.questions.emplace_back(time_unit ? "duration" : "count");
        } else if (next == "long" || next == "fast" || next == "quickly" || next == "quick") {
          out_.questions.emplace_back("duration");
        } else if (next == "soon") {
          out_.questions.emplace_back("time");
        } else if (next == "come") {
          out_.questions.emplace_back("reason");
        } else if (next == "far") {
          out_.questions.emplace_back("distance");
        } else {
          open_question = true;
        }
      } else if (t == "when" && leads) {
        out_.questions.emplace_back("time");
      } else if (t == "where" && leads) {
        out_.questions.emplace_back("place");
      } else if (t == "who" || t == "whom" || t == "whose") {
        out_.questions.emplace_back("person");
      } else if (t == "why") {
        out_.questions.emplace_back("reason");
      } else if (t == "what" || t == "which") {
        // A generic wh-question ("what does preapproval mean", "how do I
        // get preapproved") differs from a statement about the same words
        // ("we're preapproved"); specific classes below replace it.
        open_question = true;
        if (next == "time" || next == "day" || next == "days" || next == "date" ||
            next == "dates") {
          out_.questions.emplace_back("time");
        } else if (next == "area" || next == "areas" || next == "part" || next == "city" ||
                   next == "cities" || next == "neighborhood" || next == "street") {
          out_.questions.emplace_back("place");
        }
      }
    }
    // "what's the fee" asks an amount, as does a bare "hoa fees in fontana?";
    // "do I pay a fee" or "who pays the fee" does not.
    const bool bare_question =
        asks_ && out_.questions.empty() && size() > 0 && auxiliaries().count(at(0)) == 0;
    if (amount_noun && (open_question || bare_question)) amount = true;
    // "what could I sell it for", "what do they go for in Corona": a price.
    bool deal_verb = false;
    for (std::size_t i = 1; i < size() && open_question && !amount; ++i) {
      static const word_set place_words{"in", "near", "around", "at", "on", "by"};
      static const word_set deal_verbs{"sell",   "selling", "sold", "go",  "going",  "list",
                                       "listed", "rent",    "get",  "buy", "bought", "went"};
      deal_verb = deal_verb || deal_verbs.count(at(i)) > 0;
      if (deal_verb && at(i) == "for" && (i + 1 == size() || place_words.count(at(i + 1)) > 0)) {
        amount = true;
      }
    }
    // A money topic asked about is an amount ("what's the earnest money").
    for (const auto& topic : out_.topics) {
      if (money_topics().count(topic) > 0 && (open_question || amount)) amount = true;
    }
    if (amount) out_.questions.emplace_back("amount");
    if (out_.questions.empty() && definition()) {
      out_.questions.emplace_back("definition");
    } else if (out_.questions.empty() && (open_question || asks_about())) {
      out_.questions.emplace_back("open");
    }
  }

  // Asks what something is: "what is escrow", "what's a short sale exactly",
  // "what does contingent mean", "can you explain escalation clauses" (a
  // specific question: "how do I get pre-approved" is not "what does
  // pre-approval mean").
  bool definition() const {
    static const word_set meaning{"mean", "means", "meaning", "define", "definition", "explain"};
    for (std::size_t i = 0; i < size(); ++i) {
      if (meaning.count(at(i)) > 0 && !(i + 1 < size() && at(i + 1) == "how")) return true;
    }
    // "what is/are (a|an|the)? X (exactly)?" with nothing after the thing.
    if (size() < 3 || at(0) != "what" || (at(1) != "is" && at(1) != "are")) return false;
    std::size_t k = 2;
    if (at(k) == "a" || at(k) == "an") ++k;
    std::size_t words = 0;
    for (; k < size(); ++k) {
      if (at(k) == "exactly" || at(k) == "again") continue;
      if (lex_.stopwords.count(at(k)) > 0 || lex_.framing_words.count(at(k)) > 0) return false;
      ++words;
    }
    return words >= 1 && words <= 3;
  }

  // A request for information without a question word: "tell me about the
  // HOA", "info on the schools".
  bool asks_about() const {
    for (std::size_t i = 0; i + 1 < size(); ++i) {
      if ((at(i) == "tell" || at(i) == "information" || at(i) == "details") &&
          std::find(tokens_.begin() + static_cast<std::ptrdiff_t>(i), tokens_.end(), "about") !=
              tokens_.end()) {
        return true;
      }
      if ((at(i) == "information" || at(i) == "details") && at(i + 1) == "on") return true;
    }
    return false;
  }

  // Content words for the minimal-pair and subject checks, each in its most
  // canonical form (a polar pole, a concept or a topic id where the lexicon
  // has one, so that "bad" and "poor", or "repair" and "fix", count as the
  // same word). Figures are left out: their own kinds compare them; so are
  // words that only frame the question.
  void content_words() {
    static const word_set function_words{"within", "next",    "near",   "via",     "per",
                                         "vs",     "across",  "toward", "towards", "onto",
                                         "upon",   "between", "among",  "versus"};
    // Words that belong to the question phrase ("how long", "how many days").
    static const word_set question_heads{"much", "many", "long",    "soon",  "often",
                                         "far",  "fast", "quickly", "quick", "little",
                                         "big",  "old",  "late",    "early", "come"};
    for (std::size_t i = 0; i < size(); ++i) {
      const auto& t = at(i);
      if (free(i) && i + 1 < size()) {  // a polar phrase ("come down") before its words
        if (const auto pole = lex_.polar_words.find(t + " " + at(i + 1));
            pole != lex_.polar_words.end()) {
          out_.content.push_back(pole->second);
          ++i;
          continue;
        }
      }
      // Words an entity already claimed, and negation cues, are compared by
      // their own kinds.
      if (!free(i) || !all_alpha(t) || lex_.stopwords.count(t) > 0 || function_words.count(t) > 0 ||
          lex_.negations.count(t) > 0 || lex_.framing_words.count(t) > 0) {
        continue;
      }
      if (i > 0 && at(i - 1) == "how" && (question_heads.count(t) > 0 || asked_quality(i))) {
        continue;
      }
      if (i > 1 && at(i - 2) == "how" && at(i - 1) == "many" && time_units().count(t) > 0) {
        continue;
      }
      const auto topic = topic_at(i);
      if (topic.second > 1) {  // a phrase ("down payment") before its words
        subject("topic:" + topic.first);
        i += topic.second - 1;
        continue;
      }
      if (lex_.particles.count(t) > 0 && !particle_at(i)) continue;  // a preposition
      if (const auto pole = lex_.polar_words.find(t); pole != lex_.polar_words.end()) {
        out_.content.push_back(pole->second);
      } else if (lex_.particles.count(t) > 0) {
        out_.content.push_back("particle:" + t);
      } else if (const auto same = lex_.concepts.find(t); same != lex_.concepts.end()) {
        const auto& id = same->second;
        subject(id.find(':') == std::string::npos ? text_normalizer::stem(id) : id);
      } else if (topic.second > 0) {
        subject("topic:" + topic.first);
      } else {
        subject(text_normalizer::stem(t));
      }
    }
  }

  void subject(std::string word) {
    out_.content.push_back(word);
    out_.subjects.push_back(std::move(word));
  }

  // The topic a phrase starting at `i` names and its length in tokens
  // (0 when none); a single word is also looked up in its other inflections
  // ("stage" for "staging", "pet" for "pets", "remodeled" for "remodel").
  std::pair<std::string, std::size_t> topic_at(std::size_t i) const {
    if (starts_phrase(lex_.topics, at(i))) {
      for (std::size_t n = std::min<std::size_t>(3, size() - i); n >= 2; --n) {
        std::string phrase = at(i);
        for (std::size_t k = i + 1; k < i + n; ++k) phrase += " " + at(k);
        if (const auto found = lex_.topics.find(phrase); found != lex_.topics.end()) {
          return {found->second, n};
        }
      }
    }
    const auto& t = at(i);
    if (const auto found = lex_.topics.find(t); found != lex_.topics.end())
      return {found->second, 1};
    const auto stem = text_normalizer::stem(t);
    for (const auto& form : {stem, stem + "s", stem + "e", stem + "es", stem + "ing", stem + "ion",
                             t.size() > 1 ? t.substr(0, t.size() - 1) : t}) {
      if (const auto found = lex_.topics.find(form); found != lex_.topics.end()) {
        return {found->second, 1};
      }
    }
    return {{}, 0};
  }

  // A name after a place preposition that no list knows is still a place:
  // capitalised ("in Lake Arrowhead", "near Big Bear"), or lower case when it
  // is shaped like a place name ("in mission grove", "near lake mathews":
  // a place type last or a place prefix first).
  void unknown_places(std::string_view raw) {
    if (raw.empty()) return;
    std::vector<std::string> words;
    std::string word;
    for (const char c : raw) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        word.push_back(c);
      } else {
        if (!word.empty()) words.push_back(word);
        word.clear();
        if (c != ' ' && c != '-') words.emplace_back(".");  // punctuation ends a name
      }
    }
    if (!word.empty()) words.push_back(word);
    static const word_set prepositions{"in", "near", "from", "to", "around", "by", "outside"};
    auto capitalised = [](const std::string& w) {
      return w.size() >= 2 && w[0] >= 'A' && w[0] <= 'Z' &&
             std::all_of(w.begin() + 1, w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    };
    auto lower = [](std::string w) {
      for (auto& c : w) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      return w;
    };
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
      if (prepositions.count(lower(words[i])) == 0) continue;
      std::string phrase;
      std::size_t k = i + 1;
      if (capitalised(words[i + 1])) {
        while (k < words.size() && k <= i + 3 && capitalised(words[k])) {
          if (!phrase.empty()) phrase.push_back(' ');
          phrase += lower(words[k]);
          ++k;
        }
        if (known_word(phrase)) continue;
        out_.places.push_back("place:" + phrase);
        continue;
      }
      // Lower case: up to three name-like words shaped like a place.
      std::vector<std::string> run;
      while (k < words.size() && k <= i + 3 && words[k] != ".") {
        const auto w = lower(words[k]);
        const bool shaped = lex_.place_types.count(w) > 0 || lex_.place_prefixes.count(w) > 0;
        if (!shaped && (lex_.stopwords.count(w) > 0 || known_word(w) ||
                        lex_.framing_words.count(w) > 0 || w.size() < 3)) {
          break;
        }
        run.push_back(w);
        ++k;
      }
      while (run.size() >= 2) {
        const bool typed = lex_.place_types.count(run.back()) > 0;
        const bool prefixed = lex_.place_prefixes.count(run.front()) > 0;
        if (typed || prefixed) break;
        run.pop_back();
      }
      if (run.size() < 2) continue;
      for (const auto& w : run) {
        if (!phrase.empty()) phrase.push_back(' ');
        phrase += w;
      }
      if (known_word(phrase)) continue;
      out_.places.push_back("place:" + phrase);
    }
  }

  // A person introduced by name ("this is Omar", "my name is dana"): one
  // lead's name is never another lead's answer.
  void person_names() {
    for (std::size_t i = 0; i + 2 < size(); ++i) {
      const bool intro = (at(i) == "this" && at(i + 1) == "is") ||
                         (at(i) == "name" && at(i + 1) == "is") ||
                         (at(i) == "it" && at(i + 1) == "is" && i == 0);
      if (!intro || !free(i + 2) || !all_alpha(at(i + 2))) continue;
      const auto& name = at(i + 2);
      if (lex_.stopwords.count(name) > 0 || lex_.framing_words.count(name) > 0 ||
          known_word(name) || lex_.roles.count(name) > 0 || lex_.concepts.count(name) > 0 ||
          lex_.negations.count(name) > 0) {
        continue;
      }
      out_.names.push_back(name);
      used_[i + 2] = true;
    }
  }

  // The parties in order; see `entities::roles`. A party that restates the
  // speaker ("as a buyer", "I'm the seller") is left out.
  void roles() {
    std::vector<std::string> found;
    bool noun = false;
    for (std::size_t i = 0; i < size(); ++i) {
      const auto role = lex_.roles.find(at(i));
      if (role == lex_.roles.end()) continue;
      const bool pronoun = role->second == "self" || role->second == "you";
      if (pronoun) {
        const bool by_verb = (i > 0 && transfer_verbs().count(at(i - 1)) > 0) ||
                             (i + 1 < size() && transfer_verbs().count(at(i + 1)) > 0);
        if (!by_verb) continue;
      } else {
        const bool apposition = i >= 2 &&
                                (at(i - 1) == "a" || at(i - 1) == "an" || at(i - 1) == "the") &&
                                (at(i - 2) == "as" || at(i - 2) == "am" || at(i - 2) == "are");
        if (apposition) continue;
        noun = true;
      }
      found.push_back(role->second);
    }
    // Pronouns alone count when they are two parties ("do I pay you" vs "do
    // you pay me"); next to one noun they say little ("do you charge buyers").
    const auto distinct = std::set<std::string>(found.begin(), found.end()).size();
    if (noun || distinct >= 2) out_.roles = std::move(found);
  }

  // A plain statement or request, not in question form: no question mark,
  // no question word or auxiliary first ("we're renting and want to buy",
  // "send me listings" vs "should we keep renting or buy?").
  bool statement() const {
    if (asks_ || tokens_.empty()) return false;
    static const word_set openers{"what",  "how",   "when", "where",  "who",      "why", "which",
                                  "whose", "is",    "are",  "do",     "does",     "did", "can",
                                  "could", "would", "will", "should", "have",     "has", "may",
                                  "might", "shall", "must", "any",    "anything", "got"};
    return openers.count(at(0)) == 0;
  }

  // Lower-cased words written with a capital inside a sentence (a name).
  static word_set capitalised_words(std::string_view raw) {
    word_set out;
    std::string word;
    bool sentence_start = true;
    auto flush = [&](char next) {
      if (!word.empty()) {
        const bool name =
            word.size() >= 2 && word[0] >= 'A' && word[0] <= 'Z' &&
            std::all_of(word.begin() + 1, word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
        if (name && !sentence_start) {
          std::string lower = word;
          lower[0] = static_cast<char>(lower[0] - 'A' + 'a');
          out.insert(lower);
        }
        sentence_start = false;
        word.clear();
      }
      if (next == '.' || next == '!' || next == '?' || next == '\n') sentence_start = true;
    };
    for (const char c : raw) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        word.push_back(c);
      } else {
        flush(c);
      }
    }
    flush(' ');
    return out;
  }

  // True when the normaliser or a list already gives `phrase` a meaning (a
  // known city, a month, a domain word): only unknown names count as places.
  bool known_word(const std::string& phrase) const {
    const auto first = phrase.substr(0, phrase.find(' '));
    for (const auto& city : lex_.cities) {
      if (phrase.compare(0, city.size(), city) == 0) return true;
    }
    for (const auto& county : lex_.counties) {
      if (phrase.compare(0, county.size(), county) == 0) return true;
    }
    for (const auto& region : lex_.regions) {
      if (phrase.compare(0, region.size(), region) == 0) return true;
    }
    return lex_.stopwords.count(first) > 0 || lex_.spellings.count(first) > 0 ||
           lex_.synonyms.count(first) > 0 || lex_.topics.count(first) > 0 ||
           lex_.polar_words.count(first) > 0 || lex_.number_words.count(first) > 0 ||
           lex_.negations.count(first) > 0 || lex_.street_suffixes.count(first) > 0 ||
           is_month(first) || weekdays().count(first) > 0 || dayparts().count(first) > 0 ||
           first == "today" || first == "tomorrow" || first == "tonight" ||
           date_modifier(first).has_value() || periods().count(first) > 0;
  }

  const std::vector<std::string>& tokens_;
  const lexicon& lex_;
  std::vector<bool> used_;
  entities out_;
  word_set capitalised_;
  bool asks_ = false;
};

std::string show(const std::vector<std::string>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += values[i];
  }
  return out + "]";
}

}  // namespace

entities extract_tokens(const std::vector<std::string>& tokens, const lexicon& lex,
                        std::string_view raw_text) {
  return extractor(tokens, lex).run(raw_text);
}

entities extract(std::string_view text, const lexicon& lex) {
  return extract_tokens(normalize_tokens(text, lex), lex, text);
}

namespace {

std::string group_of(const std::string& pole) { return pole.substr(0, pole.find(':')); }

// Soft poles by group: a group is compared only when both texts name one of
// its poles.
std::optional<std::string> soft_conflict(const entities& a, const entities& b) {
  std::map<std::string, std::pair<word_set, word_set>> groups;
  for (const auto& pole : a.soft_polarity) groups[group_of(pole)].first.insert(pole);
  for (const auto& pole : b.soft_polarity) groups[group_of(pole)].second.insert(pole);
  for (const auto& [group, poles] : groups) {
    if (poles.first.empty() || poles.second.empty() || poles.first == poles.second) continue;
    return group;
  }
  return std::nullopt;
}

std::size_t edit_distance(std::string_view x, std::string_view y) {
  std::vector<std::size_t> row(y.size() + 1);
  for (std::size_t j = 0; j <= y.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= x.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= y.size(); ++j) {
      const auto above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[y.size()];
}

// The same word up to a typo ("neighbourhod", "inspecton"): long words only,
// so that "roof" and "pool" stay apart. A cost in general ("how much does it
// cost") is any money topic ("closing costs").
bool same_word(const std::string& x, const std::string& y) {
  if (x == y) return true;
  const auto money = [](const std::string& topic) {
    return topic.rfind("topic:", 0) == 0 && money_topics().count(topic.substr(6)) > 0;
  };
  if ((x == "cost" && money(y)) || (y == "cost" && money(x))) return true;
  if (x.find(':') != std::string::npos || y.find(':') != std::string::npos) return false;
  const auto shorter = std::min(x.size(), y.size());
  if (shorter < 5) return false;
  return edit_distance(x, y) <= (shorter >= 8 ? 2U : 1U);
}

// Subjects of `from` that `other` does not name.
std::vector<std::string> unmatched(const std::vector<std::string>& from,
                                   const std::vector<std::string>& other) {
  std::vector<std::string> out;
  for (const auto& word : from) {
    if (std::none_of(other.begin(), other.end(),
                     [&](const std::string& o) { return same_word(word, o); })) {
      out.push_back(word);
    }
  }
  return out;
}

// Question classes: the specific ones ("amount", "time", …) must be equal; a
// generic question ("what does pre-approval mean") differs from a plain
// statement of the same words ("we're pre-approved"), not from another
// question or a request.
bool questions_agree(const entities& a, const entities& b) {
  auto specific = [](const entities& e) {
    std::vector<std::string> out;
    for (const auto& q : e.questions) {
      if (q != "open" && q != "advice") out.push_back(q);
    }
    return out;
  };
  if (specific(a) != specific(b)) return false;
  const bool a_open = !a.questions.empty();
  const bool b_open = !b.questions.empty();
  if (a_open != b_open) return a_open ? !b.statement : !a.statement;
  return true;
}

}  // namespace

guard_verdict compare_entities(const entities& a, const entities& b) {
  const std::array<std::pair<const char*, std::vector<std::string> entities::*>, 10> exact{{
      {"address", &entities::addresses},
      {"zip", &entities::zips},
      {"money", &entities::money},
      {"number", &entities::numbers},
      {"date", &entities::dates},
      {"time", &entities::times},
      {"place", &entities::places},
      {"negation", &entities::negations},
      {"name", &entities::names},
      {"polarity", &entities::polarity},
  }};
  for (const auto& [kind, member] : exact) {
    if (a.*member != b.*member) {
      return {false, kind, std::string(kind) + ": " + show(a.*member) + " vs " + show(b.*member)};
    }
  }
  if (const auto group = soft_conflict(a, b)) {
    return {false, "polarity",
            "polarity: " + show(a.soft_polarity) + " vs " + show(b.soft_polarity)};
  }
  if (!questions_agree(a, b)) {
    return {false, "question", "question: " + show(a.questions) + " vs " + show(b.questions)};
  }
  // The same parties in another order: "does the seller pay the buyer's
  // agent" vs "does the buyer pay the seller's agent".
  if (a.roles != b.roles && a.roles.size() >= 2) {
    auto x = a.roles;
    auto y = b.roles;
    std::sort(x.begin(), x.end());
    std::sort(y.begin(), y.end());
    if (x == y) return {false, "role", "role: " + show(a.roles) + " vs " + show(b.roles)};
  }
  // Topics conflict only when each side names one the other does not: "how
  // much earnest money" vs "how much down payment". One side naming fewer is
  // a paraphrase's privilege ("what does it cost" vs "what are closing costs").
  const bool a_subset =
      std::includes(b.topics.begin(), b.topics.end(), a.topics.begin(), a.topics.end());
  const bool b_subset =
      std::includes(a.topics.begin(), a.topics.end(), b.topics.begin(), b.topics.end());
  if (!a_subset && !b_subset) {
    return {false, "topic", "topic: " + show(a.topics) + " vs " + show(b.topics)};
  }
  // The same for every subject, known to the lexicon or not: "what are
  // property taxes like" vs "what are property values like", "how old is the
  // roof" vs "how old is the furnace".
  const auto only_a = unmatched(a.subjects, b.subjects);
  const auto only_b = unmatched(b.subjects, a.subjects);
  if (!only_a.empty() && !only_b.empty()) {
    return {false, "subject", "subject: " + show(only_a) + " vs " + show(only_b)};
  }
  // A domain topic named on one side only, when the other side says
  // anything of its own, narrows the question to that topic: "what does home
  // staging cost" is not "how should I price my home", "what should I fix
  // before selling" is not "how does selling work" ("what does it cost"
  // names nothing but a cost, so any money topic may complete it).
  auto extra_topic = [](const std::vector<std::string>& only, const entities& other) {
    return !other.content.empty() &&
           std::any_of(only.begin(), only.end(),
                       [](const std::string& s) { return s.rfind("topic:", 0) == 0; });
  };
  if (extra_topic(only_a, b) || extra_topic(only_b, a)) {
    return {false, "subject", "subject: " + show(only_a) + " vs " + show(only_b)};
  }
  // A minimal pair: same content words in the same order but one. Paraphrases
  // reword more than one word; a one-word swap is a different question
  // unless the lexicon already made the two words one.
  if (a.content.size() == b.content.size() && a.content.size() >= 2) {
    std::size_t differing = 0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < a.content.size(); ++i) {
      if (!same_word(a.content[i], b.content[i])) {
        ++differing;
        at = i;
      }
    }
    if (differing == 1) {
      return {false, "substitution", "substitution: " + a.content[at] + " vs " + b.content[at]};
    }
  }
  return {};
}

bool entities_agree(const entities& a, const entities& b) { return compare_entities(a, b).agree; }

std::string disagreement(const entities& a, const entities& b) {
  return compare_entities(a, b).detail;
}

}  // namespace openhouse::cache
