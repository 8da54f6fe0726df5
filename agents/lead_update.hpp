#pragma once

#include "agents/lead_state.hpp"
#include "agents/tag_diff.hpp"
#include "config/market.hpp"
#include "core/messages.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

/// How one CRM change (tags and/or custom fields) changes a lead's stored
/// state: the single code path of the webhook and of replayed traces. Pure:
/// the conversation actor persists the result and bumps the cache generation.
namespace openhouse::crm {

struct lead_update {
  agents::lead_state state;  ///< the whole lead afterwards
  tag_reading tags;
  std::vector<std::string> fields_applied;
  std::vector<std::string> fields_rejected;
  std::string temperature_from;  ///< set when the temperature changed
  std::string reason;            ///< why it is at its temperature now
  bool person_temperature = false;
  bool released = false;
  /// The contact's cached units must die on every node (its temperature or
  /// facts changed).
  bool invalidate = false;
};

/// Applies `event` to `before`. Custom fields go through
/// agents::apply_crm_fields (aliases, validation, pins: later LLM answers do
/// not overwrite a person's value). Scores are recomputed from the facts alone:
/// tags never feed the score, and a temperature tag equal to the temperature
/// the runtime holds (what it writes to the CRM itself) changes nothing.
[[nodiscard]] lead_update apply_crm_event(const config::scoring_settings& scoring,
                                          std::string_view release_tag,
                                          const agents::lead_state& before,
                                          const runtime::crm_event& event);

}  // namespace openhouse::crm
