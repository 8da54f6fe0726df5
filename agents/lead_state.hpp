#pragma once

#include "agents/facts.hpp"
#include "agents/handoff_policy.hpp"
#include "agents/scoring.hpp"
#include "config/market.hpp"
#include "core/lead_state.hpp"

#include <string>
#include <string_view>

/// How one turn's LLM answers change a lead's state (core/lead_state.hpp):
/// plain functions, so the conversation actor only sequences and persists.
/// JSON and text columns exist only at the storage edge
/// (integrations/postgres/lead_state_row).
namespace openhouse::agents {

/// `state.handoffs` plus one, the oldest dropped past max_handoffs_kept.
void append_handoff(lead_state& state, const handoff_record& record);

/// The result of merging one fact-extraction answer into a lead.
struct scoring_update {
  bool valid = false;  ///< false: the answer was not usable; nothing changed
  lead_facts facts;    ///< the merged facts
  lead_score score;
  bool new_fact = false;  ///< the answer added or changed a fact
  bool temperature_changed = false;
  std::string reason;  ///< why the lead is at its temperature (for the history)
};

/// Merges the known fields of `llm_answer` (a facts JSON object, possibly
/// fenced or wrapped in prose) into `stored` (agents::merge: a known value
/// replaces, an unknown one keeps, lists collect), and scores the result.
/// Fields pinned by the CRM keep their stored value. An answer that breaks
/// the facts schema gives `valid = false` (the caller retries once, then
/// keeps the previous facts).
[[nodiscard]] scoring_update update_scoring(const config::scoring_settings& settings,
                                            const lead_facts& stored, temperature current,
                                            std::string_view llm_answer);

}  // namespace openhouse::agents
