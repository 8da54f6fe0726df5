#include "core/turn_provenance.hpp"

#include <nlohmann/json.hpp>

namespace openhouse::agents {

namespace {

/// `j[key]` when it is an object, else an empty object: a missing group
/// reads as defaults.
const nlohmann::json& group(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : empty;
}

template <class T>
T field(const nlohmann::json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return fallback;
  }
}

}  // namespace

void to_json(nlohmann::json& j, const unit_provenance& u) {
  j = {{"task", u.task},
       {"outcome", u.outcome},
       {"source_sid", u.source_sid},
       {"similarity", u.similarity},
       {"model", u.model},
       {"cost_usd", u.cost_usd}};
}

void from_json(const nlohmann::json& j, unit_provenance& u) {
  u.task = field<std::string>(j, "task", {});
  u.outcome = field<std::string>(j, "outcome", {});
  u.source_sid = field<std::string>(j, "source_sid", {});
  u.similarity = field<double>(j, "similarity", 0);
  u.model = field<std::string>(j, "model", {});
  u.cost_usd = field<double>(j, "cost_usd", 0);
}

void to_json(nlohmann::json& j, const turn_provenance& p) {
  j = {{"bot", p.bot},
       {"answered_by", p.answered_by},
       {"intent", {{"name", p.intent}, {"confidence", p.intent_confidence}}},
       {"units", p.units},
       {"faq", {{"by", p.faq}, {"topic", p.faq_topic}, {"city", p.faq_city}}},
       {"compliance", p.compliance},
       {"opt_out", {{"verdict", p.opt_out}, {"rule", p.opt_out_rule}}},
       {"escalation", {{"verdict", p.escalation}, {"detail", p.escalation_detail}}},
       {"handoff",
        {{"reason", p.handoff_reason},
         {"detail", p.handoff_detail},
         {"from", p.handoff_from},
         {"to", p.handoff_to}}},
       {"fallback", p.fallback},
       {"after",
        {{"frs", p.frs},
         {"pcs", p.pcs},
         {"temperature", p.temperature},
         {"temperature_from", p.temperature_from}}}};
}

void from_json(const nlohmann::json& j, turn_provenance& p) {
  p = {};
  p.bot = field<std::string>(j, "bot", {});
  p.answered_by = field<std::string>(j, "answered_by", {});
  const auto& intent = group(j, "intent");
  p.intent = field<std::string>(intent, "name", {});
  p.intent_confidence = field<double>(intent, "confidence", 0);
  if (auto it = j.find("units"); it != j.end() && it->is_array()) {
    for (const auto& u : *it) {
      if (u.is_object()) p.units.push_back(u.get<unit_provenance>());
    }
  }
  const auto& faq = group(j, "faq");
  p.faq = field<std::string>(faq, "by", {});
  p.faq_topic = field<std::string>(faq, "topic", {});
  p.faq_city = field<std::string>(faq, "city", {});
  p.compliance = field<std::string>(j, "compliance", {});
  const auto& opt_out = group(j, "opt_out");
  p.opt_out = field<std::string>(opt_out, "verdict", "none");
  p.opt_out_rule = field<std::string>(opt_out, "rule", {});
  const auto& escalation = group(j, "escalation");
  p.escalation = field<std::string>(escalation, "verdict", {});
  p.escalation_detail = field<std::string>(escalation, "detail", {});
  const auto& handoff = group(j, "handoff");
  p.handoff_reason = field<std::string>(handoff, "reason", {});
  p.handoff_detail = field<std::string>(handoff, "detail", {});
  p.handoff_from = field<std::string>(handoff, "from", {});
  p.handoff_to = field<std::string>(handoff, "to", {});
  p.fallback = field<std::string>(j, "fallback", {});
  const auto& after = group(j, "after");
  p.frs = field<double>(after, "frs", 0);
  p.pcs = field<double>(after, "pcs", 0);
  p.temperature = field<std::string>(after, "temperature", {});
  p.temperature_from = field<std::string>(after, "temperature_from", {});
}

std::string provenance_json(const turn_provenance& p) {
  // Details quote the lead's words: a broken byte must not lose the record.
  return nlohmann::json(p).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<turn_provenance> parse_provenance(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  return j.get<turn_provenance>();
}

}  // namespace openhouse::agents
