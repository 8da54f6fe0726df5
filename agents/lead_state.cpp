#include "agents/lead_state.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <variant>

namespace openhouse::agents {

namespace {

nlohmann::json parse_object(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json::object();
}

}  // namespace

lead_facts stored_facts(std::string_view json) { return parse_facts(json).value_or(lead_facts{}); }

scoring_update update_scoring(const config::scoring_settings& settings,
                              std::string_view stored_facts_json,
                              std::string_view current_temperature, std::string_view llm_answer) {
  scoring_update out;
  auto extracted = extract_json(llm_answer);
  // The answer alone must pass the schema: a malformed one changes nothing.
  if (!extracted || !extracted->is_object() || !parse_facts(extracted->dump()).has_value()) {
    return out;
  }
  auto merged = parse_object(stored_facts_json);
  std::set<std::string> pinned;
  if (const auto it = merged.find(crm_pins_key); it != merged.end() && it->is_array()) {
    for (const auto& name : *it) {
      if (name.is_string()) pinned.insert(name.get<std::string>());
    }
  }
  for (const auto& [key, value] : extracted->items()) {
    if (value.is_null()) {
      continue;  // "not said" never erases what was said before
    }
    if (key == crm_pins_key || pinned.contains(canonical_fact_name(key))) {
      continue;  // a person set it in the CRM: the conversation does not overrule them
    }
    if (!merged.contains(key) || merged[key] != value) {
      merged[key] = value;
      out.new_fact = true;
    }
  }
  const auto facts = parse_facts(merged.dump());
  if (!facts) {
    return out;
  }
  out.valid = true;
  out.facts_json = merged.dump();
  out.score = score_lead(*facts, settings);
  out.temperature_changed = to_string(out.score.temp) != current_temperature;
  out.reason = describe(out.score);
  return out;
}

std::vector<handoff_record> parse_handoffs(std::string_view json) {
  std::vector<handoff_record> out;
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) {
    return out;
  }
  for (const auto& item : j) {
    if (!item.is_object() || !item.contains("at_ms") || !item.contains("from") ||
        !item.contains("to") || !item["at_ms"].is_number_integer() || !item["from"].is_string() ||
        !item["to"].is_string()) {
      continue;
    }
    auto from = parse_bot_kind(item["from"].get<std::string>());
    auto to = parse_bot_kind(item["to"].get<std::string>());
    if (!from || !to) {
      continue;
    }
    handoff_record r;
    r.at = std::chrono::system_clock::time_point{
        std::chrono::milliseconds{item["at_ms"].get<std::int64_t>()}};
    r.from = *from;
    r.to = *to;
    out.push_back(r);
  }
  return out;
}

std::string append_handoff(std::string_view json, const handoff_record& record) {
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) {
    j = nlohmann::json::array();
  }
  j.push_back(
      {{"at_ms", std::chrono::duration_cast<std::chrono::milliseconds>(record.at.time_since_epoch())
                     .count()},
       {"from", std::string{to_string(record.from)}},
       {"to", std::string{to_string(record.to)}}});
  // A day's limit is all the policy reads; older entries are only history.
  constexpr std::size_t kept = 50;
  if (j.size() > kept) {
    j.erase(j.begin(), j.begin() + static_cast<std::ptrdiff_t>(j.size() - kept));
  }
  return j.dump();
}

}  // namespace openhouse::agents
