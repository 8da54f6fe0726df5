#pragma once

#include "agents/facts.hpp"
#include "agents/handoff_policy.hpp"
#include "agents/scoring.hpp"
#include "config/market.hpp"

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Everything the runtime keeps about a lead, typed, and how one turn's LLM
/// answers change it: plain functions, so the conversation actor only
/// sequences and persists. JSON and text columns exist only at the storage
/// edge (integrations/postgres/lead_state_row).
namespace openhouse::agents {

/// One lead's state as stored between turns (PostgreSQL conversation_state,
/// one column or two per member). A turn works on a copy and hands the whole
/// new state to the store; nothing is copied field by field.
///
/// Adding a member: give it a column in integrations/postgres/lead_state_row
/// (its bind and read name every member, so they stop compiling until it
/// has one), add it to inspect() below and to the tests' every-field sample;
/// lead_state_field_count says how many there are.
struct lead_state {
  std::string contact;  ///< E.164
  bot_kind active_bot = bot_kind::lead;
  std::int32_t turns = 0;
  bool needs_human = false;  ///< the bots could not answer properly: a person should look
  bool opted_out = false;    ///< STOP family received: never text again until START
  agents::temperature temperature = agents::temperature::cold;
  lead_facts facts;  ///< what the lead said (and a person set in the CRM)
  double frs = 0;
  double pcs = 0;
  std::vector<handoff_record> handoffs;  ///< oldest first, at most max_handoffs_kept
  std::int32_t confusion_turns = 0;      ///< consecutive confused texts (agents::confusion_of)
  bool muted = false;                    ///< escalated to a human: bots stay silent until released
  /// When a muted lead last got the holding reply (ms, injected clock); 0:
  /// none since the mute.
  std::int64_t held_at_ms = 0;
  std::vector<std::string> crm_tags;  ///< the contact's tags as the CRM last sent them
  /// A temperature a person set with a CRM tag: it holds until the computed
  /// temperature really changes (away from override_basis).
  std::optional<agents::temperature> temperature_override;
  /// The computed temperature when the override was set.
  std::optional<agents::temperature> override_basis;
  /// Counts CRM changes applied to the lead (any node): a conversation whose
  /// copy is older reloads before its next turn.
  std::int64_t crm_version = 0;
  /// Counts every write of the lead's state (turns on any node, CRM changes,
  /// a person's release, follow-ups). A turn's write names the version it
  /// started from and is refused when the stored one moved (0: no row yet;
  /// -1: not loaded from the store, written unconditionally — tools and
  /// tests that build a state by hand).
  std::int64_t state_version = -1;

  bool operator==(const lead_state&) const = default;
};

/// How many members lead_state has: the mapper and the tests check their
/// lists against it.
inline constexpr std::size_t lead_state_field_count = 18;

/// Handoffs kept in the state: a day's limit is all the policy reads; older
/// entries are only history.
inline constexpr std::size_t max_handoffs_kept = 50;

/// `state.handoffs` plus one, the oldest dropped past max_handoffs_kept.
void append_handoff(lead_state& state, const handoff_record& record);

/// The stored name of an optional temperature: "" for none.
[[nodiscard]] std::string_view to_string(const std::optional<temperature>& t) noexcept;

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

// CAF glue: the state travels in the runtime's messages. CAF 0.17 knows no
// std::optional, so the facts travel in their stored form and an optional
// temperature as its name.

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lead_facts& x) {
  std::string stored;
  if constexpr (Inspector::reads_state) stored = facts_to_json(x);
  return f(caf::meta::type_name("lead_facts"), stored,
           caf::meta::load_callback([&]() -> caf::error {
             x = facts_from_json(stored);
             return caf::none;
           }));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, handoff_record& x) {
  return f(caf::meta::type_name("handoff_record"), x.at, x.from, x.to);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lead_state& x) {
  std::string override_name;
  std::string basis_name;
  if constexpr (Inspector::reads_state) {
    override_name = to_string(x.temperature_override);
    basis_name = to_string(x.override_basis);
  }
  return f(caf::meta::type_name("lead_state"), x.contact, x.active_bot, x.turns, x.needs_human,
           x.opted_out, x.temperature, x.facts, x.frs, x.pcs, x.handoffs, x.confusion_turns,
           x.muted, x.held_at_ms, x.crm_tags, override_name, basis_name, x.crm_version,
           x.state_version, caf::meta::load_callback([&]() -> caf::error {
             x.temperature_override = parse_temperature(override_name);
             x.override_basis = parse_temperature(basis_name);
             return caf::none;
           }));
}

}  // namespace openhouse::agents
