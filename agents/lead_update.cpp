#include "agents/lead_update.hpp"

#include "agents/lead_state.hpp"
#include "agents/scoring.hpp"
#include "agents/temperature_override.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace openhouse::crm {

using json = nlohmann::json;

namespace {

/// The stored (canonical) value of one field, or null when unknown.
json field_value(const agents::lead_facts& f, std::string_view name) {
  auto opt = [](const auto& v) -> json { return v ? json(*v) : json(nullptr); };
  if (name == "budget_usd") return opt(f.budget_usd);
  if (name == "pre_approved") return opt(f.pre_approved);
  if (name == "down_payment_pct") return opt(f.down_payment_pct);
  if (name == "timeline_months") return opt(f.timeline_months);
  if (name == "motivation") return opt(f.motivation);
  if (name == "motivation_strength") {
    return f.motivation_strength ? json(std::string{agents::to_string(*f.motivation_strength)})
                                 : json(nullptr);
  }
  if (name == "property_condition") {
    return f.condition ? json(std::string{agents::to_string(*f.condition)}) : json(nullptr);
  }
  if (name == "price_expectation_usd") return opt(f.price_expectation_usd);
  if (name == "bedrooms") return opt(f.bedrooms);
  if (name == "bathrooms") return opt(f.bathrooms);
  if (name == "property_type") return opt(f.property_type);
  if (name == "areas") return f.areas.empty() ? json(nullptr) : json(f.areas);
  if (name == "must_haves") return f.must_haves.empty() ? json(nullptr) : json(f.must_haves);
  return nullptr;
}

json object_of(std::string_view text) {
  auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : json::object();
}

std::optional<agents::temperature> temp_of(std::string_view s) {
  return s.empty() ? std::nullopt : agents::parse_temperature(s);
}

}  // namespace

facts_merge merge_fields(std::string_view stored_facts_json,
                         const std::map<std::string, std::string>& fields) {
  facts_merge out;
  auto stored = object_of(stored_facts_json);
  auto facts = agents::stored_facts(stored_facts_json);
  if (const auto it = stored.find(agents::crm_pins_key); it != stored.end() && it->is_array()) {
    for (const auto& name : *it) {
      if (name.is_string()) facts.crm_pinned.insert(name.get<std::string>());
    }
  }
  const auto update = agents::apply_crm_fields(facts, fields);
  out.applied = update.applied;
  out.rejected = update.rejected;
  for (const auto& name : update.applied) {
    // Every spelling of the field goes ("budget" from the LLM, "budget_usd"
    // from an earlier edit): one canonical key, so no alias can shadow it.
    for (auto it = stored.begin(); it != stored.end();) {
      if (it.key() != agents::crm_pins_key && agents::canonical_fact_name(it.key()) == name) {
        it = stored.erase(it);
      } else {
        ++it;
      }
    }
    if (auto v = field_value(update.facts, name); !v.is_null()) stored[name] = std::move(v);
  }
  if (update.facts.crm_pinned.empty()) {
    stored.erase(std::string{agents::crm_pins_key});
  } else {
    stored[std::string{agents::crm_pins_key}] = update.facts.crm_pinned;
  }
  out.facts_json = stored.dump();
  return out;
}

lead_update apply_crm_event(const config::scoring_settings& scoring, std::string_view release_tag,
                            const runtime::conversation_snapshot& before,
                            const runtime::crm_event& event) {
  lead_update out;
  out.state = before;
  auto& st = out.state;

  // Facts first: the temperature a person's tag overrides is the one the
  // facts give after this change.
  if (!event.fields.empty()) {
    auto merged = merge_fields(st.facts_json, event.fields);
    out.fields_applied = std::move(merged.applied);
    out.fields_rejected = std::move(merged.rejected);
    if (!out.fields_applied.empty()) st.facts_json = std::move(merged.facts_json);
  }
  const auto score = agents::score_lead(agents::stored_facts(st.facts_json), scoring);
  st.frs = score.frs;
  st.pcs = score.pcs;
  const auto computed = std::string{agents::to_string(score.temp)};

  const auto tags =
      event.full_tags ? event.tags : apply_delta(st.crm_tags, event.add_tags, event.remove_tags);
  const auto current = temp_of(st.temperature).value_or(agents::temperature::cold);
  out.tags = read_tags(diff_tags(st.crm_tags, tags), current, temp_of(st.temperature_override),
                       release_tag);
  st.crm_tags = tags;

  const auto from = st.temperature;
  if (out.tags.person_temperature) {
    const auto person = std::string{agents::to_string(*out.tags.person_temperature)};
    st.temperature = person;
    st.temperature_override = person;
    st.override_basis = computed;
    out.person_temperature = true;
    out.reason = fmt::format("{} set by a person in the CRM (tag {}); the score says {}", person,
                             agents::crm_tag(*out.tags.person_temperature), computed);
  } else {
    const auto decision = resolve_temperature(
        st.temperature, out.tags.override_removed ? std::string_view{} : st.temperature_override,
        st.override_basis, computed);
    st.temperature = decision.temperature;
    st.temperature_override = decision.override_temperature;
    st.override_basis = decision.basis;
    out.reason = out.tags.override_removed
                     ? "the CRM temperature tag was removed; " + agents::describe(score)
                 : decision.override_ended
                     ? "the score moved past the CRM temperature; " + agents::describe(score)
                     : "CRM fields changed; " + agents::describe(score);
  }
  if (st.temperature != from) out.temperature_from = from;

  if (out.tags.release && st.muted) {
    st.muted = false;
    st.needs_human = false;
    st.confusion_turns = 0;
    out.released = true;
  }
  // Only what cached units depend on: a field set to the value it already
  // has, or a change already in the stored state, bumps nothing.
  out.invalidate = st.temperature != before.temperature ||
                   object_of(st.facts_json) != object_of(before.facts_json) ||
                   st.temperature_override != before.temperature_override;
  return out;
}

}  // namespace openhouse::crm
