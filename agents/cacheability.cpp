#include "agents/cacheability.hpp"
#include "core/text.hpp"

#include "agents/given_names.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>
#include <unordered_set>
#include <vector>

namespace openhouse::cache {

namespace {

// ASCII only, without <cctype>'s locale lookups: SMS words that matter here
// are ASCII, and check_request() runs on every lookup, hits included.
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

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
        t.lower.push_back(core::to_lower_ascii(text[i]));
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

// --- names --------------------------------------------------------------------
//
// A name is found by a pattern that expects one — a self-introduction, a
// greeting or thanks, a sign-off, "call me ...", an honorific, "my wife ..."
// — or by a capitalised given name of the list that is not also a word or a
// place. The list (given_names) stands in for capitals, which SMS often
// lacks ("maria here"); names that are also words ("will", "may", "hope")
// need a capital and a pattern, so "will the seller take less" stays a
// question. A false positive costs one provider call, a false negative can
// show one lead's name to another: where unsure, a pattern says name.

bool is_month(std::string_view w) {
  return one_of(w,
                {"january",   "february", "march",    "april",    "may",  "june", "july", "august",
                 "september", "october",  "november", "december", "jan",  "feb",  "mar",  "apr",
                 "jun",       "jul",      "aug",      "sep",      "sept", "oct",  "nov",  "dec"});
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
          "im", "ive", "id", "ill", "were", "weve",
          // People who are not named, and what a lead calls themselves.
          "anyone", "someone", "everybody", "somebody", "anybody", "nobody", "sir", "madam", "maam",
          "bro", "dude", "man", "buddy", "boss", "mate", "fam", "hun", "hon", "dear", "love",
          "babe", "me", "us", "them", "him", "her", "they", "he", "she", "both", "much", "lot",
          "tons", "open", "flexible", "single", "married", "local", "military", "veteran", "first",
          "self", "investor", "owner", "homeowner", "landlord", "tenant", "family", "done", "free",
          "busy", "available", "cool", "fine", "awesome", "perfect", "nice", "right", "yeah", "yep",
          "nope", "asap", "pls", "plz", "lol", "omg", "btw", "fyi", "idk", "tbh", "real", "estate",
          "realty", "property", "house", "condo", "townhouse", "price", "prices", "market", "rate",
          "rates", "loan", "mortgage", "lender", "bank", "cash", "offer", "area", "city", "school",
          "schools", "taxes", "fha", "va", "hoa", "mls", "usda", "about", "over", "under", "only",
          "too", "more", "less", "any", "some", "maybe", "probably", "definitely", "actually",
          "really", "totally", "kind", "sort"});
}

/// Title case — "Maria", not "maria" nor "MARIA": an all-caps text says
/// nothing about which words are names.
bool title_case(const token& t) {
  return t.raw.size() >= 2 && is_upper(t.raw[0]) &&
         std::any_of(t.raw.begin() + 1, t.raw.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

/// The word without a possessive 's: "gloria's" -> "gloria" (the tokenizer
/// drops the apostrophe, leaving "glorias"), so a listed name is found in
/// "this is gloria's husband" too.
std::string_view base_name(const token& t) {
  const std::string_view w = t.lower;
  const bool possessive =
      t.raw.ends_with("'s") || t.raw.ends_with("'S") || t.raw.ends_with("\xE2\x80\x99s");
  return possessive && w.size() > 3 ? w.substr(0, w.size() - 1) : w;
}

/// A capitalised word the list does not know that may be a name
/// ("Xochitl"): not a common word, weekday, month, greeting or street word,
/// nor shaped like a verb or adverb ("Relocating", "Retired", "Currently").
bool name_like(const token& t) {
  const std::string_view w = t.lower;
  if (!title_case(t) || !all_alpha(w) || common_capitalised(w) || is_weekday(w) || is_month(w) ||
      is_greeting_word(w) || is_street_suffix(w)) {
    return false;
  }
  return w.size() <= 4 || !(w.ends_with("ing") || w.ends_with("ed") || w.ends_with("ly"));
}

/// A word the list does not know, in any case, that may still be a name
/// where an introduction leaves no other reading ("xochitl here,", "thuy
/// from remax", "thanks! - oluwaseun"): not a common word, weekday, month,
/// greeting or street word, nor shaped like a verb or adverb.
bool unlisted_name(const token& t) {
  const std::string_view w = t.lower;
  if (w.size() < 3 || !all_alpha(w) || is_given_name(w) || common_capitalised(w) || is_weekday(w) ||
      is_month(w) || is_greeting_word(w) || is_street_suffix(w) ||
      one_of(w, {"same",    "lady",     "people",     "person",   "guy",  "peeps",
                 "agents",  "realtors", "neighbors",  "kids",     "new",  "out",
                 "up",      "down",     "there",      "one",      "ones", "far",
                 "close",   "away",     "different",  "separate", "info", "everything",
                 "nothing", "anytime",  "negotiable", "thx",      "thnx", "ty",
                 "tia",     "xoxo",     "cheers"})) {
    return false;
  }
  return w.size() <= 4 || !(w.ends_with("ing") || w.ends_with("ed") || w.ends_with("ly"));
}

/// What may follow "my name is": anything but these is taken as the name.
bool not_a_name_after_name_is(std::string_view w) {
  return one_of(w, {"a",         "an",     "the",     "not",      "on",      "in",      "at",
                    "is",        "was",    "for",     "to",       "and",     "or",      "under",
                    "spelled",   "listed", "still",   "also",     "just",    "same",    "different",
                    "wrong",     "right",  "correct", "my",       "your",    "his",     "her",
                    "their",     "our",    "already", "there",    "here",    "both",    "only",
                    "actually",  "really", "unknown", "private",  "none",    "nothing", "important",
                    "with",      "from",   "by",      "as",       "like",    "off",     "being",
                    "currently", "now",    "it",      "this",     "that",    "what",    "who",
                    "whatever",  "above",  "below",   "attached", "missing", "changed", "but",
                    "so",        "if",     "too",     "very",     "ok",      "okay",    "fine",
                    "yes",       "no",     "please",  "pls",      "thanks",  "thx",     "hi",
                    "hey",       "hello",  "lol",     "btw"});
}

/// A name after a cue that can only introduce one ("my name is", "Mr.").
bool strict_name(const token& t) {
  return t.lower.size() >= 2 && all_alpha(t.lower) && !not_a_name_after_name_is(t.lower);
}

/// The word before a name that makes it a place: "San Jose", "Loma Linda",
/// "Santa Ana", "Fannie Mae", "Mt Whitney".
bool place_prefix(std::string_view w) {
  return one_of(
      w,
      {"san",   "santa", "santo", "st",     "saint",  "ste",    "loma", "mount", "mt",    "fort",
       "ft",    "port",  "lake",  "rancho", "palm",   "los",    "las",  "el",    "la",    "del",
       "de",    "new",   "north", "south",  "east",   "west",   "n",    "s",     "e",     "w",
       "upper", "lower", "old",   "fannie", "ginnie", "sallie", "casa", "costa", "villa", "vista",
       "alta",  "mesa",  "cape",  "point",  "big",    "little", "camp", "grand", "trader"});
}

/// The word after a name that makes it a place or an institution:
/// "Victoria Ave", "Jordan Ranch", "Eleanor Roosevelt High", "Freddie Mac".
bool place_suffix(std::string_view w) {
  return is_street_suffix(w) ||
         one_of(w,
                {"hills",    "hill",         "valley",     "park",       "gardens",    "garden",
                 "heights",  "ranch",        "lake",       "lakes",      "beach",      "springs",
                 "estates",  "village",      "grove",      "mall",       "plaza",      "center",
                 "centre",   "school",       "schools",    "elementary", "middle",     "high",
                 "academy",  "college",      "university", "hospital",   "church",     "county",
                 "city",     "airport",      "station",    "river",      "creek",      "canyon",
                 "ridge",    "mountain",     "mountains",  "mtn",        "bay",        "island",
                 "crossing", "commons",      "pointe",     "meadows",    "woods",      "oaks",
                 "pines",    "landing",      "harbor",     "shores",     "mae",        "mac",
                 "fargo",    "stadium",      "arena",      "museum",     "library",    "freeway",
                 "fwy",      "expressway",   "community",  "tract",      "apartments", "apts",
                 "villas",   "lofts",        "manor",      "dam",        "reservoir",  "forest",
                 "medical",  "clinic",       "memorial",   "day",        "homes",      "realty",
                 "mortgage", "bank",         "tx",         "texas",      "ca",         "california",
                 "az",       "arizona",      "nv",         "fl",         "florida",    "area",
                 "district", "neighborhood", "region",     "wash",       "falls",      "del"});
}

/// The text between t[i-1] and t[i] (from the start for i == 0).
std::string_view gap_before(const std::vector<token>& t, std::size_t i, std::string_view text) {
  const std::size_t from = i == 0 ? 0 : t[i - 1].end;
  return text.substr(from, t[i].begin - from);
}

/// The text between t[i] and t[i+1] (to the end for the last token).
std::string_view gap_after(const std::vector<token>& t, std::size_t i, std::string_view text) {
  const std::size_t to = i + 1 < t.size() ? t[i + 1].begin : text.size();
  return text.substr(t[i].end, to - t[i].end);
}

bool has_any(std::string_view s, std::string_view chars) {
  return s.find_first_of(chars) != std::string_view::npos;
}

/// Punctuation, a symbol or an emoji between two words, not just spaces.
bool pause(std::string_view gap) { return gap.find_first_not_of(" \t'") != std::string_view::npos; }

bool boundary_after(const std::vector<token>& t, std::size_t i, std::string_view text) {
  return i + 1 == t.size() || pause(gap_after(t, i, text));
}

/// t[i] starts a clause: the text's first word, after punctuation, or after
/// a greeting or an interjection ("hey it's Maria", "ok dave here").
bool clause_start(const std::vector<token>& t, std::size_t i, std::string_view text) {
  return i == 0 || pause(gap_before(t, i, text)) || is_greeting_word(t[i - 1].lower) ||
         one_of(t[i - 1].lower, {"yes", "yeah", "yep", "ok", "okay", "oh", "so", "well", "um", "uh",
                                 "sorry", "also", "again"});
}

/// t[i] starts a sentence: the first word, or after . ! ? : ; or a new line.
bool sentence_start(const std::vector<token>& t, std::size_t i, std::string_view text) {
  return i == 0 || has_any(gap_before(t, i, text), ".!?:;\n\r");
}

/// A word that goes on introducing the person just named: "Maria from ...",
/// "Will here", "Dana with Keller Williams".
bool intro_follower(const std::vector<token>& t, std::size_t i) {
  return i + 1 < t.size() && one_of(t[i + 1].lower, {"from", "here", "with", "again"});
}

/// t[i] is part of a place's or an institution's name: "San Jose",
/// "Victoria Ave", "Martin Luther King Blvd", "Eleanor Roosevelt High".
bool place_guarded(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (i > 0 && !pause(gap_before(t, i, text)) && place_prefix(t[i - 1].lower)) {
    return true;
  }
  for (std::size_t j = i + 1; j < t.size() && j <= i + 3; ++j) {
    if (pause(gap_before(t, j, text))) {
      return false;
    }
    if (place_suffix(t[j].lower)) {
      return true;
    }
    // Past the next word, only a capitalised run goes on naming the place.
    if (!title_case(t[j]) && t[j].raw.size() != 1) {
      return false;
    }
  }
  return false;
}

/// t[i] reads as a person's name where a pattern expects one. A listed name
/// counts in any case; a word-like one ("Will", "June") only capitalised
/// and, unless `firm`, followed by a pause or an introduction ("Hi June,",
/// "this is Will from ..." — not "Hi, May I see it"); an unknown word only
/// capitalised and when `capitals` allows it.
bool name_at(const std::vector<token>& t, std::size_t i, std::string_view text, bool firm,
             bool capitals) {
  if (i >= t.size()) {
    return false;
  }
  const auto& tok = t[i];
  if (!all_alpha(tok.lower) || place_guarded(t, i, text)) {
    return false;
  }
  const auto base = base_name(tok);
  if (is_word_like_name(base)) {
    return title_case(tok) && (firm || boundary_after(t, i, text) || intro_follower(t, i));
  }
  if (is_given_name(base)) {
    return true;
  }
  return capitals && name_like(tok);
}

/// A listed given name, capitalised, that is not also a word or a place:
/// "Is Maria still the agent?", "Jose said ...". Capitals and the list
/// together are signal enough; in lower case the list alone is not.
bool capitalised_given_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  const auto w = base_name(t[i]);
  return title_case(t[i]) && is_given_name(w) && !is_word_like_name(w) &&
         !place_guarded(t, i, text);
}

/// A middle or last initial: "B" of "Maria B." ("I" and "A" only with a dot).
bool initial_at(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (i >= t.size() || t[i].raw.size() != 1 || !is_upper(t[i].raw[0])) {
    return false;
  }
  const auto after = gap_after(t, i, text);
  const bool dot = !after.empty() && after.front() == '.';
  if (one_of(t[i].lower, {"i", "a"})) {
    return dot;
  }
  return dot || i + 1 == t.size();
}

bool call_request_word(std::string_view w) {
  return one_of(
      w, {"back",      "asap",     "later",  "at",      "when",     "whenever",    "anytime",
          "soon",      "now",      "please", "pls",     "plz",      "after",       "before",
          "if",        "on",       "first",  "instead", "directly", "today",       "tonight",
          "tomorrow",  "tmrw",     "this",   "next",    "between",  "around",      "about",
          "regarding", "re",       "and",    "or",      "so",       "to",          "in",
          "sometime",  "maybe",    "again",  "right",   "once",     "real",        "quick",
          "only",      "all",      "the",    "a",       "any",      "morning",     "afternoon",
          "evening",   "weekend",  "cell",   "phone",   "mobile",   "number",      "because",
          "bc",        "thanks",   "thx",    "ty",      "too",      "also",        "crazy",
          "either",    "ok",       "okay",   "urgent",  "urgently", "immediately", "lol",
          "anytime",   "whenever", "early",  "late",    "during",   "until",       "by"});
}

bool company_word(std::string_view w) {
  return one_of(w, {"realty",   "realtor",   "realtors",  "estate",   "properties", "property",
                    "mortgage", "mortgages", "lending",   "loans",    "bank",       "title",
                    "escrow",   "brokerage", "insurance", "group",    "team",       "kw",
                    "remax",    "century",   "coldwell",  "compass",  "redfin",     "zillow",
                    "exp",      "keller",    "berkshire", "sothebys", "corcoran",   "windermere"});
}

bool relation_word(std::string_view w) {
  return one_of(w, {"wife",        "husband",     "hubby",    "partner",    "fiance",  "fiancee",
                    "boyfriend",   "girlfriend",  "bf",       "gf",         "son",     "daughter",
                    "mom",         "mother",      "dad",      "father",     "brother", "sister",
                    "agent",       "realtor",     "lender",   "broker",     "friend",  "boss",
                    "coworker",    "neighbor",    "landlord", "tenant",     "grandma", "grandpa",
                    "grandmother", "grandfather", "uncle",    "aunt",       "cousin",  "spouse",
                    "officer",     "attorney",    "lawyer",   "accountant", "cpa",     "roommate",
                    "niece",       "nephew",      "stepdad",  "stepmom"});
}

/// After "X here": the words that make "here" a place, not an introduction
/// ("Summer here is hot", "Prices here are crazy").
bool here_continues_as_place(std::string_view w) {
  return one_of(
      w, {"is",    "are",   "was",    "were",  "has",  "have", "had", "in",  "at",    "for",
          "to",    "seems", "seem",   "looks", "look", "gets", "get", "got", "will",  "would",
          "can",   "could", "should", "might", "must", "does", "do",  "did", "isnt",  "arent",
          "wasnt", "the",   "a",      "an",    "of",   "too",  "yet", "now", "right", "been"});
}

/// A word some name pattern starts from (see name_tokens): the other words
/// are only checked for a capitalised given name or a comma before them.
bool cue_word(std::string_view w) {
  static const std::unordered_set<std::string_view> cues{
      "mr", "mrs", "ms", "mx", "dr", "miss", "name", "names", "im", "am", "is", "its", "here", "me",
      "you", "dear", "thanks", "thx", "thnx", "tks", "ty", "congrats", "congratulations", "welcome",
      "bye", "best", "regards", "cheers", "sincerely", "warmly", "respectfully", "love", "xoxo",
      "from",
      // relation_word()
      "wife", "husband", "hubby", "partner", "fiance", "fiancee", "boyfriend", "girlfriend", "bf",
      "gf", "son", "daughter", "mom", "mother", "dad", "father", "brother", "sister", "agent",
      "realtor", "lender", "broker", "friend", "boss", "coworker", "neighbor", "landlord", "tenant",
      "grandma", "grandpa", "grandmother", "grandfather", "uncle", "aunt", "cousin", "spouse",
      "officer", "attorney", "lawyer", "accountant", "cpa", "roommate", "niece", "nephew",
      "stepdad", "stepmom"};
  return cues.contains(w) || is_greeting_word(w);
}

// --- name patterns (name_tokens) ------------------------------------------------------
//
// Each pattern looks at token i and answers the index of the token it finds
// naming a person, if any. Patterns have no side effects, so name_tokens can
// try them in a fixed order.

using found_name = std::optional<std::size_t>;

bool prev_is(const std::vector<token>& t, std::size_t i,
             std::initializer_list<std::string_view> set) {
  return i > 0 && one_of(t[i - 1].lower, set);
}

/// "my name is", "wife's name is", "full name:".
bool after_possessive(const std::vector<token>& t, std::size_t i) {
  return prev_is(t, i,
                 {"my", "his", "her", "their", "our", "wifes", "husbands", "full", "first", "last",
                  "legal", "agents", "realtors", "sons", "daughters", "moms", "dads", "partners"});
}

/// Honorifics: "Mr. Lopez", "mrs garcia".
found_name honorific_name(const std::vector<token>& t, std::size_t i, std::string_view) {
  if (one_of(t[i].lower, {"mr", "mrs", "ms", "mx"}) && i + 1 < t.size() && strict_name(t[i + 1]) &&
      !common_capitalised(t[i + 1].lower)) {
    return i + 1;
  }
  return std::nullopt;
}

/// "Dr Kim", "Miss Dana" — but "Dr" right after a street's name is the
/// street's suffix: "4410 Oak Dr Temecula".
found_name doctor_or_miss_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  const auto& w = t[i].lower;
  if (!one_of(w, {"dr", "miss"})) {
    return std::nullopt;
  }
  const bool street_dr =
      w == "dr" && i > 0 && !pause(gap_before(t, i, text)) &&
      (all_digits(t[i - 1].lower) || (title_case(t[i - 1]) && !common_capitalised(t[i - 1].lower) &&
                                      !is_greeting_word(t[i - 1].lower)));
  if (!street_dr && title_case(t[i]) && i + 1 < t.size() && title_case(t[i + 1]) &&
      name_at(t, i + 1, text, true, true)) {
    return i + 1;
  }
  return std::nullopt;
}

/// "my name is Dana", "Name is dana".
found_name name_is_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (t[i].lower == "name" && (clause_start(t, i, text) || after_possessive(t, i)) &&
      i + 2 < t.size() && t[i + 1].lower == "is" && strict_name(t[i + 2])) {
    return i + 2;
  }
  return std::nullopt;
}

/// "name: Dana".
found_name name_colon_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (t[i].lower == "name" && (clause_start(t, i, text) || after_possessive(t, i)) &&
      i + 1 < t.size() && has_any(gap_after(t, i, text), ":") && strict_name(t[i + 1])) {
    return i + 1;
  }
  return std::nullopt;
}

/// "name's Dana", "names dave".
found_name names_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  const auto& w = t[i].lower;
  if (w != "names" || i + 1 >= t.size() || !(clause_start(t, i, text) || after_possessive(t, i))) {
    return std::nullopt;
  }
  const bool apostrophe = t[i].raw.size() > w.size();  // "name's": not a plural
  if (apostrophe ? strict_name(t[i + 1]) : name_at(t, i + 1, text, true, true)) {
    return i + 1;
  }
  return std::nullopt;
}

/// "I'm Dana", "im dana", "I am Dana".
found_name i_am_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  const auto& w = t[i].lower;
  if ((w == "im" || (w == "am" && prev_is(t, i, {"i"}))) && name_at(t, i + 1, text, true, true)) {
    return i + 1;
  }
  return std::nullopt;
}

/// "this is Dana", "hi this is dave".
found_name this_is_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (t[i].lower == "is" && prev_is(t, i, {"this"}) && name_at(t, i + 1, text, false, true)) {
    return i + 1;
  }
  return std::nullopt;
}

/// "it's Maria from ...", "hey its dave", "It's me, Tom".
found_name its_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (t[i].lower != "its" || !clause_start(t, i, text)) {
    return std::nullopt;
  }
  const std::size_t n = t.size();
  std::size_t k = i + 1;
  if (k < n && t[k].lower == "me") {
    ++k;
  }
  if (k < n && (name_at(t, k, text, false, false) ||
                (name_like(t[k]) && (k + 1 == n || intro_follower(t, k))))) {
    return k;
  }
  return std::nullopt;
}

/// "maria here", "Dave here, ...", "hey, Tom here" — not "Summer here is hot".
found_name here_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (t[i].lower != "here" || i == 0 || !clause_start(t, i - 1, text) ||
      !(boundary_after(t, i, text) || !here_continues_as_place(t[i + 1].lower))) {
    return std::nullopt;
  }
  // An unknown capitalised word needs more: "Xochitl here!", not "Crime here?".
  const auto after = gap_after(t, i, text);
  const bool introduces =
      !has_any(after, "?") &&
      (i + 1 == t.size() || pause(after) ||
       one_of(t[i + 1].lower, {"looking", "wanting", "interested", "again", "from", "with",
                               "checking", "following", "reaching", "texting", "writing", "and"}));
  // In lower case too where it opens the message: "xochitl here, ..."
  const bool opens = sentence_start(t, i - 1, text) || (i >= 2 && is_greeting_word(t[i - 2].lower));
  if (name_at(t, i - 1, text, true, false) ||
      (introduces && (name_like(t[i - 1]) || (opens && unlisted_name(t[i - 1]))))) {
    return i - 1;
  }
  return std::nullopt;
}

/// "call me Dave" — "call me back / at 5 / tomorrow / asap" is a call request.
found_name call_me_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (t[i].lower == "me" && prev_is(t, i, {"call"}) && i + 1 < t.size() &&
      !call_request_word(t[i + 1].lower) && name_at(t, i + 1, text, false, true)) {
    return i + 1;
  }
  return std::nullopt;
}

/// Greetings and thanks: "Hi Maria,", "hey mike", "Thanks John!", "thank you Sarah".
found_name greeting_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  const auto& w = t[i].lower;
  if ((is_greeting_word(w) ||
       one_of(w, {"dear", "thanks", "thx", "thnx", "tks", "ty", "congrats", "congratulations",
                  "welcome", "bye"}) ||
       (w == "you" && prev_is(t, i, {"thank"}))) &&
      name_at(t, i + 1, text, false, true)) {
    return i + 1;
  }
  return std::nullopt;
}

/// Sign-off words before the last name: "Best, Maria", "cheers dave", "Regards, Tom B."
found_name sign_off_word_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  const std::size_t n = t.size();
  if (one_of(t[i].lower, {"best", "regards", "cheers", "sincerely", "warmly", "respectfully",
                          "love", "xoxo"}) &&
      (i + 2 == n || (i + 3 == n && initial_at(t, i + 2, text))) && pause(gap_after(t, i, text)) &&
      name_at(t, i + 1, text, true, true)) {
    return i + 1;
  }
  return std::nullopt;
}

/// "Dana from Keller Williams Realty", "dave from riverside" (at a clause's start).
found_name from_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (t[i].lower != "from" || i == 0) {
    return std::nullopt;
  }
  bool company = false;
  for (std::size_t j = i + 1; j < t.size() && j <= i + 4; ++j) {
    company = company || company_word(t[j].lower);
  }
  // Where the name is introduced: "this is thuy from remax", "its thuy from keller".
  const bool introduced =
      clause_start(t, i - 1, text) ||
      (i >= 2 &&
       (t[i - 2].lower == "its" || (t[i - 2].lower == "is" && i >= 3 && t[i - 3].lower == "this")));
  if ((company && name_at(t, i - 1, text, true, true)) ||
      (company && introduced && unlisted_name(t[i - 1])) ||
      (clause_start(t, i - 1, text) && name_at(t, i - 1, text, false, false))) {
    return i - 1;
  }
  return std::nullopt;
}

/// "my wife Maria", "our agent Will", "my husband jose".
found_name relation_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (relation_word(t[i].lower) &&
      (prev_is(t, i, {"my", "our", "his", "her"}) ||
       (i > 1 && one_of(t[i - 2].lower, {"my", "our"}))) &&
      name_at(t, i + 1, text, true, true)) {
    return i + 1;
  }
  return std::nullopt;
}

/// A name and an initial: "Maria B.", "Xochitl R." at the end.
found_name initial_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (i + 1 < t.size() && initial_at(t, i + 1, text) &&
      (name_at(t, i, text, false, false) ||
       (name_like(t[i]) && i + 2 == t.size() && clause_start(t, i, text)))) {
    return i;
  }
  return std::nullopt;
}

/// Addressed after a comma: "Great to hear, Maria!", "sure, dana." An unknown
/// or word-like capitalised word only with "!" ("..., Xochitl!"): "in May,
/// June." and "Corona, Riverside." are lists.
found_name comma_addressed_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  if (i == 0 || !has_any(gap_before(t, i, text), ",") || !boundary_after(t, i, text)) {
    return std::nullopt;
  }
  const auto& w = t[i].lower;
  const bool bang = has_any(gap_after(t, i, text), "!");
  const bool listed = is_given_name(w) && !is_word_like_name(w);
  if ((listed && !place_guarded(t, i, text)) || (bang && name_at(t, i, text, true, true))) {
    return i;
  }
  return std::nullopt;
}

/// Addressed first: "Maria, here are ...", "dana, quick question".
found_name first_addressed_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  const auto& w = t[i].lower;
  if (sentence_start(t, i, text) && i + 1 < t.size() && gap_after(t, i, text).starts_with(",") &&
      is_given_name(w) && !is_word_like_name(w) && !place_guarded(t, i, text)) {
    return i;
  }
  return std::nullopt;
}

found_name capitalised_name(const std::vector<token>& t, std::size_t i, std::string_view text) {
  return capitalised_given_name(t, i, text) ? found_name{i} : std::nullopt;
}

/// A sign-off after a dash or tilde at the very end, starting at token s:
/// "- Maria", "– dave", "~Tom", "— Xochitl R.", "thanks! -Dana Lopez".
found_name dash_sign_off_name(const std::vector<token>& t, std::size_t s, std::string_view text) {
  const std::size_t n = t.size();
  if (s + 2 == n && !(initial_at(t, n - 1, text) || title_case(t[n - 1]))) {
    return std::nullopt;  // two words at the end: a name and an initial or a surname
  }
  const auto before = gap_before(t, s, text);
  const auto last = before.find_last_not_of(" \t");
  if (last == std::string_view::npos) {
    return std::nullopt;
  }
  const auto head = before.substr(0, last + 1);
  const bool dash = head.ends_with("-") || head.ends_with("~") || head.ends_with("\xE2\x80\x93") ||
                    head.ends_with("\xE2\x80\x94");
  if (!dash) {
    return std::nullopt;
  }
  // The dash ends what came before it: punctuation, an emoji or thanks.
  const bool sign_off = s == 0 || has_any(head, ".!?\n\r") ||
                        one_of(t[s - 1].lower, {"thanks", "thx", "ty", "you"}) ||
                        std::any_of(head.begin(), head.end(),
                                    [](char c) { return static_cast<unsigned char>(c) >= 0xF0; });
  if (name_at(t, s, text, sign_off, false) ||
      (sign_off && (name_like(t[s]) || unlisted_name(t[s])))) {
    return s;
  }
  return std::nullopt;
}

using name_pattern = found_name (*)(const std::vector<token>&, std::size_t, std::string_view);

/// The patterns that start from a cue word (cue_word), in the order tried.
constexpr std::array<name_pattern, 14> cued_patterns{
    honorific_name, doctor_or_miss_name, name_is_name, name_colon_name, names_name,
    i_am_name,      this_is_name,        its_name,     here_name,       call_me_name,
    greeting_name,  sign_off_word_name,  from_name,    relation_name};

/// The patterns tried at every word, after the cued ones.
constexpr std::array<name_pattern, 4> word_patterns{initial_name, comma_addressed_name,
                                                    first_addressed_name, capitalised_name};

/// The tokens of `t` that name a person (indices, in order found, no
/// repeats); stops at the first when `first_only`.
std::vector<std::size_t> name_tokens(const std::vector<token>& t, std::string_view text,
                                     bool first_only) {
  std::vector<std::size_t> out;
  // Records a found name; true when the search stops there.
  const auto add = [&](found_name k) {
    if (!k) {
      return false;
    }
    if (std::find(out.begin(), out.end(), *k) == out.end()) {
      out.push_back(*k);
    }
    return first_only;
  };
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n; ++i) {
    // Most words cue nothing: the cued patterns start from a cue word.
    if (cue_word(t[i].lower)) {
      for (const auto pattern : cued_patterns) {
        if (add(pattern(t, i, text))) {
          return out;
        }
      }
    }
    for (const auto pattern : word_patterns) {
      if (add(pattern(t, i, text))) {
        return out;
      }
    }
  }
  for (std::size_t s = n >= 2 ? n - 2 : 0; s < n; ++s) {
    if (add(dash_sign_off_name(t, s, text))) {
      return out;
    }
  }
  return out;
}

bool has_name(const std::vector<token>& t, std::string_view text) {
  return !name_tokens(t, text, true).empty();
}

/// `needle` in `hay` case-insensitively, on word boundaries.
bool contains_word_ci(std::string_view hay, std::string_view needle) {
  if (needle.size() < 3 || needle.size() > hay.size()) {
    return false;
  }
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < needle.size(); ++k) {
      if (core::to_lower_ascii(hay[i + k]) != core::to_lower_ascii(needle[k])) {
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
  if (has_name(t, text)) {
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
    } else if (!named && (name_like(tok) || (is_given_name(w) && !is_word_like_name(w)))) {
      named = true;  // "Hi Sarah!", "hey dave" greet someone by name
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

std::vector<std::string> find_names(std::string_view text) {
  const auto t = tokenize(text);
  std::vector<std::string> out;
  for (const auto k : name_tokens(t, text, false)) {
    out.emplace_back(base_name(t[k]));
  }
  return out;
}

bool foreign_name(std::string_view answer, std::string_view question) {
  const auto t = tokenize(answer);
  const auto names = name_tokens(t, answer, false);
  if (names.empty()) {
    return false;
  }
  const auto asked = tokenize(question);
  return std::any_of(names.begin(), names.end(), [&](std::size_t k) {
    return std::none_of(asked.begin(), asked.end(),
                        [&](const token& q) { return base_name(q) == base_name(t[k]); });
  });
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
