#include "agents/faq_catalog.hpp"
#include "core/text.hpp"

#include "agents/word_folding.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace openhouse::agents {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// SMS spellings of the words patterns are written in.
std::string fold(std::string w) {
  static const std::array<std::pair<std::string_view, std::string_view>, 30> spellings{{
      {"u", "you"},           {"ya", "you"},       {"ur", "your"},      {"yr", "your"},
      {"r", "are"},           {"whats", "what"},   {"wat", "what"},     {"wut", "what"},
      {"hows", "how"},        {"whos", "who"},     {"wheres", "where"}, {"whens", "when"},
      {"b4", "before"},       {"thx", "thanks"},   {"pls", "please"},   {"plz", "please"},
      {"bc", "because"},      {"cuz", "because"},  {"rn", "now"},       {"n", "and"},
      {"w", "with"},          {"abt", "about"},    {"hm", "how"},       {"yrs", "years"},
      {"mo", "month"},        {"mos", "months"},   {"wk", "week"},      {"wks", "weeks"},
      {"govt", "government"}, {"approx", "about"},
  }};
  for (const auto& [from, to] : spellings) {
    if (w == from) return std::string{to};
  }
  return w;
}

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

faq_catalog::faq_catalog(const std::vector<config::faq_entry>& entries,
                         std::vector<std::string> cities)
    : owned_(entries) {
  for (const auto& e : owned_) {
    compiled_entry c{&e, {}};
    for (const auto& p : e.patterns) {
      if (auto compiled = compile(p); !compiled.empty()) c.patterns.push_back(std::move(compiled));
    }
    entries_.push_back(std::move(c));
  }
  for (auto& city : cities) {
    std::string l;
    for (const char ch : city) l.push_back(core::to_lower_ascii(ch));
    // The first spelling of a name wins ("Ontario" before a list's "ontario").
    const bool seen =
        std::any_of(cities_.begin(), cities_.end(), [&](const auto& c) { return c.first == l; });
    if (!seen && !l.empty()) cities_.emplace_back(std::move(l), std::move(city));
  }
  std::stable_sort(cities_.begin(), cities_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

faq_catalog::faq_catalog(const config::market_config& cfg)
    : faq_catalog(cfg.faq, [&] {
        std::vector<std::string> names;
        for (const auto& c : cfg.market.cities) names.push_back(c.name);
        for (const auto& c : cfg.cache.semantic.cities) names.push_back(c);
        return names;
      }()) {}

std::vector<std::string> faq_catalog::words(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  const auto flush = [&] {
    if (!current.empty()) out.push_back(fold(std::move(current)));
    current.clear();
  };
  for (const char c : text) {
    if (is_alnum(c)) {
      current.push_back(core::to_lower_ascii(c));
    } else if (c == '\'') {
      // "what's" -> "whats"
    } else if (c == '%') {
      flush();
      out.emplace_back("percent");
    } else {
      flush();
    }
  }
  flush();
  return out;
}

faq_catalog::pattern faq_catalog::compile(std::string_view text) {
  pattern out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const auto end = std::min(text.find(' ', i), text.size());
    if (end == i) break;
    auto raw = text.substr(i, end - i);
    term t;
    if (raw.starts_with('!')) {
      t.negated = true;
      raw.remove_prefix(1);
    }
    std::size_t a = 0;
    while (a <= raw.size()) {
      const auto bar = std::min(raw.find('|', a), raw.size());
      alternative alt;
      std::size_t w = a;
      while (w < bar) {
        const auto under = std::min(raw.find('_', w), bar);
        word_match m;
        for (char ch : raw.substr(w, under - w)) m.text.push_back(core::to_lower_ascii(ch));
        if (!m.text.empty() && m.text.back() == '*') {
          m.text.pop_back();
          m.prefix = true;
        }
        if (m.text == "%") m.text = "percent";
        if (!m.text.empty()) alt.push_back(std::move(m));
        w = under + 1;
      }
      if (!alt.empty()) t.alternatives.push_back(std::move(alt));
      a = bar + 1;
    }
    if (!t.alternatives.empty()) out.push_back(std::move(t));
    i = end;
  }
  return out;
}

bool faq_catalog::matches(const alternative& alt, const std::vector<std::string>& words,
                          std::size_t at) {
  if (at + alt.size() > words.size()) return false;
  for (std::size_t k = 0; k < alt.size(); ++k) {
    const auto& want = alt[k];
    const auto& got = words[at + k];
    if (want.prefix) {
      // A typo in the stem still counts: "ecsrow" for "escrow*".
      if (got.starts_with(want.text)) continue;
      if (want.text.size() >= 5 && got.size() + 1 >= want.text.size() && got[0] == want.text[0] &&
          edit_distance(got.substr(0, want.text.size()), want.text) <= 1) {
        continue;
      }
      return false;
    }
    if (got == want.text) continue;
    if (want.text.size() >= 5 && got.size() >= 5 && got[0] == want.text[0] && !has_digit(got) &&
        edit_distance(got, want.text) <= 1) {
      continue;
    }
    return false;
  }
  return true;
}

bool faq_catalog::contains(const term& t, const std::vector<std::string>& words) {
  for (const auto& alt : t.alternatives) {
    for (std::size_t at = 0; at < words.size(); ++at) {
      if (matches(alt, words, at)) return !t.negated;
    }
  }
  return t.negated;
}

std::optional<faq_topic> faq_catalog::match(std::string_view text) const {
  const auto w = words(text);
  if (!asks(text, w) || states_a_plan(w)) return std::nullopt;
  const config::faq_entry* specific = nullptr;
  const config::faq_entry* broad = nullptr;
  for (const auto& e : entries_) {
    const bool hit = std::any_of(e.patterns.begin(), e.patterns.end(), [&](const pattern& p) {
      return std::all_of(p.begin(), p.end(), [&](const term& t) { return contains(t, w); });
    });
    if (!hit) continue;
    if (e.entry->broad) {
      if (broad == nullptr) broad = e.entry;
    } else if (specific == nullptr) {
      specific = e.entry;
    } else {
      return std::nullopt;  // two questions in one text
    }
  }
  const config::faq_entry* best = specific != nullptr ? specific : broad;
  if (best == nullptr) return std::nullopt;
  // "what's the market like and how long do homes take to sell": a broad
  // topic beside a specific one is a second question when a second clause
  // asks it.
  if (specific != nullptr && broad != nullptr && asks_twice(w)) return std::nullopt;
  faq_topic out;
  out.entry = best;
  out.city = city_in(text);
  // A figure, a date or an address decides the answer as much as the topic
  // does ("do we need 20% down", "what's 123 Main St worth"), and so does a
  // particular home ("is there mello roos on the listing you sent").
  out.specific = has_digit(text) || text.find('$') != std::string_view::npos || names_a_property(w);
  return out;
}

bool faq_catalog::asks(std::string_view text, const std::vector<std::string>& /*words*/) {
  if (text.find('?') != std::string_view::npos) return true;
  // Without a '?', a clause must open with a question word ("whats the
  // commission", "how long is escrow"): "we are first time buyers" tells.
  std::vector<std::string> openers;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ',' || text[i] == '.' || text[i] == '!' || text[i] == ';' ||
        text[i] == '-' || text[i] == '\n') {
      const auto clause = words(text.substr(start, i - start));
      // Skip greetings and fillers before the question: "hey so whats ...".
      static const std::array<std::string_view, 12> fillers{
          "hey", "hi", "hello", "so", "ok", "okay", "also", "quick", "q", "question", "and", "but"};
      for (const auto& w : clause) {
        if (std::find(fillers.begin(), fillers.end(), w) != fillers.end()) continue;
        openers.push_back(w);
        break;
      }
      start = i + 1;
    }
  }
  const auto& w = openers;
  static const std::array<std::string_view, 22> asking{
      "what", "how",     "should",  "is",    "are",   "can",  "could",     "do",
      "does", "which",   "when",    "where", "why",   "any",  "wondering", "question",
      "tell", "explain", "curious", "will",  "would", "whats"};
  // Typos of the longer question words count too ("whtas", "wahts").
  return std::any_of(w.begin(), w.end(), [](const std::string& w) {
    return std::any_of(asking.begin(), asking.end(), [&](std::string_view a) {
      return w == a || (a.size() >= 5 && w.size() >= 5 && edit_distance(w, a) <= 1);
    });
  });
}

bool faq_catalog::states_a_plan(const std::vector<std::string>& w) {
  static const std::array<std::string_view, 8> speakers{"i",   "we",   "im",   "were",
                                                        "ive", "weve", "wife", "husband"};
  static const std::array<std::string_view, 14> planning{
      "want",   "wanna", "looking",     "thinking", "planning", "plan",  "hoping",
      "trying", "ready", "considering", "gonna",    "going",    "about", "decided"};
  static const std::array<std::string_view, 7> asking{"do",    "does",  "should", "can",
                                                      "could", "would", "will"};
  const auto in = [](const auto& set, const std::string& x) {
    return std::find(set.begin(), set.end(), x) != set.end();
  };
  for (std::size_t i = 0; i + 1 < w.size(); ++i) {
    if (!in(speakers, w[i]) || (i > 0 && in(asking, w[i - 1]))) continue;
    for (std::size_t k = i + 1; k < w.size() && k <= i + 3; ++k) {
      if (in(planning, w[k])) return true;
    }
  }
  return false;
}

bool faq_catalog::asks_twice(const std::vector<std::string>& w) {
  static const std::array<std::string_view, 12> asking{
      "how", "what", "whats", "when", "where", "is", "are", "do", "does", "can", "which", "who"};
  for (std::size_t i = 1; i + 1 < w.size(); ++i) {
    if (w[i] == "and" && std::find(asking.begin(), asking.end(), w[i + 1]) != asking.end()) {
      return true;
    }
  }
  return false;
}

bool faq_catalog::names_a_property(const std::vector<std::string>& w) {
  static const std::array<std::string_view, 6> pointing{"this",  "that",  "the",
                                                        "these", "those", "ur"};
  static const std::array<std::string_view, 10> property{"listing", "listings", "house",    "home",
                                                         "place",   "condo",    "property", "one",
                                                         "unit",    "townhouse"};
  for (std::size_t i = 0; i + 1 < w.size(); ++i) {
    if (std::find(pointing.begin(), pointing.end(), w[i]) == pointing.end()) continue;
    if (std::find(property.begin(), property.end(), w[i + 1]) == property.end()) continue;
    // "the house" alone is any house ("how long to sell the house"); a
    // particular one is sent, seen, on a street or in the lead's hands.
    for (std::size_t k = i + 2; k < w.size() && k <= i + 4; ++k) {
      if (w[k] == "you" || w[k] == "on" || w[k] == "at" || w[k] == "we" || w[k] == "i" ||
          w[k] == "sent" || w[k] == "saw") {
        return true;
      }
    }
    if (w[i] == "this" || w[i] == "that" || w[i] == "these" || w[i] == "those") return true;
  }
  return false;
}

const config::faq_entry* faq_catalog::find(std::string_view id) const {
  for (const auto& e : entries_) {
    if (e.entry->id == id) return e.entry;
  }
  return nullptr;
}

std::string faq_catalog::city_in(std::string_view text) const {
  const auto w = words(text);
  // Longest name first; each of its words as written or with one typo when
  // it has 5+ letters ("Rvierside", "Moerno Valley").
  for (const auto& [city, written] : cities_) {
    std::vector<std::string> parts;
    for (std::size_t start = 0; start <= city.size();) {
      const auto space = std::min(city.find(' ', start), city.size());
      if (space > start) parts.push_back(city.substr(start, space - start));
      start = space + 1;
    }
    if (parts.empty() || parts.size() > w.size()) continue;
    for (std::size_t at = 0; at + parts.size() <= w.size(); ++at) {
      bool all = true;
      for (std::size_t k = 0; k < parts.size() && all; ++k) {
        const auto& got = w[at + k];
        const auto& want = parts[k];
        all = got == want || (want.size() >= 5 && got.size() >= 5 && got[0] == want[0] &&
                              edit_distance(got, want) <= 1);
      }
      if (all) return written;
    }
  }
  return {};
}

std::string faq_catalog::related_facts(std::string_view text, std::size_t limit) const {
  const auto w = words(text);
  std::vector<std::pair<std::size_t, const config::faq_entry*>> scored;
  for (const auto& e : entries_) {
    std::size_t best = 0;
    for (const auto& p : e.patterns) {
      std::size_t terms = 0;
      for (const auto& t : p) terms += !t.negated && contains(t, w) ? 1 : 0;
      best = std::max(best, terms);
    }
    if (best > 0) scored.emplace_back(best, e.entry);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) {
    if (!out.empty()) out += '\n';
    out += "[" + scored[i].second->id + "] " + scored[i].second->answer;
  }
  return out;
}

}  // namespace openhouse::agents
