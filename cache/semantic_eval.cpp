#include "cache/semantic_eval.hpp"

#include "cache/semantic_tier.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace openhouse::cache {

namespace {

std::string required_string(const nlohmann::json& object, const char* key, std::size_t line) {
  const auto found = object.find(key);
  if (found == object.end()) {
    throw semantic_eval_error(line, std::string("missing \"") + key + "\"");
  }
  if (!found->is_string()) {
    throw semantic_eval_error(line, std::string("\"") + key + "\" must be a string");
  }
  return found->get<std::string>();
}

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

double rate(std::size_t numerator, std::size_t denominator) {
  if (denominator == 0) return 0.0;
  // Four decimals are plenty for a report and keep the JSON readable.
  return std::round(10000.0 * static_cast<double>(numerator) / static_cast<double>(denominator)) /
         10000.0;
}

struct tally {
  std::size_t pairs = 0;
  std::size_t same_true = 0;
  std::size_t same_false = 0;
  std::size_t true_hits = 0;
  std::size_t false_hits = 0;
  std::size_t wrong_entry_hits = 0;

  nlohmann::json to_json(bool full) const {
    nlohmann::json out{{"pairs", pairs},
                       {"true_hits", true_hits},
                       {"false_hits", false_hits},
                       {"hit_rate", rate(true_hits, same_true)},
                       {"false_hit_rate",
                        same_false > 0 ? rate(false_hits, same_false) : rate(false_hits, pairs)}};
    if (full) {
      out["wrong_entry_hits"] = wrong_entry_hits;
      out["same_true_pairs"] = same_true;
      out["same_false_pairs"] = same_false;
    }
    return out;
  }
};

// What one evaluation mode produced.
struct mode_result {
  tally total;
  std::map<std::string, tally> by_kind;
  std::map<std::string, std::uint64_t> guard_blocked;
  nlohmann::json details = nlohmann::json::array();

  nlohmann::json to_json(bool with_details) const {
    auto out = total.to_json(true);
    out["guard_blocked"] = guard_blocked;
    nlohmann::json kinds = nlohmann::json::object();
    for (const auto& [kind, t] : by_kind) kinds[kind] = t.to_json(false);
    out["by_kind"] = std::move(kinds);
    if (with_details) out["details"] = details;
    return out;
  }
};

// The non-empty parts of what the guard read in a text (for --details).
nlohmann::json to_json(const entities& e) {
  nlohmann::json out = nlohmann::json::object();
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"numbers", &e.numbers},
      {"money", &e.money},
      {"addresses", &e.addresses},
      {"zips", &e.zips},
      {"dates", &e.dates},
      {"times", &e.times},
      {"places", &e.places},
      {"names", &e.names},
      {"negations", &e.negations},
      {"polarity", &e.polarity},
      {"soft_polarity", &e.soft_polarity},
      {"questions", &e.questions},
      {"topics", &e.topics},
      {"subjects", &e.subjects},
      {"content", &e.content},
      {"roles", &e.roles}};
  for (const auto& [name, list] : lists) {
    if (!list->empty()) out[name] = *list;
  }
  if (e.statement) out["statement"] = true;
  return out;
}

double rounded(double similarity) { return std::round(similarity * 10000.0) / 10000.0; }

mode_result evaluate(const std::vector<semantic_pair>& pairs,
                     const std::shared_ptr<const embedder>& embed, const lexicon& lex,
                     const std::map<std::string, double>& thresholds, bool isolated,
                     std::size_t candidates, bool with_details) {
  semantic_tier_options tier_options;
  tier_options.candidates = std::max<std::size_t>(candidates, 1);
  tier_options.max_entries_per_partition = std::max<std::size_t>(pairs.size(), 1);
  semantic_tier tier(embed, lex, thresholds, tier_options);
  // Time does not matter here: everything is stored at t0 and lives forever.
  const semantic_tier::time_point now{};
  const auto forever = semantic_tier::time_point::max();
  auto partition_of = [&](std::size_t i) {
    return isolated ? "pair#" + std::to_string(i) : "task#" + pairs[i].task;
  };
  // Store every `a` first, as the cache would have before the lookups arrive.
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    tier.insert(partition_of(i), pairs[i].task, pairs[i].a, pairs[i].a, pairs[i].id, forever, now);
  }
  mode_result result;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto& pair = pairs[i];
    const auto served = tier.lookup(partition_of(i), pair.task, pair.b, now);
    // The stored value is the entry's own text: a hit on an identical `a` of
    // another pair is as good as the pair's own.
    const bool own = served && served->value == pair.a;
    const bool true_hit = served && pair.same && own;
    const bool false_hit = served && !true_hit;
    for (auto* t : {&result.total, pair.kind.empty() ? nullptr : &result.by_kind[pair.kind]}) {
      if (t == nullptr) continue;
      ++t->pairs;
      ++(pair.same ? t->same_true : t->same_false);
      if (true_hit) ++t->true_hits;
      if (false_hit) ++t->false_hits;
      if (served && !own) ++t->wrong_entry_hits;
    }
    if (with_details) {
      nlohmann::json detail{
          {"id", pair.id},
          {"kind", pair.kind},
          {"same", pair.same},
          {"best_similarity", rounded(tier.last_best_similarity().value_or(0))},
          {"outcome", true_hit ? "true_hit" : (false_hit ? "false_hit" : "miss")}};
      if (!served && !tier.last_guard_detail().empty()) detail["guard"] = tier.last_guard_detail();
      // The guard's verdict whatever the similarity, so that a threshold can
      // be chosen offline (bench/cross_validate.py): at candidates 1 in
      // isolation a pair hits exactly when similarity >= threshold and this
      // verdict agrees.
      const auto facts_a = extract(pair.a, lex);
      const auto facts_b = extract(pair.b, lex);
      const auto verdict = compare_entities(facts_b, facts_a);
      detail["guard_agrees"] = verdict.agree;
      if (!verdict.agree) detail["guard_verdict"] = verdict.detail;
      detail["entities_a"] = to_json(facts_a);
      detail["entities_b"] = to_json(facts_b);
      if (served) detail["served"] = served->text;
      result.details.push_back(std::move(detail));
    }
  }
  result.guard_blocked = tier.stats().guard_blocked;
  return result;
}

}  // namespace

semantic_eval_error::semantic_eval_error(std::size_t line, const std::string& message)
    : std::runtime_error("line " + std::to_string(line) + ": " + message), line_(line) {}

std::vector<semantic_pair> parse_semantic_pairs(std::istream& in) {
  std::vector<semantic_pair> pairs;
  std::string text;
  std::size_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (blank(text)) continue;
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
      throw semantic_eval_error(line, std::string("not JSON: ") + error.what());
    }
    if (!object.is_object()) throw semantic_eval_error(line, "not a JSON object");
    semantic_pair pair;
    pair.id = required_string(object, "id", line);
    pair.task = required_string(object, "task", line);
    pair.a = required_string(object, "a", line);
    pair.b = required_string(object, "b", line);
    const auto same = object.find("same");
    if (same == object.end()) throw semantic_eval_error(line, "missing \"same\"");
    if (!same->is_boolean()) throw semantic_eval_error(line, "\"same\" must be true or false");
    pair.same = same->get<bool>();
    const auto kind = object.find("kind");
    if (kind != object.end() && !kind->is_null()) {
      if (!kind->is_string()) throw semantic_eval_error(line, "\"kind\" must be a string");
      pair.kind = kind->get<std::string>();
    }
    pairs.push_back(std::move(pair));
  }
  if (in.bad()) throw semantic_eval_error(line + 1, "read error");
  return pairs;
}

nlohmann::json run_semantic_eval(std::istream& pairs, const embedder& embed, const lexicon& lex,
                                 const std::map<std::string, double>& thresholds,
                                 double default_threshold) {
  return run_semantic_eval(parse_semantic_pairs(pairs), embed, lex, thresholds, default_threshold,
                           semantic_eval_options{});
}

nlohmann::json run_semantic_eval(const std::vector<semantic_pair>& pairs, const embedder& embed,
                                 const lexicon& lex,
                                 const std::map<std::string, double>& thresholds,
                                 double default_threshold, const semantic_eval_options& options) {
  // Every task of the file is eligible: listed ones at their threshold, the
  // others at the default.
  std::map<std::string, double> used;
  for (const auto& pair : pairs) {
    const auto found = thresholds.find(pair.task);
    used[pair.task] = found != thresholds.end() ? found->second : default_threshold;
  }
  // The tier shares ownership of its embedder; this one is the caller's.
  const std::shared_ptr<const embedder> borrowed(&embed, [](const embedder*) {});
  const auto primary = evaluate(pairs, borrowed, lex, used, options.isolated, options.candidates,
                                options.include_pairs);
  const auto other =
      evaluate(pairs, borrowed, lex, used, !options.isolated, options.candidates, false);
  auto out = primary.to_json(options.include_pairs);
  out["mode"] = options.isolated ? "isolated" : "shared_index";
  out["thresholds"] = used;
  out[options.isolated ? "shared_index" : "isolated"] = other.to_json(false);
  return out;
}

}  // namespace openhouse::cache
