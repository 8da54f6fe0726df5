#include "integrations/llm/sim_answers.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <regex>
#include <set>

namespace openhouse::llm::sim {

namespace {

using core::to_lower_ascii;

// " word word word " — lower case, punctuation (incl. hyphens) as spaces, so
// that phrases match on word boundaries with a plain substring search.
std::string padded_words(std::string_view text) {
  std::string out = " ";
  bool space = true;
  for (const char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) || c == '\'' || c >= 0x80) {
      out.push_back(core::to_lower_ascii(raw));
      space = false;
    } else if (!space) {
      out.push_back(' ');
      space = true;
    }
  }
  if (!space) out.push_back(' ');
  return out;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  const std::string padded = padded_words(text);
  std::size_t start = 1;
  while (start < padded.size()) {
    const auto end = padded.find(' ', start);
    if (end == std::string::npos) break;
    if (end > start) words.push_back(padded.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// A phrase ending in '*' is a stem: it matches any word that starts with it.
bool has_phrase(const std::string& padded, std::string_view phrase) {
  const bool stem = !phrase.empty() && phrase.back() == '*';
  if (stem) phrase.remove_suffix(1);
  std::string needle = " ";
  needle.append(phrase);
  if (!stem) needle.push_back(' ');
  return padded.find(needle) != std::string::npos;
}

int count_hits(const std::string& padded, std::initializer_list<std::string_view> phrases) {
  int hits = 0;
  for (const auto phrase : phrases) hits += has_phrase(padded, phrase) ? 1 : 0;
  return hits;
}

double round2(double value) { return std::round(value * 100.0) / 100.0; }

struct category_hits {
  const char* label;
  int hits;
};

std::array<category_hits, 7> score_categories(std::string_view message) {
  const std::string padded = padded_words(message);
  const int seller = count_hits(
      padded, {"sell", "selling", "seller", "sold", "list my", "listing my", "list our",
               "home worth", "house worth", "property worth", "home value", "value of my",
               "valuation", "cma", "market analysis", "cash offer", "offer on my"});
  const int buyer = count_hits(padded, {"buy",
                                        "buying",
                                        "buyer",
                                        "purchase",
                                        "purchasing",
                                        "looking for a",
                                        "looking for an",
                                        "house hunting",
                                        "home search",
                                        "first home",
                                        "first time",
                                        "pre approved",
                                        "preapproved",
                                        "bedroom*",
                                        "bed",
                                        "beds",
                                        "mortgage",
                                        "open house",
                                        "move to",
                                        "relocat*",
                                        "in the market for"});
  const int human = count_hits(
      padded, {"human", "real person", "speak to someone", "talk to someone", "speak with someone",
               "talk to a person", "call me", "speak to an agent", "talk to an agent",
               "representative", "lawyer", "attorney", "bankrupt*", "foreclos*"});
  const int faq =
      count_hits(padded, {"how does",    "how do",  "what is",  "what are",      "closing cost*",
                          "commission*", "fee",     "fees",     "hoa",           "property tax*",
                          "taxes",       "school*", "escrow",   "earnest money", "inspection*",
                          "appraisal*",  "process", "how long", "down payment",  "interest rate*"});
  const int scheduling = count_hits(
      padded, {"schedul*", "appointment*", "showing*", "tour*", "see the house", "see the home",
               "see the place", "viewing", "walk through", "walkthrough", "set up a time"});
  int greeting = 0;
  if (seller + buyer + human + faq + scheduling == 0) {
    greeting = count_hits(
        padded, {"hi", "hello", "hey", "good morning", "good afternoon", "good evening", "howdy"});
  }
  // A bare question with no topic words still reads as a question.
  int faq_total = faq;
  if (seller + buyer + human + faq + scheduling + greeting == 0 &&
      message.find('?') != std::string_view::npos) {
    faq_total = 1;
  }
  return {{{"seller", seller},
           {"buyer", buyer},
           {"human", human},
           {"faq", faq_total},
           {"scheduling", scheduling},
           {"greeting", greeting},
           {"other", 0}}};
}

double score_for(int hits) { return hits > 0 ? std::min(0.95, 0.6 + 0.12 * hits) : 0.05; }

std::string format_money(double amount) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f", amount);
  std::string digits = buffer;
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return "$" + out;
}

// Money: "$450k", "$450,000", "1.2m", "$1.2 million", "500 thousand". A bare
// number needs a '$', a magnitude word or thousands separators, so that "3 bed"
// or a zip code is never read as a budget.
std::optional<double> find_budget(const std::string& lower) {
  static const std::regex money{
      R"((\$\s?)?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(million|thousand|mm|m|k)?\b)"};
  std::optional<double> best;
  for (auto it = std::sregex_iterator(lower.begin(), lower.end(), money);
       it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const bool dollar = m[1].matched;
    const bool commas = m[2].str().find(',') != std::string::npos;
    const std::string unit = m[3].matched ? m[3].str() : std::string{};
    if (!dollar && !commas && unit.empty()) continue;
    std::string number = m[2].str();
    number.erase(std::remove(number.begin(), number.end(), ','), number.end());
    double value = std::strtod(number.c_str(), nullptr);
    if (unit == "k" || unit == "thousand") value *= 1e3;
    if (unit == "m" || unit == "mm" || unit == "million") value *= 1e6;
    if (value < 10000) continue;               // "$50 fee" is not a budget
    if (!best || value > *best) best = value;  // "400k to 500k": the ceiling
  }
  return best;
}

std::optional<bool> find_pre_approved(const std::string& lower) {
  static const std::regex approved{R"(pre[\s-]?approv(ed|al))"};
  static const std::regex negation{
      R"((\bnot\b|\bno\b|n't|\bwithout\b|\bneed\b|\bneeds\b|\byet to\b|\bhavent\b))"};
  std::smatch m;
  if (!std::regex_search(lower, m, approved)) return std::nullopt;
  const auto start = static_cast<std::size_t>(m.position(0));
  const auto from = start > 30 ? start - 30 : 0;
  const std::string before = lower.substr(from, start - from);
  return !std::regex_search(before, negation);
}

std::optional<std::string> find_timeline(const std::string& lower) {
  static const std::regex asap{R"(\b(asap|immediately|right away|right now|urgent)\b)"};
  static const std::regex span{R"(\b(\d+)(\s*(?:-|to)\s*\d+)?\s*(day|week|month|year)s?\b)"};
  static const std::regex season{
      R"(\b(next|this) (week|month|year|spring|summer|fall|autumn|winter)\b)"};
  static const std::regex browsing{R"(\b(just browsing|just looking|no rush|not in a hurry)\b)"};
  std::smatch m;
  if (std::regex_search(lower, asap)) return std::string{"asap"};
  if (std::regex_search(lower, m, span)) {
    std::string range = m[1].str();
    if (m[2].matched) {
      static const std::regex digits{R"(\d+)"};
      std::smatch upper;
      const std::string tail = m[2].str();
      if (std::regex_search(tail, upper, digits)) range += "-" + upper.str();
    }
    return range + " " + m[3].str() + "s";
  }
  if (std::regex_search(lower, m, season)) return m[1].str() + " " + m[2].str();
  if (std::regex_search(lower, browsing)) return std::string{"browsing"};
  return std::nullopt;
}

std::optional<std::string> find_motivation(const std::string& padded) {
  if (count_hits(padded, {"relocat*", "new job", "job transfer", "transferred"}) > 0)
    return "relocation";
  if (count_hits(padded, {"divorc*", "separation"}) > 0) return "divorce";
  if (count_hits(padded, {"baby", "growing family", "more space", "bigger place", "bigger home"}) >
      0)
    return "growing_family";
  if (count_hits(padded, {"downsiz*", "empty nest*", "smaller place", "smaller home"}) > 0)
    return "downsizing";
  if (count_hits(padded, {"retir*"}) > 0) return "retirement";
  if (count_hits(padded, {"inherit*", "estate sale"}) > 0) return "inheritance";
  if (count_hits(padded, {"invest*", "rental property", "rental income"}) > 0) return "investment";
  if (count_hits(padded, {"first home", "first time"}) > 0) return "first_home";
  return std::nullopt;
}

std::optional<std::string> find_condition(const std::string& padded) {
  if (count_hits(padded,
                 {"needs work", "fixer*", "repairs", "needs updating", "outdated", "as is"}) > 0)
    return "needs_work";
  if (count_hits(padded, {"renovated", "remodeled", "updated", "new roof", "new kitchen"}) > 0)
    return "updated";
  if (count_hits(padded, {"move in ready", "great condition", "excellent condition",
                          "good condition", "well maintained"}) > 0) {
    return "good";
  }
  return std::nullopt;
}

std::optional<std::string> find_property_type(const std::string& padded) {
  if (count_hits(padded, {"condo*"}) > 0) return "condo";
  if (count_hits(padded, {"townhouse*", "townhome*"}) > 0) return "townhouse";
  if (count_hits(padded, {"duplex", "multi family", "multifamily"}) > 0) return "multi_family";
  if (count_hits(padded, {"single family"}) > 0) return "single_family";
  return std::nullopt;
}

std::optional<int> find_bedrooms(const std::string& lower) {
  static const std::regex beds{R"(\b(\d{1,2})\s*-?\s*(bed|beds|bedroom|bedrooms|br|bd|bdrm)\b)"};
  std::smatch m;
  if (!std::regex_search(lower, m, beds)) return std::nullopt;
  return std::stoi(m[1].str());
}

std::optional<std::string> find_zip(const std::string& lower) {
  static const std::regex zip{R"((?:^|[^\d$,.])(\d{5})(?:-\d{4})?(?![\d,k]))"};
  std::smatch m;
  if (!std::regex_search(lower, m, zip)) return std::nullopt;
  return m[1].str();
}

}  // namespace

std::uint64_t mix64(std::uint64_t value) noexcept {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

std::uint64_t stable_hash(std::string_view text, std::uint64_t seed) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL ^ mix64(seed);
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return mix64(hash);
}

double unit_interval(std::uint64_t value) noexcept {
  return static_cast<double>(value >> 11) * (1.0 / 9007199254740992.0);  // 53 bits / 2^53
}

std::int64_t estimate_tokens(std::string_view text) noexcept {
  const auto tokens = static_cast<std::int64_t>((text.size() + 3) / 4);
  return std::max<std::int64_t>(tokens, 1);
}

intent_guess classify_intent(std::string_view message) {
  const auto categories = score_categories(message);
  intent_guess guess;
  guess.scores = nlohmann::json::object();
  int top = 0;
  int second = 0;
  const char* label = "other";
  for (const auto& category : categories) {
    if (category.hits > top) {
      second = top;
      top = category.hits;
      label = category.label;
    } else if (category.hits > second) {
      second = category.hits;
    }
    guess.scores[category.label] = round2(score_for(category.hits));
  }
  guess.intent = label;
  if (top == 0) {
    guess.confidence = 0.5;
    guess.scores["other"] = 0.5;
  } else {
    // Two topics with equal evidence: the answer is a coin toss, say so.
    guess.confidence = round2(top == second ? score_for(top) - 0.2 : score_for(top));
  }
  return guess;
}

std::string intent_answer(std::string_view message) {
  const auto guess = classify_intent(message);
  const nlohmann::json answer = {
      {"intent", guess.intent}, {"confidence", guess.confidence}, {"scores", guess.scores}};
  return answer.dump();
}

nlohmann::json extract_facts(const std::vector<std::string>& messages) {
  nlohmann::json facts = {{"budget", nullptr},
                          {"pre_approved", nullptr},
                          {"timeline", nullptr},
                          {"motivation", nullptr},
                          {"property_condition", nullptr},
                          {"bedrooms", nullptr},
                          {"property_type", nullptr},
                          {"zip", nullptr}};
  for (const auto& message : messages) {
    const std::string lower = to_lower_ascii(message);
    const std::string padded = padded_words(message);
    if (const auto budget = find_budget(lower))
      facts["budget"] = static_cast<std::int64_t>(*budget);
    if (const auto approved = find_pre_approved(lower)) facts["pre_approved"] = *approved;
    if (const auto timeline = find_timeline(lower)) facts["timeline"] = *timeline;
    if (const auto motivation = find_motivation(padded)) facts["motivation"] = *motivation;
    if (const auto condition = find_condition(padded)) facts["property_condition"] = *condition;
    if (const auto bedrooms = find_bedrooms(lower)) facts["bedrooms"] = *bedrooms;
    if (const auto type = find_property_type(padded)) facts["property_type"] = *type;
    if (const auto zip = find_zip(lower)) facts["zip"] = *zip;
  }
  return facts;
}

std::string facts_answer(const std::vector<std::string>& messages) {
  return extract_facts(messages).dump();
}

std::string friendly_reply(std::string_view message) {
  static const std::vector<std::string> buyer = {
      "Thanks for reaching out! What price range and neighborhoods are you considering?",
      "Great to hear you're looking! Are you pre-approved yet, and when would you like to move?",
      "Happy to help you find a home! How many bedrooms do you need, and what's your budget?"};
  static const std::vector<std::string> seller = {
      "Thanks for reaching out! I'd love to help you sell. When are you hoping to list?",
      "Happy to help! I can put together a free home value estimate. What's the property address?",
      "Thanks! Has the home had any recent updates, and what timeline do you have in mind?"};
  static const std::vector<std::string> faq = {
      "Great question! Here's the short version, and I'm happy to go deeper on anything.",
      "Thanks for asking! Happy to walk you through it. Are you thinking of buying or selling?",
      "Good question! I'll send the details. Anything else you'd like to know?"};
  static const std::vector<std::string> human = {
      "Of course! I'll have one of our agents reach out to you shortly.",
      "Absolutely, a member of our team will contact you soon."};
  static const std::vector<std::string> greeting = {
      "Hi there! Thanks for reaching out. Are you looking to buy or sell a home?",
      "Hello! Thanks for your message. How can I help with your home search or sale?"};
  static const std::vector<std::string> other = {
      "Thanks for reaching out! Could you tell me a bit more about what you're looking for?",
      "Thanks for your message! Are you thinking about buying, selling, or just exploring?",
      "Thanks for reaching out! What can I help you with today?"};

  const auto guess = classify_intent(message);
  const std::vector<std::string>* variants = &other;
  if (guess.intent == "buyer")
    variants = &buyer;
  else if (guess.intent == "seller")
    variants = &seller;
  else if (guess.intent == "faq")
    variants = &faq;
  else if (guess.intent == "human")
    variants = &human;
  else if (guess.intent == "greeting")
    variants = &greeting;
  std::string reply = (*variants)[stable_hash(message) % variants->size()];

  // Echo the details the lead gave, so a reply for one lead's numbers can
  // never pass for another's (what a personalised reply would do, too).
  const auto facts = extract_facts({std::string{message}});
  std::vector<std::string> details;
  if (facts["bedrooms"].is_number())
    details.push_back(std::to_string(facts["bedrooms"].get<int>()) + " bedrooms");
  if (facts["budget"].is_number())
    details.push_back("around " + format_money(facts["budget"].get<double>()));
  if (facts["zip"].is_string()) details.push_back("in " + facts["zip"].get<std::string>());
  if (facts["timeline"].is_string())
    details.push_back("timeline: " + facts["timeline"].get<std::string>());
  if (!details.empty()) {
    std::string noted = "Noted: ";
    for (std::size_t i = 0; i < details.size(); ++i) noted += (i > 0 ? ", " : "") + details[i];
    reply = noted + ". " + reply;
  }
  return reply;
}

std::string faq_answer(std::string_view system, std::string_view question) {
  static constexpr std::string_view only = "Answer from these facts only:\n";
  static constexpr std::string_view catalog = "The brokerage's facts:\n";
  static constexpr std::string_view unknown =
      "Good question. An agent will confirm the details for you and text you shortly.";
  if (const auto at = system.find(only); at != std::string_view::npos) {
    auto facts = system.substr(at + only.size());
    facts = facts.substr(0, facts.find("\n\n"));
    return std::string{facts};
  }
  const auto at = system.find(catalog);
  if (at == std::string_view::npos) {
    // The FAQ prompt with no facts on the question: an honest answer.
    if (system.find("The brokerage's facts: none") != std::string_view::npos) {
      return std::string{unknown};
    }
    return friendly_reply(question);
  }
  static const std::set<std::string> common{
      "the",  "a",    "an",    "is",    "are", "do",   "does", "you",  "your", "i",
      "we",   "my",   "our",   "what",  "how", "to",   "of",   "in",   "for",  "and",
      "or",   "it",   "on",    "can",   "be",  "much", "any",  "with", "me",   "us",
      "this", "that", "there", "about", "get", "have", "need", "will", "would"};
  std::set<std::string> asked;
  for (auto& w : words_of(question)) {
    if (common.count(w) == 0 && w.size() > 2) asked.insert(std::move(w));
  }
  std::string best;
  std::size_t best_score = 0;
  auto rest = system.substr(at + catalog.size());
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    auto line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (!line.starts_with('[')) continue;
    const auto close = line.find(']');
    if (close == std::string_view::npos) continue;
    std::string topic{line.substr(1, close - 1)};
    for (auto& c : topic) c = c == '_' ? ' ' : c;
    std::size_t score = 0;
    std::set<std::string> seen;
    for (auto& w : words_of(topic + " " + std::string{line.substr(close + 1)})) {
      if (asked.count(w) > 0 && seen.insert(w).second) ++score;
    }
    if (score > best_score) {
      best_score = score;
      auto text = line.substr(close + 1);
      while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      best = std::string{text};
    }
  }
  // One shared word is chance ("home"); two or more, the topic.
  return best_score >= 2 ? best : std::string{unknown};
}

std::string market_answer(std::string_view system, std::string_view question) {
  static constexpr std::string_view marker = "Market data: ";
  const auto at = system.find(marker);
  if (at == std::string_view::npos) return friendly_reply(question);
  auto line = system.substr(at + marker.size());
  line = line.substr(0, line.find('\n'));
  if (line.ends_with('.')) line.remove_suffix(1);
  std::map<std::string, std::string, std::less<>> field;
  while (!line.empty()) {
    const auto end = line.find("; ");
    const auto part = line.substr(0, end);
    line = end == std::string_view::npos ? std::string_view{} : line.substr(end + 2);
    const auto colon = part.find(": ");
    if (colon == std::string_view::npos) continue;
    auto value = part.substr(colon + 2);
    if (value.starts_with("about ")) value.remove_prefix(6);
    field.emplace(std::string{part.substr(0, colon)}, std::string{value});
  }
  const auto get = [&](std::string_view key) {
    const auto it = field.find(key);
    return it == field.end() ? std::string{"?"} : it->second;
  };
  return "In " + get("place") + ", the median home sold for about " + get("median sale price") +
         " in " + get("month") + " (about " + get("price per square foot") +
         " a square foot), after about " + get("median days on market") + " days on the market; " +
         get("homes for sale") + " homes are for sale.";
}

bool asks_to_schedule(std::string_view message) {
  const std::string padded = padded_words(message);
  return count_hits(padded, {"schedul*", "book", "booking", "appointment*", "showing*", "tour*",
                             "see the house", "see the home", "see the place", "see it", "viewing",
                             "visit*", "walk through", "walkthrough", "set up a call",
                             "set up a time", "call me at", "meet*"}) > 0;
}

std::string pick_tool(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    const std::string lower = to_lower_ascii(name);
    for (const char* stem :
         {"schedul", "book", "appoint", "showing", "tour", "calendar", "meeting"}) {
      if (lower.find(stem) != std::string::npos) return name;
    }
  }
  return names.empty() ? std::string{} : names.front();
}

nlohmann::json tool_arguments(const nlohmann::json& schema, std::string_view message) {
  nlohmann::json arguments = nlohmann::json::object();
  if (!schema.is_object()) return arguments;
  const auto properties = schema.find("properties");
  if (properties == schema.end() || !properties->is_object()) return arguments;

  const std::string lower = to_lower_ascii(message);
  static const std::regex when{
      R"(\b(today|tonight|tomorrow|this weekend|next week|(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d{1,2}(?::\d{2})?\s?(?:am|pm)|\d{1,2}/\d{1,2}|noon|morning|afternoon|evening)\b)"};
  std::string when_text;
  for (auto it = std::sregex_iterator(lower.begin(), lower.end(), when);
       it != std::sregex_iterator(); ++it) {
    if (!when_text.empty()) when_text += ' ';
    when_text += it->str();
  }
  if (when_text.empty()) when_text = "next available";
  static const std::regex street{
      R"(\b\d{1,6}\s+(?:[a-z0-9]+\s+){0,3}(?:st|street|ave|avenue|rd|road|blvd|boulevard|ln|lane|dr|drive|ct|court|way|pl|place|pkwy|parkway|cir|circle)\b)"};
  std::smatch address;
  const std::string address_text =
      std::regex_search(lower, address, street) ? address.str() : std::string{};

  for (const auto& [name, property] : properties->items()) {
    const std::string key = to_lower_ascii(name);
    const std::string type =
        property.is_object() ? property.value("type", std::string{"string"}) : "string";
    if (property.is_object() && property.contains("enum") && property["enum"].is_array() &&
        !property["enum"].empty()) {
      arguments[name] = property["enum"][0];
    } else if (type == "integer" || type == "number") {
      arguments[name] =
          key.find("minute") != std::string::npos || key.find("duration") != std::string::npos ? 30
                                                                                               : 1;
    } else if (type == "boolean") {
      arguments[name] = true;
    } else if (type == "array") {
      arguments[name] = nlohmann::json::array();
    } else if (type == "object") {
      arguments[name] = nlohmann::json::object();
    } else if (key.find("date") != std::string::npos || key.find("time") != std::string::npos ||
               key.find("when") != std::string::npos || key.find("slot") != std::string::npos) {
      arguments[name] = when_text;
    } else if (key.find("address") != std::string::npos ||
               key.find("property") != std::string::npos ||
               key.find("location") != std::string::npos ||
               key.find("listing") != std::string::npos) {
      arguments[name] = address_text.empty() ? std::string{"unspecified"} : address_text;
    } else {
      arguments[name] = std::string{message};
    }
  }
  return arguments;
}

std::vector<float> embed(std::string_view text, std::size_t dimensions) {
  dimensions = std::max<std::size_t>(dimensions, 1);
  std::vector<double> sums(dimensions, 0.0);
  auto add = [&](std::string_view feature, double weight) {
    const std::uint64_t h = stable_hash(feature, 0x5eed);
    // Two slots per feature with independent signs: fewer harmful collisions.
    sums[h % dimensions] += (h & (1ULL << 62)) != 0 ? weight : -weight;
    sums[(h >> 32) % dimensions] += (h & (1ULL << 63)) != 0 ? weight * 0.5 : -weight * 0.5;
  };
  auto words = words_of(text);
  // Crude stemming so "homes" and "home" share a feature.
  for (auto& word : words) {
    if (word.size() > 3 && word.back() == 's' && word[word.size() - 2] != 's') word.pop_back();
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    add(words[i], 1.0);
    if (i + 1 < words.size()) add(words[i] + " " + words[i + 1], 0.5);
  }
  double norm = 0;
  for (const double v : sums) norm += v * v;
  std::vector<float> out(dimensions, 0.0F);
  if (norm == 0) {
    out[0] = 1.0F;  // empty text: still a unit vector, so cosine stays defined
    return out;
  }
  norm = std::sqrt(norm);
  for (std::size_t i = 0; i < dimensions; ++i) out[i] = static_cast<float>(sums[i] / norm);
  return out;
}

}  // namespace openhouse::llm::sim
