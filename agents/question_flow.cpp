#include "agents/question_flow.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <vector>

namespace openhouse::agents {

namespace {

using core::trim;

bool ends_with(std::string_view text, std::string_view suffix) {
  text = trim(text);
  return !suffix.empty() && text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

bool fact_known(const lead_facts& facts, std::string_view name) {
  if (name == "budget_usd") return facts.budget_usd.has_value();
  if (name == "pre_approved") return facts.pre_approved.has_value();
  if (name == "down_payment_pct") return facts.down_payment_pct.has_value();
  if (name == "timeline_months") return facts.timeline_months.has_value();
  if (name == "motivation") return facts.motivation.has_value();
  if (name == "motivation_strength") return facts.motivation_strength.has_value();
  if (name == "property_condition") return facts.condition.has_value();
  if (name == "price_expectation_usd") return facts.price_expectation_usd.has_value();
  if (name == "bedrooms") return facts.bedrooms.has_value();
  if (name == "bathrooms") return facts.bathrooms.has_value();
  if (name == "property_type") return facts.property_type.has_value();
  if (name == "areas") return !facts.areas.empty();
  if (name == "must_haves") return !facts.must_haves.empty();
  return false;
}

std::string asked_question(const config::bots_settings& bots, std::string_view bot_text) {
  for (const auto* flow : {&bots.lead, &bots.buyer, &bots.seller}) {
    for (const auto& q : flow->questions) {
      if (ends_with(bot_text, q.ask)) return q.ask;
    }
  }
  return {};
}

std::optional<std::string> next_question(const config::bot_settings& flow, const lead_facts& facts,
                                         std::span<const runtime::history_entry> history) {
  const auto asked = [&](const config::flow_question& q) {
    return std::any_of(history.begin(), history.end(), [&](const runtime::history_entry& h) {
      return h.role == "assistant" && ends_with(h.text, q.ask);
    });
  };
  for (const auto& q : flow.questions) {
    if (!fact_known(facts, q.fact) && !asked(q)) return q.ask;
  }
  return std::nullopt;
}

namespace {

/// The sentences of `text`, each with its end punctuation, trimmed.
std::vector<std::string> sentences(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    current.push_back(c);
    const bool end = c == '.' || c == '!' || c == '?';
    const bool boundary = i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n';
    // "3.5%" and "..." are not sentence ends; "?!" ends once.
    if (end && boundary) {
      if (auto t = trim(current); !t.empty()) out.emplace_back(t);
      current.clear();
    }
  }
  if (auto t = trim(current); !t.empty()) out.emplace_back(t);
  return out;
}

bool asks(std::string_view sentence) { return sentence.find('?') != std::string_view::npos; }

}  // namespace

std::string without_questions(std::string_view text) {
  std::string out;
  for (const auto& s : sentences(text)) {
    if (asks(s)) continue;
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

std::vector<std::string> questions_in(std::string_view text) {
  std::vector<std::string> out;
  for (auto& s : sentences(text)) {
    if (asks(s)) out.push_back(std::move(s));
  }
  return out;
}

std::string compose_reply(std::string_view answer, const std::optional<std::string>& question) {
  const bool has_question = question && !question->empty();
  std::string out = without_questions(answer);
  if (out.empty() && !has_question) {
    // Nothing but questions and no flow question: the first one alone.
    const auto all = sentences(answer);
    return all.empty() ? std::string{} : all.front();
  }
  if (has_question) {
    if (!out.empty()) out += ' ';
    out += *question;
  }
  return out;
}

std::vector<std::string> facts_asked(std::string_view question) {
  const std::string lower = core::to_lower_ascii(question);
  struct cue {
    std::string_view fact;
    std::initializer_list<std::string_view> words;
  };
  static const std::array<cue, 12> cues{{
      {"budget_usd", {"budget", "price range", "spend", "afford", "shopping in"}},
      {"pre_approved", {"pre-approv", "preapprov", "pre approv", "lender"}},
      {"down_payment_pct", {"put down", "down payment", "planning to put"}},
      {"timeline_months",
       {"timeline", "timeframe", "time frame", "how soon", "when would", "when are you",
        "when do you", "hoping to sell by", "move by"}},
      {"areas",
       {"which part", "which cities", "neighborhood", "what area", "which area", "where are you",
        "where would"}},
      {"bedrooms", {"bedroom", " beds"}},
      {"bathrooms", {"bathroom", " baths"}},
      {"motivation", {"prompting", "what's behind", "why are you", "reason for"}},
      {"property_condition", {"condition", "updates or repairs"}},
      {"price_expectation_usd", {"price in mind", "hoping to get", "expecting to get"}},
      {"property_type", {"condo or", "type of home", "kind of home", "townhome or"}},
      {"goal", {"buy, sell", "buy or sell", "buying or selling", "buying, selling"}},
  }};
  std::vector<std::string> out;
  for (const auto& c : cues) {
    for (const auto w : c.words) {
      if (lower.find(w) != std::string::npos) {
        out.emplace_back(c.fact);
        break;
      }
    }
  }
  return out;
}

}  // namespace openhouse::agents
