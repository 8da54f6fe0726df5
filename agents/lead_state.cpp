#include "agents/lead_state.hpp"

#include <nlohmann/json.hpp>

namespace openhouse::agents {

void append_handoff(lead_state& state, const handoff_record& record) {
  auto& h = state.handoffs;
  h.push_back(record);
  if (h.size() > max_handoffs_kept) {
    h.erase(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(h.size() - max_handoffs_kept));
  }
}

scoring_update update_scoring(const config::scoring_settings& settings, const lead_facts& stored,
                              temperature current, std::string_view llm_answer) {
  scoring_update out;
  // The answer alone must pass the schema: a malformed one changes nothing.
  const auto extracted = extract_json(llm_answer);
  if (!extracted || !extracted->is_object()) {
    return out;
  }
  const auto fresh = parse_facts(extracted->dump());
  if (!fresh) {
    return out;
  }
  out.valid = true;
  // "Not said" never erases what was said before; a person's CRM value
  // is not overruled by the conversation (merge keeps pinned fields).
  out.facts = merge(stored, *fresh);
  out.new_fact = !changed_fields(stored, out.facts).empty();
  out.score = score_lead(out.facts, settings);
  out.temperature_changed = out.score.temp != current;
  out.reason = describe(out.score);
  return out;
}

}  // namespace openhouse::agents
