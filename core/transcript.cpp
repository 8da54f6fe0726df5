#include "core/transcript.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace openhouse::agents {

namespace {

/// Dollars with up to six decimals and no trailing zeros: "$0", "$0.00042".
std::string dollars(double usd) {
  auto text = fmt::format("{:.6f}", usd);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return "$" + (text == "-0" ? std::string{"0"} : text);
}

std::string unit_line(const unit_provenance& u) {
  auto line = u.task + " " + (u.outcome.empty() ? std::string{"?"} : u.outcome);
  if (!u.source_sid.empty() || u.outcome == "l3") {
    line += " [" + (u.source_sid.empty() ? std::string{"?"} : u.source_sid);
    if (u.outcome == "l3") line += fmt::format(", {:.3f}", u.similarity);
    line += "]";
  }
  if (!u.model.empty()) line += " " + u.model;
  if (u.outcome != "error") line += " " + dollars(u.cost_usd);
  return line;
}

std::string verdicts(const turn_provenance& p) {
  std::vector<std::string> parts;
  parts.push_back("compliance " + (p.compliance.empty() ? std::string{"ok"} : p.compliance));
  auto opt_out = "opt-out " + p.opt_out;
  if (!p.opt_out_rule.empty()) opt_out += " (" + p.opt_out_rule + ")";
  parts.push_back(std::move(opt_out));
  if (!p.escalation.empty()) {
    auto e = "escalation " + p.escalation;
    if (!p.escalation_detail.empty() && p.escalation_detail != p.escalation) {
      e += " (" + p.escalation_detail + ")";
    }
    parts.push_back(std::move(e));
  }
  if (!p.handoff_reason.empty()) {
    auto h = p.handoff_to.empty() ? std::string{"handoff none"}
                                  : "handoff " + p.handoff_from + " -> " + p.handoff_to;
    h += " (" + p.handoff_reason;
    if (!p.handoff_detail.empty()) h += ": " + p.handoff_detail;
    parts.push_back(h + ")");
  }
  if (!p.fallback.empty()) parts.push_back("fallback " + p.fallback);
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += "; ";
    out += part;
  }
  return out;
}

}  // namespace

std::string utc_timestamp(std::int64_t ms) {
  const auto seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string format_provenance(const turn_provenance& p, std::string_view indent) {
  std::string out;
  auto line = [&](const std::string& text) {
    out.append(indent);
    out += text;
    out += '\n';
  };
  auto head = "bot " + (p.bot.empty() ? std::string{"?"} : p.bot);
  if (!p.answered_by.empty()) head += ", reply by " + p.answered_by;
  if (!p.intent.empty()) head += fmt::format("; intent {} {:.2f}", p.intent, p.intent_confidence);
  line(head);
  for (const auto& u : p.units) line("  " + unit_line(u));
  if (p.faq == "topic") {
    line("faq by topic " + p.faq_topic + (p.faq_city.empty() ? "" : ", " + p.faq_city));
  } else if (!p.faq.empty()) {
    line("faq by " + p.faq);
  }
  line(verdicts(p));
  auto after = fmt::format("after: FRS {:.1f}, PCS {:.1f}, {}", p.frs, p.pcs,
                           p.temperature.empty() ? std::string{"?"} : p.temperature);
  if (!p.temperature_from.empty()) after += " (was " + p.temperature_from + ")";
  line(after);
  return out;
}

std::string format_transcript(const lead_transcript& t) {
  auto out = fmt::format("{}: bot {}, {}, FRS {:.1f}, PCS {:.1f}{}{}\nfacts: {}\n", t.contact,
                         t.bot, t.temperature, t.frs, t.pcs, t.opted_out ? ", opted out" : "",
                         t.muted ? ", muted (a person has the lead)" : "", t.facts_json);
  for (const auto& turn : t.turns) {
    out += '\n';
    if (turn.has_inbound) {
      out += fmt::format("{} {}\n  lead says: {}\n", utc_timestamp(turn.at_ms), turn.sid,
                         turn.inbound);
    } else {
      out += fmt::format("{} follow-up {}\n", utc_timestamp(turn.at_ms), turn.follow_up);
    }
    if (!turn.has_reply) {
      out += "  (no reply stored)\n";
      continue;
    }
    // "buyer bot", "follow_up bot": the stored bot column says who wrote it.
    const auto who = (turn.bot.empty() ? std::string{"?"} : turn.bot) + " bot";
    out += turn.reply.empty() ? fmt::format("  {}: (nothing sent)\n", who)
                              : fmt::format("  {}: {}\n", who, turn.reply);
    if (auto p = parse_provenance(turn.provenance_json)) {
      out += format_provenance(*p, "      ");
    } else if (turn.has_inbound) {
      out += "      (no provenance recorded)\n";
    }
  }
  return out;
}

nlohmann::json transcript_json(const lead_transcript& t) {
  auto facts = nlohmann::json::parse(t.facts_json, nullptr, /*allow_exceptions=*/false);
  if (facts.is_discarded()) facts = nlohmann::json::object();
  nlohmann::json turns = nlohmann::json::array();
  for (const auto& turn : t.turns) {
    nlohmann::json j{{"sid", nullptr},     {"at", utc_timestamp(turn.at_ms)},
                     {"inbound", nullptr}, {"reply", nullptr},
                     {"bot", nullptr},     {"provenance", nullptr}};
    if (turn.has_inbound) {
      j["sid"] = turn.sid;
      j["inbound"] = turn.inbound;
    } else {
      j["follow_up"] = turn.follow_up;
    }
    if (turn.has_reply) {
      j["reply"] = turn.reply;
      if (!turn.bot.empty()) j["bot"] = turn.bot;
    }
    if (auto p = parse_provenance(turn.provenance_json)) j["provenance"] = *p;
    turns.push_back(std::move(j));
  }
  return {{"contact", t.contact},
          {"state",
           {{"bot", t.bot},
            {"temperature", t.temperature},
            {"frs", t.frs},
            {"pcs", t.pcs},
            {"opted_out", t.opted_out},
            {"muted", t.muted},
            {"facts", std::move(facts)}}},
          {"turns", std::move(turns)}};
}

}  // namespace openhouse::agents
