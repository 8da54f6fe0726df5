#include "agents/lead_update.hpp"

#include "agents/lead_state.hpp"
#include "agents/scoring.hpp"
#include "agents/temperature_override.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace openhouse::crm {

lead_update apply_crm_event(const config::scoring_settings& scoring, std::string_view release_tag,
                            const agents::lead_state& before, const runtime::crm_event& event) {
  lead_update out;
  out.state = before;
  auto& st = out.state;

  // Facts first: the temperature a person's tag overrides is the one the
  // facts give after this change.
  if (!event.fields.empty()) {
    auto update = agents::apply_crm_fields(st.facts, event.fields);
    out.fields_applied = std::move(update.applied);
    out.fields_rejected = std::move(update.rejected);
    if (!out.fields_applied.empty()) st.facts = std::move(update.facts);
  }
  const auto score = agents::score_lead(st.facts, scoring);
  st.frs = score.frs;
  st.pcs = score.pcs;
  const auto computed = agents::to_string(score.temp);

  const auto tags =
      event.full_tags ? event.tags : apply_delta(st.crm_tags, event.add_tags, event.remove_tags);
  out.tags =
      read_tags(diff_tags(st.crm_tags, tags), st.temperature, st.temperature_override, release_tag);
  st.crm_tags = tags;

  const auto from = st.temperature;
  if (out.tags.person_temperature) {
    const auto person = *out.tags.person_temperature;
    st.temperature = person;
    st.temperature_override = person;
    st.override_basis = score.temp;
    out.person_temperature = true;
    out.reason = fmt::format("{} set by a person in the CRM (tag {}); the score says {}",
                             agents::to_string(person), agents::crm_tag(person), computed);
  } else {
    const auto decision = resolve_temperature(
        agents::to_string(st.temperature),
        out.tags.override_removed ? std::string_view{} : agents::to_string(st.temperature_override),
        agents::to_string(st.override_basis), computed);
    st.temperature = agents::parse_temperature(decision.temperature).value_or(score.temp);
    st.temperature_override = agents::parse_temperature(decision.override_temperature);
    st.override_basis = agents::parse_temperature(decision.basis);
    out.reason = out.tags.override_removed
                     ? "the CRM temperature tag was removed; " + agents::describe(score)
                 : decision.override_ended
                     ? "the score moved past the CRM temperature; " + agents::describe(score)
                     : "CRM fields changed; " + agents::describe(score);
  }
  if (st.temperature != from) out.temperature_from = std::string{agents::to_string(from)};

  if (out.tags.release && st.muted) {
    st.muted = false;
    st.needs_human = false;
    st.confusion_turns = 0;
    out.released = true;
  }
  // Only what cached units depend on: a field set to the value it already
  // has, or a change already in the stored state, bumps nothing.
  out.invalidate = st.temperature != before.temperature || st.facts != before.facts ||
                   st.temperature_override != before.temperature_override;
  return out;
}

}  // namespace openhouse::crm
