#include "agents/market_question.hpp"

#include "agents/faq_catalog.hpp"

#include <algorithm>
#include <initializer_list>

namespace openhouse::agents {

namespace {

using word_list = std::vector<std::string>;

bool in(std::string_view w, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), w) != set.end();
}

bool has_digit(std::string_view w) { return w.find_first_of("0123456789") != std::string::npos; }

/// Words opening a text before its question ("hey, quick question: ...").
bool is_opener(std::string_view w) {
  return in(w, {"hi",        "hey",      "hello", "ok",   "okay",   "so",    "and",     "also",
                "quick",     "question", "q",     "yo",   "thanks", "thank", "good",    "morning",
                "afternoon", "evening",  "btw",   "oh",   "one",    "more",  "another", "then",
                "well",      "sorry",    "just",  "real", "random"});
}

/// The text asks something: a '?', a clause opening with a question word,
/// or a word that says the lead wonders.
bool asks(std::string_view text, const word_list& w) {
  if (text.find('?') != std::string_view::npos) return true;
  for (const auto& x : w) {
    if (in(x, {"wondering", "wonder", "curious", "know", "idea", "tell"})) return true;
  }
  for (const auto& x : w) {
    if (is_opener(x)) continue;
    return in(
        x, {"what", "whats", "how",   "hows",   "are",  "is",  "do",    "does",  "did",  "any",
            "have", "has",   "where", "whatre", "hows", "can", "could", "would", "will", "should"});
  }
  return false;
}

bool is_home_noun(std::string_view w) {
  return in(w, {"home", "homes", "house", "houses", "property", "properties", "condo", "condos",
                "townhome", "townhomes", "townhouse", "townhouses", "place", "places", "unit",
                "units", "listing", "one"});
}

/// "my house", "our place", "my home in ...": the lead's own home.
bool about_own_home(const word_list& w) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (!in(w[i], {"my", "our", "mine"})) continue;
    for (std::size_t j = i + 1; j < w.size() && j <= i + 3; ++j) {
      if (is_home_noun(w[j])) return true;
    }
  }
  return false;
}

/// "the house on Elm", "that listing", "this one": one particular home.
bool about_one_home(const word_list& w) {
  for (std::size_t i = 0; i + 1 < w.size(); ++i) {
    if (!in(w[i], {"the", "that", "this"})) continue;
    if (in(w[i + 1], {"home", "house", "property", "condo", "townhome", "townhouse", "listing",
                      "one", "place", "unit"})) {
      return true;
    }
  }
  return false;
}

/// "we want to sell in Corona", "I'm looking in Redlands": the lead tells a
/// plan of their own, which their bot answers (and may hand them over for).
/// "I want to know ..." and "I'd like to see ..." ask, they plan nothing.
bool states_a_plan(const word_list& w) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (!in(w[i], {"i", "we", "im", "were", "ive", "weve", "id", "wed", "ill", "well"})) continue;
    for (std::size_t j = i + 1; j < w.size() && j <= i + 3; ++j) {
      if (in(w[j], {"want", "wanna", "wanted", "like", "need", "hoping", "hope"})) {
        const bool to_learn = (j + 1 < w.size() && in(w[j + 1], {"know", "see", "ask", "check"})) ||
                              (j + 2 < w.size() && w[j + 1] == "to" &&
                               in(w[j + 2], {"know", "see", "ask", "check", "understand"}));
        if (to_learn) break;
        return true;
      }
      if (in(w[j], {"sell",     "selling",    "buy",        "buying",    "move",
                    "moving",   "relocate",   "relocating", "list",      "listing",
                    "purchase", "purchasing", "looking",    "searching", "plan",
                    "planning", "thinking",   "gonna",      "trying",    "interested",
                    "own",      "live",       "living",     "rent",      "renting"})) {
        return true;
      }
    }
  }
  return false;
}

/// Topics the market data does not answer: rent, taxes, fees, loans,
/// schools; the brokerage's FAQ (or the bot) answers them.
bool other_topic(const word_list& w) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto& x = w[i];
    if (in(x, {"rent",      "rents",   "renting",  "rental",     "rentals",   "lease",
               "tax",       "taxes",   "hoa",      "hoas",       "insurance", "commission",
               "closing",   "escrow",  "mello",    "inspection", "fee",       "fees",
               "dues",      "school",  "schools",  "crime",      "weather",   "mortgage",
               "rate",      "rates",   "interest", "loan",       "loans",     "lender",
               "appraisal", "builder", "permit",   "permits",    "solar",     "utilities",
               "commute"})) {
      return true;
    }
    if (x == "down" && i + 1 < w.size() && w[i + 1].starts_with("payment")) return true;
  }
  return false;
}

/// A cue that by itself asks about the market ("prices", "inventory", "days
/// on market", a place being "hot" or "pricey"); the subject is implied.
bool strong_cue(const word_list& w) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto& x = w[i];
    if (in(x, {"prices",    "price",      "pricing",      "priced",  "median",      "values",
               "inventory", "market",     "markets",      "housing", "sqft",        "appreciation",
               "hot",       "cold",       "cooling",      "heating", "competitive", "pricey",
               "expensive", "affordable", "appreciating", "comps",   "supply"})) {
      return true;
    }
    if (x == "real" && i + 1 < w.size() && w[i + 1] == "estate") return true;
    if (x == "square" && i + 1 < w.size() && in(w[i + 1], {"foot", "feet", "ft"})) return true;
    if (x == "sq" && i + 1 < w.size() && in(w[i + 1], {"ft", "foot", "feet"})) return true;
  }
  return false;
}

/// A cue that asks about the market of a subject named with it ("what do
/// houses go for", "how long do homes sit", "are homes moving fast").
bool weak_cue(const word_list& w) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto& x = w[i];
    const auto next = i + 1 < w.size() ? std::string_view{w[i + 1]} : std::string_view{};
    if (in(x, {"go", "going", "goes", "sell", "selling", "sells", "sold", "list", "listed",
               "listing", "priced"}) &&
        next == "for") {
      return true;
    }
    if (in(x, {"cost", "costs", "worth", "sit", "sitting", "sits", "linger", "lingering", "cheap",
               "cheaper", "moving", "run", "running"})) {
      return true;
    }
    if (x == "how" && in(next, {"much", "long", "fast", "quick", "quickly", "many", "soon"})) {
      return true;
    }
  }
  return false;
}

bool names_homes(const word_list& w) {
  return std::any_of(w.begin(), w.end(), [](const std::string& x) {
    return in(x, {"home", "homes", "house", "houses", "properties", "condos", "townhomes",
                  "townhouses", "places", "listings"});
  });
}

}  // namespace

market_question_matcher::market_question_matcher(const config::market_config& cfg,
                                                 std::vector<std::string> extra_places) {
  for (const auto& c : cfg.market.cities) {
    places_.push_back({faq_catalog::words(c.name), {c.name, c.name, false}});
    for (const auto& z : c.zips) places_.push_back({{z}, {z, c.name, true}});
  }
  for (auto& p : extra_places) {
    auto words = faq_catalog::words(p);
    const bool known = std::any_of(places_.begin(), places_.end(),
                                   [&](const place_words& q) { return q.words == words; });
    if (!known && !words.empty()) places_.push_back({std::move(words), {std::move(p), "", false}});
  }
  std::stable_sort(places_.begin(), places_.end(), [](const place_words& a, const place_words& b) {
    return a.words.size() > b.words.size();
  });
}

std::optional<market_place> market_question_matcher::match(std::string_view text) const {
  const auto w = faq_catalog::words(text);
  // The places named, longest names first; their words are taken, so
  // "Chino Hills" is not also "Chino".
  std::vector<bool> taken(w.size(), false);
  std::vector<const market_place*> named;
  for (const auto& p : places_) {
    const auto n = p.words.size();
    for (std::size_t i = 0; n > 0 && i + n <= w.size(); ++i) {
      if (std::any_of(taken.begin() + static_cast<std::ptrdiff_t>(i),
                      taken.begin() + static_cast<std::ptrdiff_t>(i + n), [](bool t) { return t; }))
        continue;
      if (!std::equal(p.words.begin(), p.words.end(), w.begin() + static_cast<std::ptrdiff_t>(i)))
        continue;
      std::fill(taken.begin() + static_cast<std::ptrdiff_t>(i),
                taken.begin() + static_cast<std::ptrdiff_t>(i + n), true);
      if (std::find(named.begin(), named.end(), &p.place) == named.end()) named.push_back(&p.place);
    }
  }
  if (named.empty()) return std::nullopt;
  // A zip with its own city ("92880 in Corona") is the zip; any other two
  // places are two questions (or a comparison) the data answers in parts.
  const market_place* place = named.front();
  for (const auto* p : named) {
    if (p->zip) place = p;
  }
  for (const auto* p : named) {
    if (p != place && !(place->zip && !p->zip && p->name == place->city)) return std::nullopt;
  }
  // Any other figure narrows the question beyond what the data holds
  // ("3 bedrooms", "under 600k", "in 2019").
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (!taken[i] && has_digit(w[i])) return std::nullopt;
  }
  if (!asks(text, w) || about_own_home(w) || about_one_home(w) || states_a_plan(w) ||
      other_topic(w)) {
    return std::nullopt;
  }
  if (strong_cue(w) || (weak_cue(w) && names_homes(w))) return *place;
  return std::nullopt;
}

}  // namespace openhouse::agents
