#include "runtime/replay_figures.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace openhouse::runtime {

namespace {

bool is_hit(cache::outcome o) {
  return o == cache::outcome::l1 || o == cache::outcome::l2 || o == cache::outcome::l3;
}

void count_outcome(cache_figures& out, cache::outcome o) {
  switch (o) {
    case cache::outcome::l1:
      ++out.l1;
      break;
    case cache::outcome::l2:
      ++out.l2;
      break;
    case cache::outcome::l3:
      ++out.l3;
      break;
    case cache::outcome::miss:
      ++out.misses;
      break;
    case cache::outcome::bypass:
      ++out.bypasses;
      break;
    case cache::outcome::coalesced:
      ++out.coalesced;
      break;
  }
}

/// Only a unit that reads the lead's state can be stale for the lead; a
/// shared (market or global) unit reads only PII-free text.
bool served_stale(const cache::cache_audit_record& r,
                  const std::unordered_map<std::string, std::uint64_t>& known_at_turn) {
  if (!is_hit(r.outcome) || !cache::has_contact(r.unit_scope)) {
    return false;
  }
  // The contact's generation at that moment: what the replay knew before the
  // turn (its own bumps, earlier turns) or what the turn itself read,
  // whichever is newer.
  std::uint64_t current = r.request_generation.contact;
  if (auto i = known_at_turn.find(r.sid); i != known_at_turn.end()) {
    current = std::max(current, i->second);
  }
  const bool other_life = r.entry_generation.epoch != 0 && r.request_generation.epoch != 0 &&
                          r.entry_generation.epoch != r.request_generation.epoch;
  return r.entry_generation.contact < current || other_life;
}

}  // namespace

cache_figures tally_cache(const std::vector<cache::cache_audit_record>& records,
                          const std::unordered_map<std::string, std::uint64_t>& known_at_turn) {
  cache_figures out;
  for (const auto& r : records) {
    if (r.verification) {
      // The background check of a sampled L3 hit: not a request, but real
      // spending (the baseline would not have made it).
      ++out.verifications;
      out.cost += r.cost_usd;
      continue;
    }
    ++out.requests;
    count_outcome(out, r.outcome);
    out.cost += r.cost_usd;
    out.baseline += r.baseline_cost_usd;
    auto& tally = out.by_task[r.task];
    ++tally.requests;
    tally.hits += is_hit(r.outcome) ? 1 : 0;
    tally.cost += r.cost_usd;
    tally.baseline += r.baseline_cost_usd;
    out.stale += served_stale(r, known_at_turn) ? 1 : 0;
  }
  return out;
}

nlohmann::json audit_line(const cache::cache_audit_record& r) {
  nlohmann::json line{{"sid", r.sid},
                      {"contact", r.contact},
                      {"task", r.task},
                      {"outcome", std::string{cache::to_string(r.outcome)}}};
  line["scope"] = std::string{cache::to_string(r.unit_scope)};
  if (is_hit(r.outcome)) {
    line["source_sid"] = r.source_sid;
  }
  line["cost_usd"] = round_to(r.cost_usd, 8);
  line["baseline_cost_usd"] = round_to(r.baseline_cost_usd, 8);
  if (r.outcome == cache::outcome::l3) {
    line["similarity"] = round_to(r.similarity, 4);
  }
  return line;
}

nlohmann::json by_task_json(const std::map<std::string, task_tally>& by_task) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [task, t] : by_task) {
    out[task] = {{"requests", t.requests},
                 {"hits", t.hits},
                 {"cost_usd", round_to(t.cost, 6)},
                 {"baseline_cost_usd", round_to(t.baseline, 6)}};
  }
  return out;
}

double sum_family(const std::string& text, std::string_view family, std::string_view label) {
  double total = 0;
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || !line.starts_with(family)) {
      continue;
    }
    const char next = line.size() > family.size() ? line[family.size()] : '\0';
    if (next != '{' && next != ' ') {
      continue;  // another family sharing the prefix
    }
    if (!label.empty() && line.find(label) == std::string::npos) {
      continue;
    }
    const auto space = line.rfind(' ');
    if (space != std::string::npos) {
      total += std::stod(line.substr(space + 1));
    }
  }
  return total;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  // Nearest rank.
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

double round_to(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

}  // namespace openhouse::runtime
