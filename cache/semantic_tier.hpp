#pragma once

#include "cache/embedder.hpp"
#include "cache/entity_guard.hpp"
#include "cache/lexicon.hpp"
#include "cache/text_normalizer.hpp"
#include "cache/vector_index.hpp"
#include "core/semantic_entry.hpp"

#include <caf/meta/type_name.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace openhouse::cache {

/// A semantic hit: the answer and why it was served.
struct semantic_match {
  std::uint64_t id = 0;
  std::string value;
  std::string source_sid;
  /// Cosine similarity of the query to the stored text.
  double similarity = 0;
  /// The stored text the query matched.
  std::string text;
};

/// Tuning of the semantic tier.
struct semantic_tier_options {
  /// Bound per partition; inserting into a full partition drops its expired
  /// entries, then the one closest to expiry.
  std::size_t max_entries_per_partition = 10000;
  /// Parameters of each partition's HNSW graph.
  hnsw_params hnsw{16, 200, 64, 256, 100};
  /// Partitions smaller than this are searched exactly (a scan of a few
  /// hundred vectors is faster than a graph and never approximate); one that
  /// grows to it is rebuilt as an HNSW graph.
  std::size_t brute_force_below = 512;
  /// Nearest entries examined per lookup. 1 (the default) serves only the
  /// nearest entry: correct before fast. More lets a nearer entry the guard
  /// rejects not hide a slightly less similar one it accepts (every one
  /// served still passed threshold and guard); on the development pairs 3
  /// adds hits that are right but served from a neighbouring entry.
  std::size_t candidates = 1;
};

/// Counters of the tier since construction, for metrics.
struct semantic_tier_stats {
  std::uint64_t lookups = 0;  ///< lookups of eligible tasks
  std::uint64_t hits = 0;
  std::uint64_t empty = 0;            ///< misses with nothing stored in the partition
  std::uint64_t below_threshold = 0;  ///< misses whose nearest entry was below the threshold
  /// Misses where candidates above the threshold were all rejected by the
  /// entity guard, by the kind of the nearest one's disagreement ("zip", …).
  std::map<std::string, std::uint64_t> guard_blocked;
  std::uint64_t inserts = 0;
  std::uint64_t evictions = 0;      ///< dropped to respect max_entries_per_partition
  std::uint64_t expirations = 0;    ///< dropped because they expired
  std::uint64_t invalidations = 0;  ///< dropped by erase_partition_prefix / clear
};

/// The L3 tier as plain code: per exact partition, a vector index of stored
/// texts; a lookup embeds the query, takes the nearest live entries and
/// serves the first whose similarity reaches the task's threshold and whose
/// entities (numbers, prices, addresses, zips, dates, cities, negations, …)
/// agree with the query's. Not thread-safe: one owner (the cache actor).
/// Time is always passed in, never read.
class semantic_tier {
 public:
  using time_point = std::chrono::system_clock::time_point;

  /// `thresholds` lists the tasks matched by similarity (task → minimum
  /// cosine similarity); other tasks are not eligible. Throws
  /// std::invalid_argument for a null embedder.
  semantic_tier(std::shared_ptr<const embedder> embed, lexicon lex,
                std::map<std::string, double> thresholds, semantic_tier_options options = {});
  ~semantic_tier();
  semantic_tier(const semantic_tier&) = delete;
  semantic_tier& operator=(const semantic_tier&) = delete;

  /// True when `task` has a threshold (is matched by similarity at all).
  bool eligible(std::string_view task) const;

  /// The threshold of `task`, if eligible.
  std::optional<double> threshold(std::string_view task) const;

  /// The best live entry of exactly `partition` for `text` (see the class
  /// comment), or nullopt. Expired entries met on the way are dropped. A
  /// task that is not eligible is always a miss and is not counted.
  std::optional<semantic_match> lookup(std::string_view partition, std::string_view task,
                                       std::string_view text, time_point now);

  /// As lookup(), with the query's embedding computed elsewhere (an
  /// embedding worker, for a blocking embedder); `query` must have the
  /// embedder's dimension and come from the same embedder.
  std::optional<semantic_match> lookup(std::string_view partition, std::string_view task,
                                       std::string_view text, const std::vector<float>& query,
                                       time_point now);

  /// Stores `value` as the answer for `text` in `partition` until
  /// `expires_at`, and returns the entry (with its id and vector) for the
  /// caller to persist. An entry with the same text in the same partition is
  /// replaced. Throws std::invalid_argument when `task` is not eligible.
  semantic_entry insert(std::string_view partition, std::string_view task, std::string_view text,
                        std::string value, std::string source_sid, time_point expires_at,
                        time_point now = {});

  /// As insert(), with the embedding of `text` computed elsewhere. Throws
  /// std::invalid_argument when its length is not the embedder's dimension.
  semantic_entry insert(std::string_view partition, std::string_view task, std::string_view text,
                        std::vector<float> vector, std::string value, std::string source_sid,
                        time_point expires_at, time_point now = {});

  /// Puts back an entry loaded from storage (at start). Returns false, and
  /// stores nothing, when it is expired at `now`, its task is not eligible or
  /// its vector has the wrong length. An id already in use (another node's
  /// entry) gets a fresh one.
  bool restore(const semantic_entry& entry, time_point now);

  /// Drops every partition whose name starts with `prefix` ("" drops all);
  /// returns how many entries went.
  std::size_t erase_partition_prefix(std::string_view prefix);

  /// Drops everything.
  void clear();

  /// Drops every entry expired at `now`; returns how many.
  std::size_t purge(time_point now);

  /// Live and not yet purged entries, over all partitions.
  std::size_t size() const { return size_; }

  /// Entries in `partition`.
  std::size_t partition_size(std::string_view partition) const;

  /// Counters since construction.
  const semantic_tier_stats& stats() const { return stats_; }

  /// The best similarity the last eligible lookup saw (nullopt when its
  /// partition was empty), for the similarity histogram.
  std::optional<double> last_best_similarity() const { return last_best_; }

  /// The guard's verdict on the last lookup that was blocked ("zip: [..] vs
  /// [..]"), for debug logs; empty otherwise.
  const std::string& last_guard_detail() const { return last_guard_detail_; }

  /// True when two answers name the same entities (numbers, prices,
  /// addresses, zips, dates, cities, negations): how an L3 hit is checked
  /// against a fresh answer to the same request. Conservative: two right
  /// answers worded with different figures count as disagreeing.
  bool answers_agree(std::string_view served, std::string_view fresh) const;

  /// The embedder in use.
  const embedder& embedding() const { return *embed_; }

 private:
  std::optional<semantic_match> lookup_impl(std::string_view partition, std::string_view task,
                                            std::string_view text, const std::vector<float>* query,
                                            time_point now);

  struct stored {
    semantic_entry entry;
    entities facts;
  };
  struct partition_state;

  partition_state& partition_for(std::string_view partition);
  void add(partition_state& part, semantic_entry entry);
  void remove(partition_state& part, std::uint64_t id);
  std::size_t purge_partition(partition_state& part, time_point now);
  void make_room(partition_state& part, time_point now);
  entities facts_of(std::string_view text) const;

  std::shared_ptr<const embedder> embed_;
  text_normalizer normalizer_;
  std::map<std::string, double, std::less<>> thresholds_;
  semantic_tier_options options_;
  std::map<std::string, std::unique_ptr<partition_state>, std::less<>> partitions_;
  std::uint64_t next_id_ = 1;
  std::size_t size_ = 0;
  semantic_tier_stats stats_;
  std::optional<double> last_best_;
  std::string last_guard_detail_;
};

}  // namespace openhouse::cache
