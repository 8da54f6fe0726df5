#pragma once

#include "agents/facts.hpp"
#include "config/market.hpp"
#include "core/lead_state.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// FRS (financial readiness) and PCS (psychological commitment), 0-100 each,
/// computed by deterministic code from lead_facts alone, and the temperature
/// and CRM tags that follow. Tags are never an input: a tag the runtime wrote
/// cannot raise or lower the score that wrote it.
///
/// Each component maps the facts to 0..1 (unknown facts count 0); a score is
/// 100 * sum(weight * value) / sum(weight) over the market's weights. Whether
/// the lead is a buyer or a seller is read from the facts (lead_side_of);
/// buyers, and leads who do both or whose side is unknown, are scored as
/// buyers because financing constrains them.
///
/// FRS components (scoring.frs_weights):
///   pre_approval  buyer: pre-approved 1, said not yet 0.25, unknown 0;
///                 seller: 0.5 (no loan needed, equity unknown)
///   budget        buyer: budget known 1; seller: price expectation known 1
///   down_payment  buyer: min(1, 0.4 + 0.6 * pct / 20) (20% = full; 0% as with
///                 VA loans still 0.4); seller: condition updated/good 1,
///                 fair 0.7, needs work 0.4
///   timeline      a horizon is stated: <= 12 months 1, later or browsing 0.5
/// PCS components (scoring.pcs_weights):
///   motivation        strength high 1, medium 0.6, low 0.25; without a stated
///                     strength it follows from the reason (motivation_for)
///   timeline_urgency  <= 1 month 1, <= 3 0.75, <= 6 0.5, <= 12 0.25, later 0.05
///   engagement        0.5 * min(1, messages / 6) + 0.3 * min(1, fact turns / 3)
///                     + 0.2 * reply speed (<= 5 min 1, <= 1 h 0.6, <= 24 h 0.3)
///   condition_clarity how precisely they describe the home: seller: condition
///                     known 1; buyer: min(1, known of {bedrooms, bathrooms,
///                     areas, must-haves, property type} / 3)
/// A weight whose component is not one of these counts 0 (see
/// unknown_components, for config checks).
namespace openhouse::agents {

/// Which side of a deal the facts describe.
enum class lead_side { unknown, buyer, seller, both };

/// buyer: budget, pre-approval or down payment known; seller: price
/// expectation or condition known; both: both kinds; else unknown.
[[nodiscard]] lead_side lead_side_of(const lead_facts& facts);

/// Strength implied by a motivation reason: high for relocation, job
/// transfer, divorce, inheritance, foreclosure, financial hardship, new baby,
/// lease ending; medium for growing family, downsizing, retirement, first
/// home, upsizing, other stated reasons; low for investment, curiosity,
/// "just looking".
[[nodiscard]] motivation_level motivation_for(std::string_view reason);

/// One weighted component of a score.
struct score_component {
  std::string name;
  double weight = 0;
  double value = 0;  ///< 0..1
};

struct lead_score {
  double frs = 0;        ///< 0..100
  double pcs = 0;        ///< 0..100
  double composite = 0;  ///< frs * frs_share + pcs * (1 - frs_share)
  temperature temp = temperature::cold;
  std::vector<score_component> frs_components;
  std::vector<score_component> pcs_components;
};

/// Scores the facts with the market's weights and thresholds.
[[nodiscard]] lead_score score_lead(const lead_facts& facts,
                                    const config::scoring_settings& settings);

/// hot when composite >= hot_threshold, warm when >= warm_threshold, else cold.
[[nodiscard]] temperature temperature_for(double composite,
                                          const config::scoring_settings& settings) noexcept;

/// One line for logs and for the persisted reason of a temperature change:
/// "composite 62.5 (FRS 70.0: pre_approval 1.00 ...; PCS 55.0: ...)".
[[nodiscard]] std::string describe(const lead_score& score);

/// Weight names in `settings` that no component function implements.
[[nodiscard]] std::vector<std::string> unknown_components(const config::scoring_settings& settings);

/// The CRM tag of a temperature: "Hot-Lead", "Warm-Lead", "Cold-Lead".
[[nodiscard]] std::string_view crm_tag(temperature t) noexcept;

/// The temperature a CRM tag names, case-insensitively (CRMs such as
/// GoHighLevel lower-case tags); nullopt for any other tag.
[[nodiscard]] std::optional<temperature> temperature_of_tag(std::string_view tag);

struct tag_change {
  std::vector<std::string> add;     ///< tags to add
  std::vector<std::string> remove;  ///< tags to remove, spelled as in the CRM
};

/// Brings `current_tags` in line with `t`: adds its tag unless present (in
/// any case) and removes every other temperature tag; other tags are left
/// alone. Empty add and remove: nothing to write.
[[nodiscard]] tag_change tag_changes(const std::vector<std::string>& current_tags, temperature t);

}  // namespace openhouse::agents
