#include "agents/question_flow.hpp"

#include <algorithm>
#include <array>

namespace openhouse::agents {

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

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

std::string compose_reply(std::string_view answer, const std::optional<std::string>& question) {
  std::string out{trim(answer)};
  if (question && !question->empty()) {
    if (!out.empty()) out += ' ';
    out += *question;
  }
  return out;
}

}  // namespace openhouse::agents
