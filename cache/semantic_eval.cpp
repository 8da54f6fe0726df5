#include "cache/semantic_eval.hpp"

#include "cache/entity_guard.hpp"
#include "cache/vector_index.hpp"

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
  return std::round(10000.0 * static_cast<double>(numerator) /
                    static_cast<double>(denominator)) / 10000.0;
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
                       {"false_hit_rate", same_false > 0 ? rate(false_hits, same_false)
                                                         : rate(false_hits, pairs)}};
    if (full) {
      out["wrong_entry_hits"] = wrong_entry_hits;
      out["same_true_pairs"] = same_true;
      out["same_false_pairs"] = same_false;
    }
    return out;
  }
};

// One task's partition: the stored texts, their entities and their vectors.
struct partition {
  explicit partition(std::size_t dimension) : index(dimension, hnsw_params{16, 200, 64, 256, 100}) {}
  hnsw_index index;
  std::vector<std::string> texts;
  std::vector<entities> facts;
  std::unordered_map<std::string, std::uint64_t> ids;
};

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
  return run_semantic_eval(parse_semantic_pairs(pairs), embed, lex, thresholds,
                           default_threshold, semantic_eval_options{});
}

nlohmann::json run_semantic_eval(const std::vector<semantic_pair>& pairs, const embedder& embed,
                                 const lexicon& lex,
                                 const std::map<std::string, double>& thresholds,
                                 double default_threshold, const semantic_eval_options& options) {
  // Store every `a` first, as the cache would have before the lookups arrive.
  std::map<std::string, std::unique_ptr<partition>> partitions;
  for (const auto& pair : pairs) {
    auto& slot = partitions[pair.task];
    if (!slot) slot = std::make_unique<partition>(embed.dimension());
    auto& part = *slot;
    if (part.ids.count(pair.a) > 0) continue;  // one entry per distinct text
    const auto id = static_cast<std::uint64_t>(part.texts.size());
    part.ids.emplace(pair.a, id);
    part.texts.push_back(pair.a);
    part.facts.push_back(extract(pair.a, lex));
    const auto vector = embed.embed(pair.a);
    part.index.add(id, vector);
  }

  tally total;
  std::map<std::string, tally> by_kind;
  std::map<std::string, std::size_t> guard_blocked;
  nlohmann::json details = nlohmann::json::array();
  const auto candidates = std::max<std::size_t>(options.candidates, 1);
  for (const auto& pair : pairs) {
    const auto threshold_it = thresholds.find(pair.task);
    const double threshold =
        threshold_it != thresholds.end() ? threshold_it->second : default_threshold;
    auto& part = *partitions.at(pair.task);
    const auto query = embed.embed(pair.b);
    const auto query_facts = extract(pair.b, lex);
    const auto hits = part.index.search(query, candidates);

    std::optional<index_hit> served;
    std::string blocked_by;
    float best = hits.empty() ? 0.0f : hits.front().similarity;
    for (const auto& hit : hits) {
      if (hit.similarity < threshold) break;
      const auto verdict = compare_entities(query_facts, part.facts[hit.id]);
      if (verdict.agree) {
        served = hit;
        break;
      }
      if (blocked_by.empty()) blocked_by = verdict.kind;
    }
    if (!served && !blocked_by.empty()) ++guard_blocked[blocked_by];

    const bool own = served && part.texts[served->id] == pair.a;
    const bool true_hit = served && pair.same && own;
    const bool false_hit = served && !true_hit;
    for (auto* t : {&total, pair.kind.empty() ? nullptr : &by_kind[pair.kind]}) {
      if (t == nullptr) continue;
      ++t->pairs;
      ++(pair.same ? t->same_true : t->same_false);
      if (true_hit) ++t->true_hits;
      if (false_hit) ++t->false_hits;
      if (served && !own) ++t->wrong_entry_hits;
    }
    if (options.include_pairs) {
      nlohmann::json detail{{"id", pair.id},
                            {"kind", pair.kind},
                            {"same", pair.same},
                            {"best_similarity", std::round(best * 10000.0) / 10000.0},
                            {"outcome", true_hit ? "true_hit" : (false_hit ? "false_hit" : "miss")}};
      if (!hits.empty()) detail["nearest"] = part.texts[hits.front().id];
      if (!blocked_by.empty() && !served) {
        detail["guard"] = compare_entities(query_facts, part.facts[hits.front().id]).detail;
      }
      if (served) detail["served"] = part.texts[served->id];
      details.push_back(std::move(detail));
    }
  }

  auto out = total.to_json(true);
  out["guard_blocked"] = guard_blocked;
  nlohmann::json kinds = nlohmann::json::object();
  for (const auto& [kind, t] : by_kind) kinds[kind] = t.to_json(false);
  out["by_kind"] = std::move(kinds);
  if (options.include_pairs) out["details"] = std::move(details);
  return out;
}

}  // namespace openhouse::cache
