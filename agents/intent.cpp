#include "agents/intent.hpp"

#include "agents/facts.hpp"
#include "core/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

namespace openhouse::agents {

namespace {

using json = nlohmann::json;

std::string snake(std::string_view s) {
  std::string out;
  for (const char raw : s) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c)) {
      out.push_back(core::to_lower_ascii(raw));
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

/// " word word " in lower case, punctuation as spaces: phrases then match on
/// word boundaries with a substring search.
std::string padded_words(std::string_view text) {
  std::string out = " ";
  for (const char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) || c == '\'' || c >= 0x80) {
      out.push_back(core::to_lower_ascii(raw));
    } else if (out.back() != ' ') {
      out.push_back(' ');
    }
  }
  if (out.back() != ' ') out.push_back(' ');
  // "don't" and "dont" read alike.
  for (auto at = out.find('\''); at != std::string::npos; at = out.find('\'', at)) out.erase(at, 1);
  return out;
}

// A phrase ending in '*' matches any word starting with it.
bool has_phrase(const std::string& padded, std::string_view phrase) {
  const bool stem = phrase.ends_with('*');
  if (stem) phrase.remove_suffix(1);
  std::string needle = " ";
  needle.append(phrase);
  if (!stem) needle.push_back(' ');
  return padded.find(needle) != std::string::npos;
}

bool is_confidence(const json& v) {
  return v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() >= 0 &&
         v.get<double>() <= 1;
}

const json* find_any(const json& object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (const auto it = object.find(key); it != object.end()) return &*it;
  }
  return nullptr;
}

/// Keeps the best confidence per intent (two labels may map to one intent).
void put(std::map<intent, intent_score>& by_intent, intent_score s) {
  auto [it, inserted] = by_intent.try_emplace(s.kind, s);
  if (!inserted && s.confidence > it->second.confidence) {
    if (s.topic.empty()) s.topic = it->second.topic;
    it->second = s;
  }
}

intent_ranking ranked(std::map<intent, intent_score> by_intent, std::optional<intent> declared) {
  intent_ranking out;
  for (auto& [kind, s] : by_intent) out.push_back(std::move(s));
  // Equal confidence: the declared intent first, then declaration order of the enum.
  std::stable_sort(out.begin(), out.end(), [&](const intent_score& a, const intent_score& b) {
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    return declared && a.kind == *declared && b.kind != *declared;
  });
  return out;
}

std::optional<std::string> entry_error(const json& entry,
                                       std::map<intent, intent_score>& by_intent) {
  if (!entry.is_object()) return "intent entries must be objects";
  const json* label = find_any(entry, {"intent", "label", "name"});
  const json* confidence = find_any(entry, {"confidence", "score", "probability"});
  if (label == nullptr || !label->is_string()) return "an entry has no intent label";
  const auto kind = parse_intent_label(label->get<std::string>());
  if (!kind) return "unknown intent \"" + label->get<std::string>() + "\"";
  if (confidence == nullptr || !is_confidence(*confidence))
    return "confidence must be a number in 0..1";
  intent_score s{*kind, confidence->get<double>(), {}};
  if (const json* topic = find_any(entry, {"topic", "faq_topic"});
      topic != nullptr && topic->is_string()) {
    s.topic = snake(topic->get<std::string>());
  }
  put(by_intent, std::move(s));
  return std::nullopt;
}

struct keyword_rule {
  intent kind;
  std::vector<std::string_view> phrases;
};

struct faq_topic {
  std::string_view topic;
  std::vector<std::string_view> phrases;
};

}  // namespace

std::string_view to_string(intent i) noexcept {
  switch (i) {
    case intent::buyer:
      return "buyer";
    case intent::seller:
      return "seller";
    case intent::faq:
      return "faq";
    case intent::scheduling:
      return "scheduling";
    case intent::human_request:
      return "human_request";
    case intent::opt_out_family:
      return "opt_out_family";
    case intent::other:
      break;
  }
  return "other";
}

std::optional<intent> parse_intent_label(std::string_view label) {
  static const std::map<std::string, intent, std::less<>> labels{
      {"buyer", intent::buyer},
      {"buy", intent::buyer},
      {"buying", intent::buyer},
      {"purchase", intent::buyer},
      {"seller", intent::seller},
      {"sell", intent::seller},
      {"selling", intent::seller},
      {"valuation", intent::seller},
      {"home_value", intent::seller},
      {"faq", intent::faq},
      {"question", intent::faq},
      {"information", intent::faq},
      {"scheduling", intent::scheduling},
      {"schedule", intent::scheduling},
      {"showing", intent::scheduling},
      {"tour", intent::scheduling},
      {"appointment", intent::scheduling},
      {"human_request", intent::human_request},
      {"human", intent::human_request},
      {"agent", intent::human_request},
      {"person", intent::human_request},
      {"escalation", intent::human_request},
      {"opt_out_family", intent::opt_out_family},
      {"opt_out", intent::opt_out_family},
      {"optout", intent::opt_out_family},
      {"stop", intent::opt_out_family},
      {"unsubscribe", intent::opt_out_family},
      {"other", intent::other},
      {"greeting", intent::other},
      {"chitchat", intent::other},
      {"small_talk", intent::other},
      {"unknown", intent::other},
      {"unclear", intent::other},
      {"none", intent::other},
  };
  auto s = snake(label);
  // "faq:closing_costs" or "faq_hoa": the topic is read elsewhere.
  if (s.starts_with("faq_")) s = "faq";
  const auto it = labels.find(s);
  if (it == labels.end()) return std::nullopt;
  return it->second;
}

expected<intent_ranking, intent_error> parse_intent(std::string_view llm_text) {
  const auto root = extract_json(llm_text);
  if (!root) return unexpected{intent_error{"no JSON in the answer"}};
  std::map<intent, intent_score> by_intent;

  const json* entries =
      root->is_array() ? &*root : find_any(*root, {"intents", "ranking", "ranked"});
  if (entries != nullptr) {
    if (!entries->is_array() || entries->empty())
      return unexpected{intent_error{"intents must be a non-empty array"}};
    for (const auto& entry : *entries) {
      if (auto error = entry_error(entry, by_intent)) return unexpected{intent_error{*error}};
    }
    return ranked(std::move(by_intent), std::nullopt);
  }

  const json* label = find_any(*root, {"intent", "label"});
  if (label == nullptr || !label->is_string())
    return unexpected{intent_error{"no \"intent\" label"}};
  const auto declared = parse_intent_label(label->get<std::string>());
  if (!declared)
    return unexpected{intent_error{"unknown intent \"" + label->get<std::string>() + "\""}};
  std::string topic;
  if (const json* t = find_any(*root, {"topic", "faq_topic"}); t != nullptr && t->is_string()) {
    topic = snake(t->get<std::string>());
  } else if (const auto s = snake(label->get<std::string>()); s.starts_with("faq_")) {
    topic = s.substr(4);
  }

  std::optional<double> declared_confidence;
  if (const json* c = find_any(*root, {"confidence", "score", "probability"}); c != nullptr) {
    if (!is_confidence(*c)) return unexpected{intent_error{"confidence must be a number in 0..1"}};
    declared_confidence = c->get<double>();
  }
  if (const json* scores = find_any(*root, {"scores", "probabilities"}); scores != nullptr) {
    if (!scores->is_object()) return unexpected{intent_error{"scores must be an object"}};
    for (const auto& [name, value] : scores->items()) {
      const auto kind = parse_intent_label(name);
      if (!kind) continue;  // a label we do not route on
      if (!is_confidence(value))
        return unexpected{intent_error{"score of \"" + name + "\" must be a number in 0..1"}};
      put(by_intent, {*kind, value.get<double>(), {}});
    }
  }
  if (!declared_confidence) {
    const auto it = by_intent.find(*declared);
    if (it == by_intent.end())
      return unexpected{intent_error{"no confidence for the declared intent"}};
    declared_confidence = it->second.confidence;
  }
  // The declared intent is the model's answer: nothing outranks it.
  for (auto& [kind, s] : by_intent) s.confidence = std::min(s.confidence, *declared_confidence);
  by_intent[*declared] = {*declared, *declared_confidence, topic};
  return ranked(std::move(by_intent), declared);
}

bool mentions_valuation(std::string_view text) {
  static constexpr std::array<std::string_view, 11> phrases{
      "home worth",      "house worth",        "property worth",      "place worth",
      "home value",      "value of my",        "valuation",           "cma",
      "market analysis", "what can i get for", "what could i get for"};
  const std::string padded = padded_words(text);
  return std::any_of(phrases.begin(), phrases.end(),
                     [&](std::string_view p) { return has_phrase(padded, p); });
}

intent_ranking keyword_intent(std::string_view text) {
  static const std::vector<keyword_rule> rules{
      {intent::opt_out_family,
       {"stop texting", "stop messaging", "stop contacting", "remove me", "take me off",
        "unsubscribe me", "dont text", "do not text", "dont contact", "do not contact",
        "opt me out", "no more texts", "leave me alone", "wrong number"}},
      {intent::human_request,
       {"human", "real person", "live person", "actual person", "talk to someone",
        "speak to someone", "speak with someone", "talk to a person", "talk to an agent",
        "speak to an agent", "speak with an agent", "call me", "give me a call", "representative"}},
      {intent::seller,
       {"sell", "selling", "seller", "list my", "listing my", "list our", "home worth",
        "house worth", "home value", "value of my", "valuation", "cma", "market analysis",
        "cash offer"}},
      {intent::buyer,
       {"buy", "buying", "buyer", "purchase", "purchasing", "looking for a home",
        "looking for a house", "house hunting", "home search", "first home", "pre approved",
        "preapproved", "bedroom*", "relocat*", "in the market for", "move to"}},
      {intent::scheduling,
       {"schedul*", "showing", "showings", "tour", "tours", "appointment*", "see the house",
        "see the home", "see it", "viewing", "walk through", "walkthrough", "available tomorrow",
        "open house"}},
  };
  static const std::vector<faq_topic> topics{
      {"closing_costs", {"closing cost*"}},
      {"commission", {"commission*", "fee", "fees"}},
      {"hoa", {"hoa", "hoas"}},
      {"property_taxes", {"property tax*", "taxes"}},
      {"schools", {"school*"}},
      {"escrow", {"escrow"}},
      {"inspection", {"inspection*"}},
      {"appraisal", {"appraisal*"}},
      {"down_payment", {"down payment"}},
      {"interest_rates", {"interest rate*", "rates"}},
      {"earnest_money", {"earnest money"}},
      {"process", {"how does", "how do", "how long", "process"}},
  };
  const std::string padded = padded_words(text);
  const auto confidence = [](int hits) { return std::min(0.85, 0.55 + 0.1 * (hits - 1)); };
  std::map<intent, intent_score> by_intent;
  for (const auto& rule : rules) {
    int hits = 0;
    for (const auto phrase : rule.phrases) hits += has_phrase(padded, phrase) ? 1 : 0;
    if (hits > 0) put(by_intent, {rule.kind, confidence(hits), {}});
  }
  int faq_hits = 0;
  std::string topic;
  for (const auto& t : topics) {
    for (const auto phrase : t.phrases) {
      if (has_phrase(padded, phrase)) {
        ++faq_hits;
        if (topic.empty()) topic = t.topic;
      }
    }
  }
  if (faq_hits == 0 && by_intent.empty() && text.find('?') != std::string_view::npos) faq_hits = 1;
  if (faq_hits > 0) put(by_intent, {intent::faq, confidence(faq_hits), topic});
  if (by_intent.empty()) put(by_intent, {intent::other, 0.5, {}});
  return ranked(std::move(by_intent), std::nullopt);
}

double confidence_of(const intent_ranking& ranking, intent i) noexcept {
  for (const auto& s : ranking) {
    if (s.kind == i) return s.confidence;
  }
  return 0;
}

}  // namespace openhouse::agents
