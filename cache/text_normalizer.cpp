#include "cache/text_normalizer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <utility>

namespace openhouse::cache {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

bool all_alpha(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_lower);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_word_char(char c) {
  return is_lower(c) || is_digit(c) || c == '$' || c == '%' || c == '.' || c == ',' || c == ':' ||
         c == '/' || c == '\'' || c == '#' || c == '&' || c == '-' || c == '+';
}

// Lower-cases ASCII, turns typographic apostrophes into ' and every other
// non-ASCII byte (emoji, accents) into a separator.
std::string fold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
      continue;
    }
    // U+2018, U+2019 (‘ ’) and U+02BC (ʼ) are apostrophes in phone keyboards.
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0x98 ||
         static_cast<unsigned char>(text[i + 2]) == 0x99)) {
      out.push_back('\'');
      i += 2;
      continue;
    }
    if (c == 0xCA && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBC) {
      out.push_back('\'');
      i += 1;
      continue;
    }
    out.push_back(' ');
  }
  return out;
}

bool is_numeric_date(std::string_view s) {
  // 12/5, 12/05/2024, 1/2/24
  int parts = 0;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto slash = s.find('/', start);
    const auto part = s.substr(start, slash == std::string_view::npos ? s.npos : slash - start);
    if (!all_digits(part) || part.size() > 4) return false;
    ++parts;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts == 2 || parts == 3;
}

// Splits one piece (no '/', no '-') at the punctuation that is not part of a
// number: '.' and ':' survive only between digits, ',' only as a thousands
// separator, '$' only in front, '%' and '+' only at the end.
void split_piece(std::string_view piece, std::vector<std::string>& out) {
  std::string current;
  auto flush = [&] {
    if (!current.empty()) out.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i < piece.size(); ++i) {
    const char c = piece[i];
    const bool prev_digit = i > 0 && is_digit(piece[i - 1]);
    const bool next_digit = i + 1 < piece.size() && is_digit(piece[i + 1]);
    if (is_lower(c) || is_digit(c)) {
      current.push_back(c);
    } else if (c == '.' || c == ':') {
      if (prev_digit && next_digit) {
        current.push_back(c);
      } else {
        flush();
      }
    } else if (c == ',') {
      const bool grouping = prev_digit && i + 3 < piece.size() && is_digit(piece[i + 1]) &&
                            is_digit(piece[i + 2]) && is_digit(piece[i + 3]) &&
                            (i + 4 >= piece.size() || !is_digit(piece[i + 4]));
      // A thousands comma stays in the token so that number handling knows
      // the figure was written grouped ("610,000").
      if (grouping) {
        current.push_back(c);
      } else {
        flush();
      }
    } else if (c == '$') {
      flush();
      current.push_back('$');
    } else if (c == '%' || c == '+') {
      current.push_back(c);
      flush();
    } else if (c == '#') {
      flush();
      out.emplace_back("#");
    } else if (c == '&') {
      flush();
      out.emplace_back("and");
    } else {
      flush();
    }
  }
  flush();
}

const std::set<std::string, std::less<>>& possessive_is_words() {
  static const std::set<std::string, std::less<>> words{
      "what", "that", "it",   "there",      "here",    "who",       "where",    "how",   "when",
      "he",   "she",  "this", "everything", "nothing", "something", "everyone", "price", "budget"};
  return words;
}

// Expands an apostrophe contraction into words; returns false if `word` has
// none.
bool expand_contraction(std::string_view word, std::vector<std::string>& out) {
  const auto quote = word.find('\'');
  if (quote == std::string_view::npos) return false;
  std::string w(word);
  if (ends_with(w, "n't")) {
    std::string base = w.substr(0, w.size() - 3);
    if (base == "can" || base == "ca")
      base = "can";
    else if (base == "won" || base == "wo")
      base = "will";
    else if (base == "ai")
      base = "is";
    else if (base == "sha")
      base = "shall";
    base.erase(std::remove(base.begin(), base.end(), '\''), base.end());
    if (!base.empty()) out.push_back(base);
    out.emplace_back("not");
    return true;
  }
  static const std::pair<const char*, const char*> endings[] = {
      {"'re", "are"}, {"'m", "am"}, {"'ve", "have"}, {"'ll", "will"}, {"'d", "would"}};
  for (const auto& [ending, expansion] : endings) {
    if (ends_with(w, ending)) {
      std::string base = w.substr(0, w.size() - std::string_view(ending).size());
      base.erase(std::remove(base.begin(), base.end(), '\''), base.end());
      if (!base.empty()) out.push_back(base);
      out.emplace_back(expansion);
      return true;
    }
  }
  if (ends_with(w, "'s")) {
    std::string base = w.substr(0, w.size() - 2);
    base.erase(std::remove(base.begin(), base.end(), '\''), base.end());
    if (!base.empty()) out.push_back(base);
    // "what's" is "what is"; "budget's" in "our budget's about 650k" reads
    // as "is" too, but plain possessives ("buyer's agent") just drop the 's.
    if (possessive_is_words().count(base) > 0) out.emplace_back("is");
    return true;
  }
  w.erase(std::remove(w.begin(), w.end(), '\''), w.end());  // "o'clock" → "oclock"
  if (!w.empty()) out.push_back(w);
  return true;
}

void explode_word(std::string word, std::vector<std::string>& out) {
  // SMS shorthand with a slash is a word of its own.
  static const std::set<std::string, std::less<>> slash_words{"w/",  "w/o",  "b/c",
                                                              "b/w", "w/in", "wo/"};
  if (slash_words.count(word) > 0) {
    out.push_back(word);
    return;
  }
  for (const auto& special : {"w/o", "w/in", "w/"}) {
    const std::string_view sv(special);
    if (word.size() > sv.size() && word.compare(0, sv.size(), sv) == 0 &&
        is_lower(word[sv.size()])) {
      out.emplace_back(special);
      word.erase(0, sv.size());
      break;
    }
  }
  // Trim punctuation that cannot start or end a token.
  const auto trim_front = word.find_first_not_of(".,:/'-");
  if (trim_front == std::string::npos) return;
  word.erase(0, trim_front);
  if (slash_words.count(word) > 0) {
    out.push_back(word);
    return;
  }
  while (!word.empty() && std::string_view(".,:/'-").find(word.back()) != std::string_view::npos) {
    word.pop_back();
  }
  if (word.empty()) return;
  if (slash_words.count(word) > 0) {
    out.push_back(word);
    return;
  }
  // "p.m." / "a.m." (glued or not) become "pm" / "am" before '.' splits them.
  for (const auto& [dotted, plain] : {std::pair{"p.m", "pm"}, std::pair{"a.m", "am"}}) {
    const auto at = word.find(dotted);
    if (at != std::string::npos && (at + 3 == word.size() || !is_lower(word[at + 3]))) {
      word.replace(at, 3, plain);
    }
  }
  std::vector<std::string> words;
  if (!expand_contraction(word, words)) words.push_back(word);
  for (const auto& w : words) {
    // '/' separates "4bd/3ba" and "buy/sell" but not dates ("12/5").
    std::vector<std::string> slash_parts;
    if (w.find('/') != std::string::npos && !is_numeric_date(w)) {
      std::size_t start = 0;
      while (start <= w.size()) {
        const auto slash = w.find('/', start);
        slash_parts.push_back(w.substr(start, slash == std::string::npos ? w.npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
      }
    } else {
      slash_parts.push_back(w);
    }
    for (const auto& part : slash_parts) {
      if (is_numeric_date(part)) {
        out.push_back(part);
        continue;
      }
      // '-' joins words ("pre-approved", "mello-roos", "500k-600k"): split.
      std::size_t start = 0;
      while (start <= part.size()) {
        const auto dash = part.find('-', start);
        split_piece(std::string_view(part).substr(
                        start, dash == std::string::npos ? std::string_view::npos : dash - start),
                    out);
        if (dash == std::string::npos) break;
        start = dash + 1;
      }
    }
  }
}

std::vector<std::string> raw_tokens(std::string_view text) {
  const auto folded = fold(text);
  std::vector<std::string> out;
  std::string word;
  for (const char c : folded) {
    if (is_word_char(c)) {
      word.push_back(c);
    } else if (!word.empty()) {
      explode_word(std::move(word), out);
      word.clear();
    }
  }
  if (!word.empty()) explode_word(std::move(word), out);
  return out;
}

std::string join(const std::vector<std::string>& tokens, std::size_t from, std::size_t count) {
  std::string key = tokens[from];
  for (std::size_t k = from + 1; k < from + count; ++k) {
    key.push_back(' ');
    key += tokens[k];
  }
  return key;
}

void append_words(std::string_view phrase, std::vector<std::string>& out) {
  std::size_t start = 0;
  while (start < phrase.size()) {
    const auto space = phrase.find(' ', start);
    const auto word =
        phrase.substr(start, space == std::string_view::npos ? phrase.npos : space - start);
    if (!word.empty()) out.emplace_back(word);
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
}

// Replaces the longest phrase known to `map` at each position.
std::vector<std::string> replace_phrases(const std::vector<std::string>& in,
                                         const std::map<std::string, std::string>& map,
                                         std::size_t max_words) {
  std::vector<std::string> out;
  out.reserve(in.size() + 4);
  std::size_t i = 0;
  std::string prefix;
  while (i < in.size()) {
    bool matched = false;
    // Most words start no phrase: one ordered lookup of "word " rules out
    // every longer candidate at once.
    prefix.assign(in[i]).push_back(' ');
    const auto next_key = map.lower_bound(prefix);
    const bool starts_phrase =
        next_key != map.end() && next_key->first.compare(0, prefix.size(), prefix) == 0;
    const std::size_t longest = starts_phrase ? std::min(max_words, in.size() - i) : 1;
    for (std::size_t n = longest; n >= 1; --n) {
      const auto found = n == 1 ? map.find(in[i]) : map.find(join(in, i, n));
      if (found != map.end()) {
        append_words(found->second, out);
        i += n;
        matched = true;
        break;
      }
    }
    if (!matched) out.push_back(in[i++]);
  }
  return out;
}

std::string format_number(double value) {
  if (std::abs(value - std::round(value)) < 1e-9 && std::abs(value) < 1e15) {
    return std::to_string(static_cast<long long>(std::llround(value)));
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6f", value);
  std::string s(buffer);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

struct number_token {
  bool dollar = false;
  double value = 0;
  bool grouped = false;  // had a thousands comma in the original
  bool decimal = false;
  std::optional<int> minutes;  // "11:30" → 30
  std::string suffix;          // letters glued after the digits
  bool percent = false;
  bool plus = false;
};

std::optional<number_token> parse_number(std::string_view t) {
  number_token n;
  std::size_t i = 0;
  if (i < t.size() && t[i] == '$') {
    n.dollar = true;
    ++i;
  }
  const auto digits_start = i;
  std::string number;
  while (i < t.size() && (is_digit(t[i]) || (t[i] == ',' && i > digits_start))) {
    if (t[i] == ',') {
      n.grouped = true;
    } else {
      number.push_back(t[i]);
    }
    ++i;
  }
  if (number.empty()) return std::nullopt;
  if (i + 1 < t.size() && t[i] == '.' && is_digit(t[i + 1])) {
    n.decimal = true;
    number.push_back('.');
    ++i;
    while (i < t.size() && is_digit(t[i])) number.push_back(t[i++]);
  }
  if (i + 2 < t.size() && t[i] == ':' && is_digit(t[i + 1]) && is_digit(t[i + 2])) {
    n.minutes = (t[i + 1] - '0') * 10 + (t[i + 2] - '0');
    i += 3;
  }
  while (i < t.size() && is_lower(t[i])) n.suffix.push_back(t[i++]);
  if (i < t.size() && t[i] == '%') {
    n.percent = true;
    ++i;
  }
  if (i < t.size() && t[i] == '+') {
    n.plus = true;
    ++i;
  }
  if (i != t.size()) return std::nullopt;
  n.value = std::stod(number);
  return n;
}

std::string money(double value) { return "$" + format_number(std::round(value)); }

std::string clock_time(int hour, int minute) {
  std::string out = std::to_string(hour) + ":";
  if (minute < 10) out.push_back('0');
  out += std::to_string(minute);
  return out;
}

// Canonical numbers: money, times, percentages, glued units and ordinals.
std::vector<std::string> canonical_numbers(const std::vector<std::string>& in, const lexicon& lex) {
  std::vector<std::string> out;
  out.reserve(in.size() + 4);
  for (std::size_t i = 0; i < in.size(); ++i) {
    std::string t = in[i];
    // "$ 450k", "$$" (money talk without a figure).
    if (!t.empty() && t.find_first_not_of('$') == std::string::npos) {
      if (i + 1 < in.size() && !in[i + 1].empty() && is_digit(in[i + 1][0])) {
        t += in[++i];
      } else {
        out.emplace_back("money");
        continue;
      }
    }
    auto parsed = parse_number(t);
    if (!parsed) {
      // A letter right after a house number is a direction, not "with"/"and".
      const auto direction = lex.directions.find(t);
      if (direction != lex.directions.end() && t.size() <= 2 && !out.empty() &&
          all_digits(out.back()) && i + 1 < in.size() && all_alpha(in[i + 1])) {
        out.push_back(direction->second);
      } else {
        out.push_back(t);
      }
      continue;
    }
    auto n = *parsed;
    std::string suffix = n.suffix;
    // Detached suffixes: "450 k", "4 pm", "1.2 million", "500 dollars".
    if (suffix.empty() && !n.percent && i + 1 < in.size()) {
      const auto& next = in[i + 1];
      if (next == "k" || next == "thousand" || next == "grand" || next == "million" ||
          next == "mil" || next == "mm" || next == "am" || next == "pm" || next == "dollars" ||
          next == "bucks" || next == "percent") {
        suffix = next;
        ++i;
      }
    }
    if (n.minutes || suffix == "am" || suffix == "pm") {
      int hour = static_cast<int>(n.value);
      const int minute = n.minutes.value_or(0);
      if (n.decimal || hour > 24 || minute > 59 || (!n.minutes && (hour < 1 || hour > 12))) {
        out.push_back(format_number(n.value));
        continue;
      }
      if (suffix == "pm" && hour < 12) hour += 12;
      if (suffix == "am" && hour == 12) hour = 0;
      out.push_back(clock_time(hour, minute));
      if (!suffix.empty() && suffix != "am" && suffix != "pm") out.push_back(suffix);
      continue;
    }
    double multiplier = 1;
    bool is_money = n.dollar;
    if (suffix == "k" || suffix == "thousand" || suffix == "grand") {
      multiplier = 1e3;
      is_money = true;
    } else if (suffix == "m" || suffix == "mm" || suffix == "mil" || suffix == "million") {
      multiplier = 1e6;
      is_money = true;
    } else if (suffix == "dollars" || suffix == "bucks") {
      is_money = true;
    }
    // A bare figure of six digits or more is a price in a real-estate text
    // (zips have five, house numbers rarely more), as is a comma-grouped one
    // of five or more: "would they take 610,000".
    if (!is_money && suffix.empty() && !n.percent && !n.decimal &&
        (n.value >= 100000 || (n.grouped && n.value >= 10000))) {
      is_money = true;
    }
    if (is_money) {
      out.push_back(money(n.value * multiplier));
      continue;
    }
    const auto value = format_number(n.value);
    if (n.percent || suffix == "percent") {
      out.push_back(value);
      out.emplace_back("percent");
      continue;
    }
    if (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") {
      out.push_back(value + "th");
      continue;
    }
    if (!suffix.empty()) {
      const auto unit = lex.number_suffixes.find(suffix);
      out.push_back(value);
      out.push_back(unit != lex.number_suffixes.end() ? unit->second : suffix);
      continue;
    }
    out.push_back(n.plus ? value + "+" : value);
  }
  return out;
}

bool is_number_like(const std::string& t) {
  return !t.empty() && (is_digit(t[0]) || (t[0] == '$' && t.size() > 1));
}

// Words whose meaning depends on their neighbours, and number words.
std::vector<std::string> resolve_context(const std::vector<std::string>& in, const lexicon& lex) {
  static const std::set<std::string, std::less<>> month_before{
      "in",    "of",      "by",     "until", "before", "after",  "early",   "mid", "late",
      "since", "through", "next",   "last",  "this",   "during", "from",    "end", "beginning",
      "start", "thru",    "around", "about", "til",    "to",     "between", "for"};
  static const std::set<std::string, std::less<>> weekday_before{
      "on",  "this", "next",    "last",   "by",    "until", "every", "and",   "or",
      "til", "thru", "through", "before", "after", "from",  "to",    "coming"};
  static const std::set<std::string, std::less<>> weekday_after{
      "morning", "afternoon", "evening", "night", "at", "or", "and", "works", "work", "ok"};
  static const std::set<std::string, std::less<>> unit_nouns{
      "bedroom", "bedrooms", "bathroom", "bathrooms", "story",  "car",    "year",
      "month",   "week",     "day",      "hour",      "minute", "acre",   "percent",
      "level",   "dog",      "cat",      "child",     "kid",    "garage", "bed",
      "bath",    "unit",     "lot",      "time",      "offer",  "home",   "listing"};
  std::vector<std::string> out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto& t = in[i];
    const std::string prev = out.empty() ? std::string{} : out.back();
    const std::string next = i + 1 < in.size() ? in[i + 1] : std::string{};
    if (t == "may") {
      const bool month =
          month_before.count(prev) > 0 || is_number_like(next) || is_number_like(prev);
      out.emplace_back(month ? "may" : "might");
      continue;
    }
    if (t == "wed" || t == "sun") {
      const bool weekday =
          weekday_before.count(prev) > 0 || weekday_after.count(next) > 0 || is_number_like(next);
      if (weekday) {
        out.emplace_back(t == "wed" ? "wednesday" : "sunday");
      } else if (t == "wed") {
        out.emplace_back("we");
        out.emplace_back("would");
      } else {
        out.push_back(t);
      }
      continue;
    }
    if (t == "one") {
      out.emplace_back(unit_nouns.count(next) > 0 ? "1" : "one");
      continue;
    }
    const auto word = lex.number_words.find(t);
    if (word != lex.number_words.end()) {
      long long value = std::stoll(word->second);
      // "twenty five" → 25; "three hundred" stays a pair of numbers.
      if (value >= 20 && value <= 90 && value % 10 == 0 && i + 1 < in.size()) {
        const auto unit = lex.number_words.find(in[i + 1]);
        if (unit != lex.number_words.end()) {
          const long long ones = std::stoll(unit->second);
          if (ones >= 1 && ones <= 9) {
            value += ones;
            ++i;
          }
        } else if (in[i + 1] == "one") {
          value += 1;
          ++i;
        }
      }
      out.push_back(std::to_string(value));
      continue;
    }
    out.push_back(t);
  }
  return out;
}

// A street suffix after a house number and a name is written out, so that
// "1017 main st" and "1017 Main Street" are the same words.
void canonical_street_suffixes(std::vector<std::string>& tokens, const lexicon& lex) {
  for (std::size_t i = 0; i + 2 < tokens.size(); ++i) {
    if (!all_digits(tokens[i])) continue;
    for (std::size_t k = i + 2; k < tokens.size() && k <= i + 4; ++k) {
      if (!all_alpha(tokens[k - 1])) break;
      const auto suffix = lex.street_suffixes.find(tokens[k]);
      if (suffix != lex.street_suffixes.end()) {
        tokens[k] = suffix->second;
        break;
      }
    }
  }
}

}  // namespace

std::vector<std::string> normalize_tokens(std::string_view text, const lexicon& lex) {
  auto tokens = raw_tokens(text);
  tokens = canonical_numbers(tokens, lex);
  tokens = replace_phrases(tokens, lex.spellings, lex.max_phrase_words);
  tokens = resolve_context(tokens, lex);
  // Spellings can produce digits ("a million" → "$1000000"); the units they
  // leave behind ("3 bd" → "3 bedroom") are already words, so one pass of
  // number handling before them is enough.
  tokens = replace_phrases(tokens, lex.synonyms, lex.max_phrase_words);
  canonical_street_suffixes(tokens, lex);
  return tokens;
}

text_normalizer::text_normalizer(lexicon lex)
    : lexicon_(std::make_shared<const lexicon>(std::move(lex))) {}

std::vector<std::string> text_normalizer::tokens(std::string_view text) const {
  return normalize_tokens(text, *lexicon_);
}

std::string text_normalizer::normalize(std::string_view text) const {
  const auto words = tokens(text);
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

std::string text_normalizer::stem(std::string_view word) {
  std::string w(word);
  if (w.size() <= 3 || !all_alpha(w)) return w;
  if (ends_with(w, "ies") && w.size() > 4) {
    w.resize(w.size() - 3);
    w.push_back('y');
  } else if (ends_with(w, "ing") && w.size() > 5) {
    w.resize(w.size() - 3);
    if (w.size() >= 2 && w[w.size() - 1] == w[w.size() - 2] && w.back() != 'l' && w.back() != 's') {
      w.pop_back();  // "getting" → "get"
    }
  } else if (ends_with(w, "ed") && w.size() > 4) {
    w.resize(w.size() - 2);
  } else if (ends_with(w, "es") && w.size() > 4 &&
             (ends_with(w, "ches") || ends_with(w, "shes") || ends_with(w, "xes") ||
              ends_with(w, "sses"))) {
    w.resize(w.size() - 2);
  } else if (w.back() == 's' && !ends_with(w, "ss") && !ends_with(w, "us") && !ends_with(w, "is")) {
    w.pop_back();
  }
  // "close", "closed", "closing" all end up as "clos".
  if (w.size() >= 4 && w.back() == 'e') w.pop_back();
  return w;
}

}  // namespace openhouse::cache
