#include "agents/scoring.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

namespace openhouse::agents {

namespace {

using core::to_lower_ascii;

bool buyer_side(const lead_facts& f) {
  const auto side = lead_side_of(f);
  return side != lead_side::seller;
}

double condition_value(property_condition c) {
  switch (c) {
    case property_condition::updated:
    case property_condition::good:
      return 1.0;
    case property_condition::fair:
      return 0.7;
    case property_condition::needs_work:
      return 0.4;
  }
  return 0;
}

double level_value(motivation_level level) {
  switch (level) {
    case motivation_level::high:
      return 1.0;
    case motivation_level::medium:
      return 0.6;
    case motivation_level::low:
      return 0.25;
  }
  return 0;
}

// --- components: each maps facts to 0..1 (documented in the header) ---------

double pre_approval(const lead_facts& f) {
  if (!buyer_side(f)) return 0.5;
  if (!f.pre_approved) return 0;
  return *f.pre_approved ? 1.0 : 0.25;
}

double budget(const lead_facts& f) {
  return (buyer_side(f) ? f.budget_usd.has_value() : f.price_expectation_usd.has_value()) ? 1.0
                                                                                          : 0.0;
}

double down_payment(const lead_facts& f) {
  if (!buyer_side(f)) return f.condition ? condition_value(*f.condition) : 0;
  if (!f.down_payment_pct) return 0;
  return std::min(1.0, 0.4 + 0.6 * *f.down_payment_pct / 20);
}

double timeline(const lead_facts& f) {
  if (!f.timeline_months) return 0;
  return *f.timeline_months <= 12 ? 1.0 : 0.5;
}

double motivation(const lead_facts& f) {
  if (f.motivation_strength) return level_value(*f.motivation_strength);
  if (f.motivation) return level_value(motivation_for(*f.motivation));
  return 0;
}

double timeline_urgency(const lead_facts& f) {
  if (!f.timeline_months) return 0;
  const double m = *f.timeline_months;
  if (m <= 1) return 1.0;
  if (m <= 3) return 0.75;
  if (m <= 6) return 0.5;
  if (m <= 12) return 0.25;
  return 0.05;
}

double engagement(const lead_facts& f) {
  const auto& e = f.engagement;
  double speed = 0;
  if (e.median_reply_delay) {
    const auto d = *e.median_reply_delay;
    speed = d <= std::chrono::minutes(5)  ? 1.0
            : d <= std::chrono::hours(1)  ? 0.6
            : d <= std::chrono::hours(24) ? 0.3
                                          : 0;
  }
  return 0.5 * std::min(1.0, std::max(0, e.inbound_messages) / 6.0) +
         0.3 * std::min(1.0, std::max(0, e.fact_turns) / 3.0) + 0.2 * speed;
}

double condition_clarity(const lead_facts& f) {
  if (!buyer_side(f)) return f.condition ? 1.0 : 0.0;
  const int known = (f.bedrooms ? 1 : 0) + (f.bathrooms ? 1 : 0) + (f.areas.empty() ? 0 : 1) +
                    (f.must_haves.empty() ? 0 : 1) + (f.property_type ? 1 : 0);
  return std::min(1.0, known / 3.0);
}

using component_fn = double (*)(const lead_facts&);

struct named_component {
  std::string_view name;
  component_fn fn;
};

constexpr std::array<named_component, 4> frs_table{{{"pre_approval", pre_approval},
                                                    {"budget", budget},
                                                    {"down_payment", down_payment},
                                                    {"timeline", timeline}}};
constexpr std::array<named_component, 4> pcs_table{{{"motivation", motivation},
                                                    {"timeline_urgency", timeline_urgency},
                                                    {"engagement", engagement},
                                                    {"condition_clarity", condition_clarity}}};

template <std::size_t N>
double weighted(const lead_facts& f, const std::map<std::string, double>& weights,
                const std::array<named_component, N>& table, std::vector<score_component>& out) {
  double sum = 0;
  double total = 0;
  for (const auto& [name, weight] : weights) {
    const auto it =
        std::find_if(table.begin(), table.end(), [&](const auto& c) { return c.name == name; });
    const double value = it == table.end() ? 0.0 : std::clamp(it->fn(f), 0.0, 1.0);
    out.push_back({name, weight, value});
    sum += weight * value;
    total += weight;
  }
  // Scores are rounded to 0.1 so that float noise never flips a threshold
  // between two computations of the same facts.
  return total > 0 ? std::round(1000 * sum / total) / 10 : 0;
}

template <std::size_t N>
bool implemented(const std::array<named_component, N>& table, std::string_view name) {
  return std::any_of(table.begin(), table.end(), [&](const auto& c) { return c.name == name; });
}

std::string components_text(const std::vector<score_component>& components) {
  std::string out;
  for (const auto& c : components) out += fmt::format(" {} {:.2f}", c.name, c.value);
  return out;
}

}  // namespace

lead_side lead_side_of(const lead_facts& f) {
  const bool buyer = f.budget_usd || f.pre_approved || f.down_payment_pct;
  const bool seller = f.price_expectation_usd || f.condition;
  if (buyer && seller) return lead_side::both;
  if (buyer) return lead_side::buyer;
  if (seller) return lead_side::seller;
  return lead_side::unknown;
}

motivation_level motivation_for(std::string_view reason) {
  const auto r = to_lower_ascii(reason);
  const auto any = [&](std::initializer_list<std::string_view> words) {
    return std::any_of(words.begin(), words.end(),
                       [&](auto w) { return r.find(w) != std::string::npos; });
  };
  if (any({"invest", "curious", "browsing", "just_looking", "rental"}))
    return motivation_level::low;
  if (any({"relocat", "job", "transfer", "divorce", "inherit", "foreclos", "hardship", "baby",
           "lease", "estate", "behind"})) {
    return motivation_level::high;
  }
  return motivation_level::medium;
}

lead_score score_lead(const lead_facts& facts, const config::scoring_settings& settings) {
  lead_score s;
  s.frs = weighted(facts, settings.frs_weights, frs_table, s.frs_components);
  s.pcs = weighted(facts, settings.pcs_weights, pcs_table, s.pcs_components);
  const double share = std::clamp(settings.frs_share, 0.0, 1.0);
  s.composite = std::round(10 * (s.frs * share + s.pcs * (1 - share))) / 10;
  s.temp = temperature_for(s.composite, settings);
  return s;
}

temperature temperature_for(double composite, const config::scoring_settings& settings) noexcept {
  if (composite >= settings.hot_threshold) return temperature::hot;
  if (composite >= settings.warm_threshold) return temperature::warm;
  return temperature::cold;
}

std::string describe(const lead_score& score) {
  return fmt::format("{} composite {:.1f} (FRS {:.1f}:{}; PCS {:.1f}:{})", to_string(score.temp),
                     score.composite, score.frs, components_text(score.frs_components), score.pcs,
                     components_text(score.pcs_components));
}

std::vector<std::string> unknown_components(const config::scoring_settings& settings) {
  std::vector<std::string> out;
  for (const auto& [name, weight] : settings.frs_weights) {
    if (!implemented(frs_table, name)) out.push_back("frs_weights." + name);
  }
  for (const auto& [name, weight] : settings.pcs_weights) {
    if (!implemented(pcs_table, name)) out.push_back("pcs_weights." + name);
  }
  return out;
}

std::string_view crm_tag(temperature t) noexcept {
  switch (t) {
    case temperature::hot:
      return "Hot-Lead";
    case temperature::warm:
      return "Warm-Lead";
    case temperature::cold:
      break;
  }
  return "Cold-Lead";
}

std::optional<temperature> temperature_of_tag(std::string_view tag) {
  const auto t = to_lower_ascii(tag);
  for (const auto temp : {temperature::hot, temperature::warm, temperature::cold}) {
    if (t == to_lower_ascii(crm_tag(temp))) return temp;
  }
  return std::nullopt;
}

tag_change tag_changes(const std::vector<std::string>& current_tags, temperature t) {
  tag_change change;
  bool present = false;
  for (const auto& tag : current_tags) {
    const auto of = temperature_of_tag(tag);
    if (!of) continue;
    if (*of == t) {
      present = true;
    } else {
      change.remove.push_back(tag);
    }
  }
  if (!present) change.add.emplace_back(crm_tag(t));
  return change;
}

}  // namespace openhouse::agents
