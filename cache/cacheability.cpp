#include "cache/cacheability.hpp"

#include <algorithm>
#include <initializer_list>
#include <vector>

namespace openhouse::cache {

namespace {

// ASCII only, without <cctype>'s locale lookups: SMS words that matter here
// are ASCII, and check_request() runs on every lookup, hits included.
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

bool one_of(std::string_view w, std::initializer_list<std::string_view> set) {
  if (w.empty()) {
    return false;  // no list holds an empty word
  }
  // Length and first letter first: most candidates fail there, without a
  // memcmp call (this is the detectors' hot loop).
  return std::any_of(set.begin(), set.end(), [w](std::string_view s) {
    return s.size() == w.size() && s.front() == w.front() && s == w;
  });
}

/// One word of a text: ASCII letters and digits, with inner apostrophes
/// (' or U+2019) dropped from `lower` ("what's" -> "whats", "I’m" -> "im").
/// Everything else — punctuation, emoji, other UTF-8 — separates words.
struct token {
  std::string lower;
  std::string_view raw;
  std::size_t begin = 0;
  std::size_t end = 0;  ///< offset just past the token in the text
};

std::vector<token> tokenize(std::string_view text) {
  std::vector<token> out;
  out.reserve(text.size() / 4 + 1);
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_alnum(text[i])) {
      ++i;
      continue;
    }
    token t;
    t.begin = i;
    while (i < text.size()) {
      if (is_alnum(text[i])) {
        t.lower.push_back(lower(text[i]));
        ++i;
      } else if (text[i] == '\'' && i + 1 < text.size() && is_alnum(text[i + 1])) {
        ++i;
      } else if (text.substr(i).starts_with("\xE2\x80\x99") && i + 3 < text.size() &&
                 is_alnum(text[i + 3])) {
        i += 3;
      } else {
        break;
      }
    }
    t.end = i;
    t.raw = text.substr(t.begin, t.end - t.begin);
    out.push_back(std::move(t));
  }
  return out;
}

/// "hiii" -> "hi", "heyyy" -> "hey": SMS stretches the last letter.
std::string_view collapse_tail(std::string_view w) {
  while (w.size() > 2 && w[w.size() - 1] == w[w.size() - 2]) {
    w.remove_suffix(1);
  }
  return w;
}

bool all_digits(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), is_digit);
}

bool all_alpha(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), is_alpha);
}

/// Is `w` within `window` tokens before index `i`, one of `set`?
bool before_any(const std::vector<token>& t, std::size_t i, std::size_t window,
                std::initializer_list<std::string_view> set) {
  for (std::size_t k = 1; k <= window && k <= i; ++k) {
    if (one_of(t[i - k].lower, set)) {
      return true;
    }
  }
  return false;
}

bool next_is(const std::vector<token>& t, std::size_t i,
             std::initializer_list<std::string_view> set) {
  return i + 1 < t.size() && one_of(t[i + 1].lower, set);
}

// --- greetings ----------------------------------------------------------------

bool is_greeting_word(std::string_view w) {
  const auto listed = [](std::string_view x) {
    return one_of(x,
                  {"hi", "hello", "hey", "heya", "hiya", "howdy", "yo", "hola", "sup", "greetings",
                   "morning", "afternoon", "evening", "gm", "hallo", "helo", "hai", "wassup"});
  };
  return listed(w) || listed(collapse_tail(w));
}

bool is_greeting_filler(std::string_view w) {
  return one_of(w, {"there", "good",  "again", "all",  "everyone", "folks", "yall", "guys",
                    "whats", "up",    "how",   "hows", "are",      "r",     "you",  "u",
                    "ya",    "doing", "is",    "it",   "going",    "hope",  "well", "nice",
                    "to",    "meet",  "team",  "and",  "just",     "oh",    "ok",   "okay"});
}

// --- time ---------------------------------------------------------------------

bool is_weekday(std::string_view w) {
  return one_of(w, {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"});
}

/// "3pm", "11am", "3p" — or "3" / "3:30" when the text right after it says
/// it is a time (":30", "pm", "o'clock").
bool is_clock_time(const std::vector<token>& t, std::size_t i, std::string_view text) {
  const auto& w = t[i].lower;
  std::size_t digits = 0;
  while (digits < w.size() && is_digit(w[digits])) {
    ++digits;
  }
  if (digits == 0 || digits > 2) {
    return false;
  }
  const std::string_view suffix = std::string_view{w}.substr(digits);
  if (one_of(suffix, {"am", "pm", "a", "p"})) {
    return true;
  }
  if (!suffix.empty()) {
    return false;
  }
  if (t[i].end + 2 < text.size() && text[t[i].end] == ':' && is_digit(text[t[i].end + 1]) &&
      is_digit(text[t[i].end + 2])) {
    return true;
  }
  return next_is(t, i, {"am", "pm", "oclock"});
}

bool relative_time(const std::vector<token>& t, std::string_view text) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto& w = t[i].lower;
    // "How can I help you today?": a pleasantry, as true tomorrow as today.
    // "I can help you see it today" keeps its time: "today" must follow
    // "you" or "with" directly.
    if (w == "today" && i >= 1 && one_of(t[i - 1].lower, {"you", "with"}) &&
        before_any(t, i, 4, {"help", "assist"})) {
      continue;
    }
    if (one_of(w, {"today", "tonight", "tonite", "tomorrow", "tmrw", "tmr", "tmw", "2day", "2nite",
                   "yesterday", "currently", "rn", "ago"})) {
      return true;
    }
    if (w == "now" && before_any(t, i, 1, {"right", "just", "of", "until", "till", "by", "open"})) {
      return true;
    }
    if (w == "moment" && before_any(t, i, 1, {"the"}) && before_any(t, i, 2, {"at"})) {
      return true;
    }
    if (one_of(w, {"this", "next", "last"}) && i + 1 < t.size() &&
        (one_of(t[i + 1].lower,
                {"morning", "afternoon", "evening", "night", "week", "weekend", "month", "year"}) ||
         is_weekday(t[i + 1].lower))) {
      return true;
    }
    // "in 20 minutes", "in an hour", "in a few days"
    if (one_of(w,
               {"minute", "minutes", "min", "mins", "hour", "hours", "hr", "hrs", "day", "days"}) &&
        i >= 2 && (t[i - 2].lower == "in" || (i >= 3 && t[i - 3].lower == "in")) &&
        (all_digits(t[i - 1].lower) || one_of(t[i - 1].lower, {"an", "a", "few", "couple"}))) {
      return true;
    }
    // Only "at/by/around 3pm": "open 9am to 5pm" or "until 6pm" are opening
    // hours, which do not depend on when they are read.
    if (one_of(w, {"at", "by", "around"}) && i + 1 < t.size() &&
        (is_clock_time(t, i + 1, text) || one_of(t[i + 1].lower, {"noon", "midnight"}))) {
      return true;
    }
  }
  return false;
}

// --- availability -------------------------------------------------------------

bool availability(const std::vector<token>& t) {
  const auto at = [&](std::size_t k) -> std::string_view {
    return k < t.size() ? std::string_view{t[k].lower} : std::string_view{};
  };
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto& w = t[i].lower;
    if (one_of(w, {"availability", "availible", "avaliable"})) {
      return true;
    }
    // Whether something is available is a question about now ("what's
    // available in Riverside?"), unless it is about financing programs,
    // which do not change by the hour.
    if (one_of(w, {"available", "avail"}) &&
        !before_any(t, i, 3,
                    {"financing",  "finance", "loan",       "loans",     "program", "programs",
                     "option",     "options", "assistance", "grant",     "grants",  "incentive",
                     "incentives", "credit",  "credits",    "rebate",    "rebates", "resource",
                     "resources",  "help",    "mortgage",   "mortgages", "rate",    "rates"})) {
      return true;
    }
    if (w == "still") {
      const auto next = at(i + 1);
      if (one_of(next, {"listed", "there", "available", "avail", "around", "free"}) ||
          (next == "open" && at(i + 2) != "to") ||
          (next == "for" && one_of(at(i + 2), {"sale", "rent"})) ||
          (next == "on" && (at(i + 2) == "market" || at(i + 3) == "market")) ||
          (next == "up" && (i + 2 == t.size() || at(i + 2) == "for"))) {
        return true;
      }
    }
    if (one_of(w, {"sold", "taken", "pending", "gone"}) &&
        before_any(t, i, 3,
                   {"it", "that", "this", "still", "house", "home", "property", "place", "listing",
                    "unit", "condo", "one"})) {
      return true;
    }
    if (w == "contract" && before_any(t, i, 1, {"under"})) {
      return true;
    }
    if (w == "market" && before_any(t, i, 1, {"the"}) && before_any(t, i, 2, {"off"})) {
      return true;
    }
    if (w == "open" && at(i + 1) != "to" &&
        (before_any(t, i, 2, {"you", "u", "ya", "yall", "guys", "office", "still", "anyone"}) ||
         next_is(t, i, {"now", "today", "tonight", "rn", "tomorrow"}))) {
      return true;
    }
  }
  return false;
}

// --- PII ----------------------------------------------------------------------

bool has_email(std::string_view text) {
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    if (at == 0 || !(is_alnum(text[at - 1]) ||
                     std::string_view{"._%+-"}.find(text[at - 1]) != std::string_view::npos)) {
      continue;
    }
    // domain: labels of [alnum-] separated by dots, the last one 2+ letters
    std::size_t j = at + 1;
    while (j < text.size() && (is_alnum(text[j]) || text[j] == '-' || text[j] == '.')) {
      ++j;
    }
    // A sentence's full stop after the address is not part of the domain.
    while (j > at + 1 && (text[j - 1] == '.' || text[j - 1] == '-')) {
      --j;
    }
    std::size_t last_dot = std::string_view::npos;
    for (std::size_t k = at + 1; k < j; ++k) {
      if (text[k] == '.') {
        last_dot = k;
      }
    }
    if (last_dot != std::string_view::npos && last_dot > at + 1) {
      std::size_t letters = 0;
      for (std::size_t k = last_dot + 1; k < j && is_alpha(text[k]); ++k) {
        ++letters;
      }
      if (letters >= 2) {
        return true;
      }
    }
  }
  return false;
}

/// Phone numbers as written in SMS: "(951) 555-0123", "951.555.0123",
/// "+1 951 555 0123", "9515550123", "555-0123". A run of digit groups
/// separated by up to two of " -.()"; the group lengths decide. Prices
/// ("$450,000"), zips ("92501"), years and ranges ("2019-2023") do not match.
bool has_phone(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i]) || (i > 0 && (is_alnum(text[i - 1]) || text[i - 1] == '$' ||
                                         text[i - 1] == ',' || text[i - 1] == '.'))) {
      ++i;
      continue;
    }
    std::vector<std::size_t> groups;
    std::size_t j = i;
    while (j < text.size()) {
      std::size_t len = 0;
      while (j < text.size() && is_digit(text[j])) {
        ++len;
        ++j;
      }
      groups.push_back(len);
      std::size_t sep = 0;
      while (j + sep < text.size() && sep < 2 &&
             std::string_view{" -.()"}.find(text[j + sep]) != std::string_view::npos) {
        ++sep;
      }
      if (sep == 0 || j + sep >= text.size() || !is_digit(text[j + sep])) {
        break;
      }
      j += sep;
    }
    // A number glued to letters ("3bd") or followed by more of a number
    // (",000") is not a phone.
    const bool clean_end = j >= text.size() || (!is_alpha(text[j]) && text[j] != ',');
    const std::size_t total = [&] {
      std::size_t n = 0;
      for (auto g : groups) n += g;
      return n;
    }();
    using g = std::vector<std::size_t>;
    const bool shaped = groups == g{3, 3, 4} || groups == g{1, 3, 3, 4} || groups == g{3, 4} ||
                        groups == g{3, 7} || groups == g{2, 3, 3, 4} ||
                        (groups.size() == 1 && (total == 10 || (total == 11 && text[i] == '1')));
    if (clean_end && shaped) {
      return true;
    }
    i = j + 1;
  }
  return false;
}

bool is_street_suffix(std::string_view w) {
  return one_of(w, {"st",      "street",    "ave",     "av",    "avenue",  "rd",     "road",
                    "blvd",    "boulevard", "dr",      "drive", "ln",      "lane",   "ct",
                    "court",   "way",       "pl",      "place", "cir",     "circle", "pkwy",
                    "parkway", "hwy",       "highway", "ter",   "terrace", "trl",    "trail",
                    "sq",      "square",    "loop",    "aly",   "alley",   "pike",   "row"});
}

/// Words that never sit between a house number and a street suffix; they
/// keep "2 bath homes that way" and "15 minutes drive" from reading as addresses.
bool breaks_address(std::string_view w) {
  return one_of(
      w, {"the",      "a",       "an",      "of",    "to",       "in",        "on",     "at",
          "and",      "or",      "for",     "with",  "is",       "are",       "was",    "from",
          "by",       "that",    "this",    "it",    "your",     "my",        "our",    "you",
          "we",       "they",    "bed",     "beds",  "bd",       "bdr",       "br",     "bedroom",
          "bedrooms", "bath",    "baths",   "ba",    "bathroom", "bathrooms", "sqft",   "sq",
          "ft",       "feet",    "home",    "homes", "house",    "houses",    "minute", "minutes",
          "min",      "mins",    "mile",    "miles", "mi",       "hour",      "hours",  "year",
          "years",    "yrs",     "percent", "units", "car",      "cars",      "garage", "story",
          "stories",  "acre",    "acres",   "days",  "weeks",    "months",    "down",   "k",
          "m",        "dollars", "people",  "kids"});
}

bool has_address(const std::vector<token>& t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto& w = t[i].lower;
    if (!all_digits(w) || w.size() > 6) {
      continue;
    }
    // 1 to 4 words of a street name ("N Main", "5th", "Martin Luther King") then a suffix.
    for (std::size_t k = 1; k <= 4 && i + k + 1 <= t.size(); ++k) {
      const auto& name = t[i + k].lower;
      if (breaks_address(name)) {
        break;
      }
      const bool ordinal =
          name.size() >= 3 && is_digit(name[0]) &&
          one_of(std::string_view{name}.substr(name.size() - 2), {"st", "nd", "rd", "th"});
      if (!all_alpha(name) && !ordinal) {
        break;
      }
      if (i + k + 1 < t.size() && is_street_suffix(t[i + k + 1].lower)) {
        return true;
      }
    }
  }
  return false;
}

/// Capitalised words that are not names at the start of a clause.
bool common_capitalised(std::string_view w) {
  return one_of(
      w, {"there", "again", "all", "everyone", "folks", "team", "guys", "and", "the", "a", "i",
          "so", "just", "looking", "interested", "ready", "here", "thinking", "not", "very",
          "sorry", "glad", "happy", "good", "great", "new", "moving", "trying", "selling", "buying",
          "pre", "with", "from", "in", "at", "on", "still", "also", "currently", "back", "sure",
          "ok", "okay", "thanks", "thank", "welcome", "home", "buyer", "seller", "agent", "realtor",
          "yes", "no", "how", "what", "when", "where", "why", "who", "is", "are", "can", "could",
          "would", "should", "will", "do", "does", "did", "we", "you", "it", "this", "that", "my",
          "your", "our", "let", "lets", "to", "for", "of", "if", "but", "or", "an", "be", "have",
          "has", "had", "been", "am", "hope", "please", "quick", "question", "friend", "friends",
          "neighbor", "renting", "approved", "excited", "curious", "wondering", "calling",
          "texting", "reaching", "following", "writing", "checking", "hoping",
          // Contractions without their apostrophe: "Hi, I'm looking ..."
          "im", "ive", "id", "ill", "were", "weve"});
}

bool name_like(const token& t) {
  return t.raw.size() >= 2 && is_upper(t.raw[0]) && all_alpha(t.lower) &&
         !common_capitalised(t.lower) && !is_weekday(t.lower);
}

bool has_name(const std::vector<token>& t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto& w = t[i].lower;
    const bool has_next = i + 1 < t.size();
    // Honorifics: "Mr. Lopez", "Dr Kim".
    if (one_of(w, {"mr", "mrs", "ms", "miss", "dr", "mx"}) && has_next && name_like(t[i + 1])) {
      return true;
    }
    // Self-introductions: "my name is Dana", "I'm Dana", "this is Dana".
    if (w == "is" && has_next && name_like(t[i + 1]) && before_any(t, i, 1, {"name", "this"})) {
      return true;
    }
    if ((w == "im" || (w == "am" && before_any(t, i, 1, {"i"}))) && has_next &&
        name_like(t[i + 1])) {
      return true;
    }
    // Salutations addressing someone: "Hi Maria,", "Thanks John!", "Dear Ms ..."
    if ((is_greeting_word(w) ||
         one_of(w, {"dear", "thanks", "thx", "congrats", "congratulations", "welcome", "bye"})) &&
        has_next && name_like(t[i + 1])) {
      return true;
    }
  }
  return false;
}

/// `needle` in `hay` case-insensitively, on word boundaries.
bool contains_word_ci(std::string_view hay, std::string_view needle) {
  if (needle.size() < 3 || needle.size() > hay.size()) {
    return false;
  }
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < needle.size(); ++k) {
      if (lower(hay[i + k]) != lower(needle[k])) {
        match = false;
        break;
      }
    }
    if (!match) {
      continue;
    }
    const bool left = i == 0 || !is_alnum(hay[i - 1]) || !is_alnum(needle.front());
    const auto end = i + needle.size();
    const bool right = end == hay.size() || !is_alnum(hay[end]) || !is_alnum(needle.back());
    if (left && right) {
      return true;
    }
  }
  return false;
}

std::optional<std::string_view> pii_in(std::string_view text, const std::vector<token>& t) {
  if (has_email(text)) {
    return "pii_email";
  }
  if (has_phone(text)) {
    return "pii_phone";
  }
  if (has_address(t)) {
    return "pii_address";
  }
  if (has_name(t)) {
    return "pii_name";
  }
  return std::nullopt;
}

// --- greetings, whole message ------------------------------------------------

bool greeting(const std::vector<token>& t) {
  bool greeted = false;
  bool named = false;
  for (const auto& tok : t) {
    const auto& w = tok.lower;
    if (is_greeting_word(w)) {
      greeted = true;
    } else if (is_greeting_filler(w)) {
      continue;
    } else if (!named && name_like(tok)) {
      named = true;  // "Hi Sarah!" greets someone by name
    } else {
      return false;
    }
  }
  // "how are you" with no hello is a greeting too.
  bool how_are_you = false;
  for (std::size_t i = 0; i + 2 < t.size(); ++i) {
    if (t[i].lower == "how" && one_of(t[i + 1].lower, {"are", "r"}) &&
        one_of(t[i + 2].lower, {"you", "u", "ya"})) {
      how_are_you = true;
    }
  }
  return greeted || how_are_you;
}

verdict bypass(decision d, std::string_view reason, std::string detail = {}) {
  return verdict{d, std::string{reason}, std::move(detail)};
}

}  // namespace

std::string_view to_string(decision d) noexcept {
  switch (d) {
    case decision::cache:
      return "cache";
    case decision::bypass_request:
      return "bypass_request";
    case decision::bypass_response:
      return "bypass_response";
  }
  return "unknown";
}

bool is_greeting(std::string_view text) { return greeting(tokenize(text)); }

bool asks_availability(std::string_view text) { return availability(tokenize(text)); }

bool mentions_relative_time(std::string_view text) { return relative_time(tokenize(text), text); }

std::optional<std::string_view> find_pii(std::string_view text) {
  return pii_in(text, tokenize(text));
}

bool verdict_follows_key(const unit& u, std::string_view question) noexcept {
  if (u.stream || u.tools) {
    return false;
  }
  return question.empty() ||
         std::any_of(u.inputs.begin(), u.inputs.end(),
                     [&](const unit_input& in) { return in.second == question; });
}

verdict check_request(const unit& u, std::string_view question) {
  if (u.stream) {
    return bypass(decision::bypass_request, "streaming");
  }
  if (u.tools) {
    return bypass(decision::bypass_request, "tool_use");
  }
  if (auto problem = validate(u)) {
    return bypass(decision::bypass_request, "invalid_unit", *problem);
  }
  if (question.empty()) {
    return {};
  }
  const auto t = tokenize(question);
  if (greeting(t)) {
    return bypass(decision::bypass_request, "greeting");
  }
  if (availability(t)) {
    return bypass(decision::bypass_request, "availability");
  }
  if (relative_time(t, question)) {
    return bypass(decision::bypass_request, "time_relative");
  }
  if (!has_contact(u.scope)) {
    if (auto kind = pii_in(question, t)) {
      return bypass(decision::bypass_request, "pii_in_shared_request", std::string{*kind});
    }
  }
  return {};
}

verdict check_response(const unit& u, std::string_view answer, std::string_view stop_reason,
                       std::span<const std::string> known_pii) {
  // A request that should have been bypassed never reaches here through the
  // cache actor, but the answer to one must still not be stored.
  if (u.stream || u.tools) {
    return bypass(decision::bypass_response, u.stream ? "streaming" : "tool_use");
  }
  if (stop_reason == "max_tokens") {
    return bypass(decision::bypass_response, "max_tokens");
  }
  if (answer.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return bypass(decision::bypass_response, "empty_answer");
  }
  for (const auto& pii : known_pii) {
    if (contains_word_ci(answer, pii)) {
      return bypass(decision::bypass_response, "pii_known");
    }
  }
  const auto t = tokenize(answer);
  if (auto kind = pii_in(answer, t)) {
    return bypass(decision::bypass_response, *kind);
  }
  if (relative_time(t, answer)) {
    return bypass(decision::bypass_response, "time_relative");
  }
  return {};
}

}  // namespace openhouse::cache
