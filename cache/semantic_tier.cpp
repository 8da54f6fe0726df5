#include "cache/semantic_tier.hpp"

#include <algorithm>
#include <stdexcept>

namespace openhouse::cache {

struct semantic_tier::partition_state {
  std::unique_ptr<vector_index> index;
  bool graph = false;
  /// hnswlib only marks removed nodes; past a bound the graph is rebuilt so
  /// that dead nodes do not pile up.
  std::size_t removed_since_build = 0;
  std::unordered_map<std::uint64_t, stored> entries;
  std::unordered_map<std::string, std::uint64_t> by_text;
  std::set<std::pair<time_point, std::uint64_t>> by_expiry;
};

namespace {

std::unique_ptr<vector_index> make_index(std::size_t dimension, std::size_t expected,
                                         const semantic_tier_options& options, bool& graph) {
  graph = expected >= options.brute_force_below;
  if (!graph) return std::make_unique<brute_force_index>(dimension);
  auto params = options.hnsw;
  params.initial_capacity = std::max(params.initial_capacity, expected * 2);
  return std::make_unique<hnsw_index>(dimension, params);
}

}  // namespace

semantic_tier::semantic_tier(std::shared_ptr<const embedder> embed, lexicon lex,
                             std::map<std::string, double> thresholds,
                             semantic_tier_options options)
    : embed_(std::move(embed)),
      normalizer_(std::move(lex)),
      thresholds_(thresholds.begin(), thresholds.end()),
      options_(options) {
  if (!embed_) throw std::invalid_argument("semantic_tier: no embedder");
  options_.candidates = std::max<std::size_t>(options_.candidates, 1);
  options_.max_entries_per_partition = std::max<std::size_t>(options_.max_entries_per_partition, 1);
}

semantic_tier::~semantic_tier() = default;

bool semantic_tier::eligible(std::string_view task) const {
  return thresholds_.find(task) != thresholds_.end();
}

std::optional<double> semantic_tier::threshold(std::string_view task) const {
  const auto found = thresholds_.find(task);
  if (found == thresholds_.end()) return std::nullopt;
  return found->second;
}

bool semantic_tier::answers_agree(std::string_view served, std::string_view fresh) const {
  return compare_entities(facts_of(served), facts_of(fresh)).agree;
}

entities semantic_tier::facts_of(std::string_view text) const {
  return extract_tokens(normalizer_.tokens(text), normalizer_.words(), text);
}

semantic_tier::partition_state& semantic_tier::partition_for(std::string_view partition) {
  auto found = partitions_.find(partition);
  if (found == partitions_.end()) {
    auto state = std::make_unique<partition_state>();
    state->index = make_index(embed_->dimension(), 0, options_, state->graph);
    found = partitions_.emplace(std::string(partition), std::move(state)).first;
  }
  return *found->second;
}

std::optional<semantic_match> semantic_tier::lookup(std::string_view partition,
                                                    std::string_view task, std::string_view text,
                                                    time_point now) {
  return lookup_impl(partition, task, text, nullptr, now);
}

std::optional<semantic_match> semantic_tier::lookup(std::string_view partition,
                                                    std::string_view task, std::string_view text,
                                                    const std::vector<float>& query,
                                                    time_point now) {
  return lookup_impl(partition, task, text, &query, now);
}

std::optional<semantic_match> semantic_tier::lookup_impl(std::string_view partition,
                                                         std::string_view task,
                                                         std::string_view text,
                                                         const std::vector<float>* given,
                                                         time_point now) {
  const auto limit = threshold(task);
  if (!limit) return std::nullopt;
  ++stats_.lookups;
  last_best_.reset();
  last_guard_detail_.clear();
  const auto found = partitions_.find(partition);
  if (found == partitions_.end()) {
    ++stats_.empty;
    return std::nullopt;
  }
  auto& part = *found->second;
  // Expired entries go before the search, so that they can neither be served
  // nor crowd live ones out of the candidates.
  purge_partition(part, now);
  if (part.entries.empty()) {
    ++stats_.empty;
    return std::nullopt;
  }
  // Embedded only when there is something to match (it is the costly step).
  std::vector<float> own;
  if (given == nullptr) {
    own = embed_->embed(text);
  } else if (given->size() != embed_->dimension()) {
    return std::nullopt;  // not from this embedder: nothing can be compared
  }
  const auto& query = given != nullptr ? *given : own;
  const auto hits = part.index->search(query, options_.candidates);
  if (hits.empty()) {
    ++stats_.empty;
    return std::nullopt;
  }
  last_best_ = hits.front().similarity;
  const auto query_facts = facts_of(text);
  std::string blocked_kind;
  for (const auto& hit : hits) {
    if (hit.similarity < *limit) break;
    const auto entry = part.entries.find(hit.id);
    if (entry == part.entries.end()) continue;
    const auto verdict = compare_entities(query_facts, entry->second.facts);
    if (!verdict.agree) {
      if (blocked_kind.empty()) {
        blocked_kind = verdict.kind;
        last_guard_detail_ = verdict.detail;
      }
      continue;
    }
    ++stats_.hits;
    const auto& e = entry->second.entry;
    return semantic_match{e.id, e.value, e.source_sid, hit.similarity, e.text};
  }
  if (blocked_kind.empty()) {
    ++stats_.below_threshold;
  } else {
    ++stats_.guard_blocked[blocked_kind];
  }
  return std::nullopt;
}

semantic_entry semantic_tier::insert(std::string_view partition, std::string_view task,
                                     std::string_view text, std::string value,
                                     std::string source_sid, time_point expires_at,
                                     time_point now) {
  if (!eligible(task)) {
    throw std::invalid_argument("semantic_tier: task \"" + std::string(task) +
                                "\" has no semantic threshold");
  }
  return insert(partition, task, text, embed_->embed(text), std::move(value), std::move(source_sid),
                expires_at, now);
}

semantic_entry semantic_tier::insert(std::string_view partition, std::string_view task,
                                     std::string_view text, std::vector<float> vector,
                                     std::string value, std::string source_sid,
                                     time_point expires_at, time_point now) {
  if (vector.size() != embed_->dimension()) {
    throw std::invalid_argument("semantic_tier: a vector of " + std::to_string(vector.size()) +
                                " floats for an embedder of " +
                                std::to_string(embed_->dimension()));
  }
  if (!eligible(task)) {
    throw std::invalid_argument("semantic_tier: task \"" + std::string(task) +
                                "\" has no semantic threshold");
  }
  semantic_entry entry;
  entry.id = next_id_++;
  entry.partition = std::string(partition);
  entry.task = std::string(task);
  entry.text = std::string(text);
  entry.value = std::move(value);
  entry.source_sid = std::move(source_sid);
  entry.vector = std::move(vector);
  entry.created_at = now;
  entry.expires_at = expires_at;
  auto& part = partition_for(partition);
  add(part, entry);
  ++stats_.inserts;
  return entry;
}

bool semantic_tier::restore(const semantic_entry& entry, time_point now) {
  if (entry.expires_at <= now || !eligible(entry.task) ||
      entry.vector.size() != embed_->dimension()) {
    return false;
  }
  auto copy = entry;
  auto& part = partition_for(copy.partition);
  bool taken = false;
  for (const auto& [name, state] : partitions_) {
    if (state->entries.count(copy.id) > 0) {
      taken = true;
      break;
    }
  }
  if (taken || copy.id == 0) copy.id = next_id_;
  next_id_ = std::max(next_id_, copy.id + 1);
  add(part, std::move(copy));
  return true;
}

void semantic_tier::add(partition_state& part, semantic_entry entry) {
  // One entry per text: a newer answer for the same words replaces the old.
  if (const auto same = part.by_text.find(entry.text); same != part.by_text.end()) {
    remove(part, same->second);
  }
  make_room(part, entry.created_at);
  if (!part.graph && part.entries.size() + 1 >= options_.brute_force_below) {
    // Grown out of a scan: rebuild as a graph with everything stored so far.
    bool graph = false;
    auto index = make_index(embed_->dimension(), part.entries.size() + 1, options_, graph);
    for (const auto& [id, s] : part.entries) index->add(id, s.entry.vector);
    part.index = std::move(index);
    part.graph = graph;
    part.removed_since_build = 0;
  }
  part.index->add(entry.id, entry.vector);
  part.by_text.emplace(entry.text, entry.id);
  part.by_expiry.emplace(entry.expires_at, entry.id);
  auto facts = facts_of(entry.text);
  const auto id = entry.id;
  part.entries.emplace(id, stored{std::move(entry), std::move(facts)});
  ++size_;
}

void semantic_tier::remove(partition_state& part, std::uint64_t id) {
  const auto found = part.entries.find(id);
  if (found == part.entries.end()) return;
  const auto& e = found->second.entry;
  part.index->remove(id);
  part.by_text.erase(e.text);
  part.by_expiry.erase({e.expires_at, id});
  part.entries.erase(found);
  --size_;
  if (part.graph &&
      ++part.removed_since_build > std::max(part.entries.size(), options_.brute_force_below)) {
    bool graph = false;
    auto index = make_index(embed_->dimension(), part.entries.size(), options_, graph);
    for (const auto& [live_id, s] : part.entries) index->add(live_id, s.entry.vector);
    part.index = std::move(index);
    part.graph = graph;
    part.removed_since_build = 0;
  }
}

void semantic_tier::make_room(partition_state& part, time_point now) {
  if (part.entries.size() < options_.max_entries_per_partition) return;
  purge_partition(part, now);
  while (part.entries.size() >= options_.max_entries_per_partition && !part.by_expiry.empty()) {
    // The entry closest to expiry has the least serving time left to lose.
    remove(part, part.by_expiry.begin()->second);
    ++stats_.evictions;
  }
}

std::size_t semantic_tier::purge_partition(partition_state& part, time_point now) {
  std::size_t dropped = 0;
  while (!part.by_expiry.empty() && part.by_expiry.begin()->first <= now) {
    remove(part, part.by_expiry.begin()->second);
    ++dropped;
  }
  stats_.expirations += dropped;
  return dropped;
}

std::size_t semantic_tier::purge(time_point now) {
  std::size_t dropped = 0;
  for (auto it = partitions_.begin(); it != partitions_.end();) {
    dropped += purge_partition(*it->second, now);
    it = it->second->entries.empty() ? partitions_.erase(it) : std::next(it);
  }
  return dropped;
}

std::size_t semantic_tier::erase_partition_prefix(std::string_view prefix) {
  std::size_t dropped = 0;
  auto it = partitions_.lower_bound(prefix);
  while (it != partitions_.end() &&
         std::string_view(it->first).substr(0, prefix.size()) == prefix) {
    dropped += it->second->entries.size();
    it = partitions_.erase(it);
  }
  size_ -= dropped;
  stats_.invalidations += dropped;
  return dropped;
}

void semantic_tier::clear() { erase_partition_prefix(""); }

std::size_t semantic_tier::partition_size(std::string_view partition) const {
  const auto found = partitions_.find(partition);
  return found == partitions_.end() ? 0 : found->second->entries.size();
}

}  // namespace openhouse::cache
