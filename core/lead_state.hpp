#pragma once

#include "core/member_count.hpp"

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

/// The lead's state as every layer sees it: the conversation changes it, the
/// store keeps it, the bots and the CRM read it. Only the types and their
/// names live here; how a turn or a CRM change alters them is in agents/
/// (facts, scoring, handoff_policy, lead_state, lead_update), and the one
/// mapping to SQL in integrations/postgres/lead_state_row. The namespace is
/// the domain's (`agents`), as for the other shared types moved to core/.
namespace openhouse::agents {

enum class bot_kind { lead, buyer, seller };

/// "lead" | "buyer" | "seller".
[[nodiscard]] std::string_view to_string(bot_kind bot) noexcept;
/// Case-insensitive inverse of to_string.
[[nodiscard]] std::optional<bot_kind> parse_bot_kind(std::string_view text);

/// One handoff that happened (the contact's persisted history).
struct handoff_record {
  std::chrono::system_clock::time_point at;
  bot_kind from = bot_kind::lead;
  bot_kind to = bot_kind::lead;

  bool operator==(const handoff_record&) const = default;
};

enum class temperature { cold, warm, hot };

/// "cold" | "warm" | "hot".
[[nodiscard]] std::string_view to_string(temperature t) noexcept;
/// Case-insensitive "cold" / "warm" / "hot".
[[nodiscard]] std::optional<temperature> parse_temperature(std::string_view text);

/// How strongly the lead needs to move.
enum class motivation_level { low, medium, high };

/// The seller's property, from worst to best.
enum class property_condition { needs_work, fair, good, updated };

/// "low" | "medium" | "high".
[[nodiscard]] std::string_view to_string(motivation_level level) noexcept;
/// "needs_work" | "fair" | "good" | "updated".
[[nodiscard]] std::string_view to_string(property_condition condition) noexcept;

/// Engagement as the runtime counts it (never extracted by the LLM).
struct engagement_stats {
  int inbound_messages = 0;  ///< messages the lead has sent, all bots together
  int fact_turns = 0;        ///< turns that revealed at least one new fact
  /// Median time the lead takes to answer a bot message, when measured.
  std::optional<std::chrono::seconds> median_reply_delay;

  bool operator==(const engagement_stats&) const = default;
};

/// Everything known about one lead. Unknown is std::nullopt / empty, which is
/// different from a known "no" (pre_approved == false).
struct lead_facts {
  std::optional<double> budget_usd;        ///< buyer's ceiling, 10k..100M
  std::optional<bool> pre_approved;        ///< buyer has a lender's pre-approval
  std::optional<double> down_payment_pct;  ///< percent of the price, 0..100
  std::optional<double> timeline_months;   ///< months until they want to move, 0..120
  std::optional<std::string>
      motivation;  ///< why they move: "relocation", "divorce", ... (snake_case)
  std::optional<motivation_level>
      motivation_strength;  ///< when said or rated; else derived from `motivation`
  std::optional<property_condition> condition;  ///< seller's property
  std::optional<double> price_expectation_usd;  ///< seller's price in mind, 10k..100M
  std::optional<int> bedrooms;                  ///< wanted (buyer) or owned (seller), 0..20
  std::optional<double> bathrooms;              ///< 0..20, halves allowed
  std::optional<std::string> property_type;     ///< "condo", "single_family", ... (snake_case)
  std::vector<std::string> areas;               ///< cities, neighbourhoods, zip codes
  std::vector<std::string> must_haves;          ///< "pool", "garage", ...
  engagement_stats engagement;
  /// Fields (canonical names, see fact_field_names) a person last set in the
  /// CRM. LLM extraction does not overwrite them, so a corrected value is not
  /// reverted by the next turn re-reading old messages; the CRM releases a
  /// field by clearing it.
  std::set<std::string> crm_pinned;

  bool operator==(const lead_facts&) const = default;
};

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
static_assert(
    core::member_count<lead_state> == lead_state_field_count,
    "a member was added to lead_state: list it in inspect() below, give it a column in "
    "integrations/postgres/lead_state_row and set it in tests/support/lead_state_sample.hpp, "
    "then update lead_state_field_count");

/// How many members lead_facts has: its inspect() below and the stored form
/// (agents::facts_to_json) list each.
inline constexpr std::size_t lead_facts_field_count = 15;
static_assert(
    core::member_count<lead_facts> == lead_facts_field_count,
    "a member was added to lead_facts: list it in inspect() below and in agents/facts.cpp's "
    "zip_fields (its stored form), set it in the tests' samples, then update "
    "lead_facts_field_count");

/// Handoffs kept in the state: a day's limit is all the policy reads; older
/// entries are only history.
inline constexpr std::size_t max_handoffs_kept = 50;

/// The stored name of an optional temperature: "" for none.
[[nodiscard]] std::string_view to_string(const std::optional<temperature>& t) noexcept;

// CAF glue: the state travels in the runtime's messages. CAF 0.17 knows no
// std::optional, so each optional member travels as a presence flag and a
// value (optional_slot), and an optional temperature as its name.

/// A reference to an optional member, inspectable by CAF 0.17.
template <class T>
struct optional_slot {
  std::optional<T>& value;
};

template <class Inspector, class T>
typename Inspector::result_type inspect(Inspector& f, optional_slot<T>& x) {
  bool present = x.value.has_value();
  T value = present ? *x.value : T{};
  return f(caf::meta::type_name("optional"), present, value,
           caf::meta::load_callback([&]() -> caf::error {
             if (present) {
               x.value = std::move(value);
             } else {
               x.value.reset();
             }
             return caf::none;
           }));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, engagement_stats& x) {
  optional_slot<std::chrono::seconds> delay{x.median_reply_delay};
  return f(caf::meta::type_name("engagement_stats"), x.inbound_messages, x.fact_turns, delay);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lead_facts& x) {
  optional_slot<double> budget{x.budget_usd};
  optional_slot<bool> pre_approved{x.pre_approved};
  optional_slot<double> down_payment{x.down_payment_pct};
  optional_slot<double> timeline{x.timeline_months};
  optional_slot<std::string> motivation{x.motivation};
  optional_slot<motivation_level> strength{x.motivation_strength};
  optional_slot<property_condition> condition{x.condition};
  optional_slot<double> price{x.price_expectation_usd};
  optional_slot<int> bedrooms{x.bedrooms};
  optional_slot<double> bathrooms{x.bathrooms};
  optional_slot<std::string> property_type{x.property_type};
  return f(caf::meta::type_name("lead_facts"), budget, pre_approved, down_payment, timeline,
           motivation, strength, condition, price, bedrooms, bathrooms, property_type, x.areas,
           x.must_haves, x.engagement, x.crm_pinned);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, handoff_record& x) {
  return f(caf::meta::type_name("handoff_record"), x.at, x.from, x.to);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lead_state& x) {
  optional_slot<temperature> override_temperature{x.temperature_override};
  optional_slot<temperature> basis{x.override_basis};
  return f(caf::meta::type_name("lead_state"), x.contact, x.active_bot, x.turns, x.needs_human,
           x.opted_out, x.temperature, x.facts, x.frs, x.pcs, x.handoffs, x.confusion_turns,
           x.muted, x.held_at_ms, x.crm_tags, override_temperature, basis, x.crm_version,
           x.state_version);
}

}  // namespace openhouse::agents
