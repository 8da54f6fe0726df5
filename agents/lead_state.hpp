#pragma once

#include "agents/facts.hpp"
#include "agents/handoff_policy.hpp"
#include "agents/scoring.hpp"
#include "config/market.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// How one turn's LLM answers change a lead's stored state: plain functions
/// over the persisted forms (JSON text in conversation_state), so the
/// conversation actor only sequences and persists.
namespace openhouse::agents {

/// The key of the stored facts object that lists the fields a person pinned
/// in the CRM (canonical names): an LLM answer never overwrites those.
inline constexpr std::string_view crm_pins_key = "crm_pinned";

/// The result of merging one fact-extraction answer into a lead.
struct scoring_update {
  bool valid = false;      ///< false: the answer was not usable; nothing changed
  std::string facts_json;  ///< the merged facts (stored form)
  lead_score score;
  bool new_fact = false;  ///< the answer added or changed a fact
  bool temperature_changed = false;
  std::string reason;  ///< why the lead is at its temperature (for the history)
};

/// Merges the non-null fields of `llm_answer` (a facts JSON object, possibly
/// fenced or wrapped in prose) into `stored_facts_json`, validates the result
/// against the facts schema and scores it. Fields pinned by the CRM
/// (crm_pins_key) keep their stored value. An unusable answer gives
/// `valid = false` (the caller retries once, then keeps the previous facts).
[[nodiscard]] scoring_update update_scoring(const config::scoring_settings& settings,
                                            std::string_view stored_facts_json,
                                            std::string_view current_temperature,
                                            std::string_view llm_answer);

/// The stored handoff history: [{"at_ms", "from", "to"}] (malformed → empty).
[[nodiscard]] std::vector<handoff_record> parse_handoffs(std::string_view json);
/// `history` plus one handoff, in the stored form.
[[nodiscard]] std::string append_handoff(std::string_view json, const handoff_record& record);

/// The parsed facts of a stored facts JSON (empty facts when malformed).
[[nodiscard]] lead_facts stored_facts(std::string_view json);

}  // namespace openhouse::agents
