#pragma once

#include "core/expected.hpp"
#include "core/lead_state.hpp"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

/// What the runtime knows about a lead: facts extracted by the LLM from the
/// conversation (validated here), custom fields a person set in the CRM, and
/// engagement counted by the runtime. Scoring reads only this struct, never
/// CRM tags, so tags the runtime writes cannot feed back into the score.
namespace openhouse::agents {

/// A timeline said as "browsing", "just looking" or "no rush".
inline constexpr double no_rush_timeline_months = 24;

/// The canonical field names, in declaration order: budget_usd, pre_approved,
/// down_payment_pct, timeline_months, motivation, motivation_strength,
/// property_condition, price_expectation_usd, bedrooms, bathrooms,
/// property_type, areas, must_haves.
[[nodiscard]] const std::vector<std::string_view>& fact_field_names();

/// The canonical field a key sets, in any spelling the parsers accept (LLM
/// aliases, CRM keys such as "contact.budget"; every down payment spelling is
/// down_payment_pct); "" for keys the schema ignores.
[[nodiscard]] std::string canonical_fact_name(std::string_view key);

/// Why an LLM answer was not accepted as facts.
struct facts_error {
  std::string message;
};

/// The first JSON object or array in an LLM answer: the whole text, else the
/// first ```-fenced block that parses, else the first balanced {...} or
/// [...] span that parses (prose around it is ignored). Shared by the intent
/// parser.
[[nodiscard]] std::optional<nlohmann::json> extract_json(std::string_view llm_text);

/// Parses the facts task's answer. Accepts the simulator's format
/// ({"budget": 450000, "pre_approved": true, "timeline": "3 months",
/// "motivation": "relocation", "property_condition": "needs_work",
/// "bedrooms": 3, "property_type": "condo", "zip": "92501"}), the canonical
/// names above, common aliases, an object wrapped as {"facts": {...}}, and
/// JSON inside ``` fences or prose. Unknown keys are ignored; null, "" and
/// "unknown" mean unknown. Money may be a number or "$450k" / "1.2 million";
/// a range (array or {"min","max"}) gives its ceiling. Free-text vocabulary
/// (timeline, condition, strength) that is not recognised leaves the field
/// unknown. Anything else that breaks the schema -- no JSON object, a wrong
/// type, a value out of range -- is an error: the caller retries once and
/// then keeps the previous facts.
[[nodiscard]] expected<lead_facts, facts_error> parse_facts(std::string_view llm_text);

/// Money in USD from "$450k", "450,000", "1.2m", "$1.2 million", "500 thousand".
[[nodiscard]] std::optional<double> parse_usd(std::string_view text);

/// Months until the move from "asap" (0), "2 weeks", "3 months", "3-6 months"
/// (midpoint), "1 year", "next month", "this spring" (3), "next summer" (9),
/// "browsing" / "no rush" (no_rush_timeline_months), or a bare number of months.
[[nodiscard]] std::optional<double> parse_timeline_months(std::string_view text);

/// `previous` updated with what this turn extracted: a known extracted value
/// replaces the previous one, an unknown one keeps it (old messages leave the
/// history window, their facts stay); lists are unions (case-insensitive,
/// order kept). Fields pinned by the CRM, engagement and the pins themselves
/// come from `previous`.
[[nodiscard]] lead_facts merge(const lead_facts& previous, const lead_facts& extracted);

/// Canonical names of the fact fields that differ between `before` and
/// `after` (engagement and pins excluded). Empty means the turn added nothing
/// (escalation counts such turns; a non-empty list is a scoring reason).
[[nodiscard]] std::vector<std::string> changed_fields(const lead_facts& before,
                                                      const lead_facts& after);

/// Result of applying CRM custom fields.
struct crm_update {
  lead_facts facts;
  std::vector<std::string> applied;   ///< canonical names set or cleared
  std::vector<std::string> rejected;  ///< CRM keys whose value did not validate
};

/// The key of the stored facts object that lists the fields a person pinned
/// in the CRM (canonical names): an LLM answer never overwrites those.
inline constexpr std::string_view crm_pins_key = "crm_pinned";

/// The stored form of `facts` (the storage edge, never working state): an
/// object of the canonical names of the known fields, the engagement counts
/// under "engagement" and the pins under crm_pins_key. facts_from_json
/// reads it back equal.
[[nodiscard]] std::string facts_to_json(const lead_facts& facts);

/// The facts of a stored form: facts_to_json's, or an older one that kept
/// the LLM's own keys (read like parse_facts). Empty facts when malformed.
[[nodiscard]] lead_facts facts_from_json(std::string_view json);

/// Applies custom-field updates from the CRM (a person's edits). Keys are
/// matched case-insensitively after dropping a "contact." prefix and turning
/// spaces and dashes into '_': the canonical names plus the aliases budget,
/// down_payment, timeline, price_expectation / asking_price, condition,
/// urgency. Values are strings, validated like the LLM's: yes/no/true/false,
/// "$450k", "3 months", lists comma-separated. An empty value clears the
/// field and releases its pin; a set value pins it. Unknown keys are ignored
/// (CRMs carry many unrelated fields); invalid values are rejected and change
/// nothing.
[[nodiscard]] crm_update apply_crm_fields(const lead_facts& facts,
                                          const std::map<std::string, std::string>& fields);

}  // namespace openhouse::agents
