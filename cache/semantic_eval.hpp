#pragma once

#include "cache/embedder.hpp"
#include "cache/lexicon.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <istream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace openhouse::cache {

/// A malformed line of a pairs file; `what()` starts with "line N: ".
class semantic_eval_error : public std::runtime_error {
 public:
  semantic_eval_error(std::size_t line, const std::string& message);
  /// The 1-based line number of the bad input.
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

/// One labelled pair: would `b`, looked up after `a` was stored, rightly be
/// served `a`'s answer (`same`)?
struct semantic_pair {
  std::string id;
  std::string task;
  std::string a;
  std::string b;
  bool same = false;
  std::string kind;  ///< optional ("paraphrase", "entity_zip", …)
};

/// Reads JSON Lines `{"id","task","a","b","same","kind"?}`; blank lines are
/// skipped. Throws `semantic_eval_error` naming the line of the first bad one.
std::vector<semantic_pair> parse_semantic_pairs(std::istream& in);

/// Knobs of the evaluation beyond the contract's arguments.
struct semantic_eval_options {
  /// Nearest entries examined per lookup (`semantic_tier_options::candidates`).
  /// 1: the top-1 entry must pass the threshold and the guard. More lets the
  /// lookup skip a nearer entry the guard rejects and serve the next one that
  /// passes, as the tier does in production (3).
  std::size_t candidates = 1;
  /// Which figures are the top-level ones. Isolated (the contract's "stores
  /// a, looks up b"): each pair in a partition of its own that holds only its
  /// `a`, so a lookup can only hit its own entry. Shared: every `a` of a task
  /// in one partition, so that near neighbours from other pairs compete (and
  /// a hit on another pair's entry counts as false). The other mode's figures
  /// are added as a block ("shared_index" or "isolated"). The default stays
  /// shared for existing callers; `openhouse eval-semantic` uses isolated.
  bool isolated = false;
  /// Adds a "details" array with each pair's outcome (for tuning), for the
  /// top-level mode.
  bool include_pairs = false;
};

/// Scores the semantic tier on labelled pairs through `semantic_tier` itself
/// (the L3 code path): `a`s are stored (see `semantic_eval_options::isolated`
/// for the partitioning), then every `b` is looked up. A lookup is a hit when the nearest entry's
/// similarity is at least the task's threshold (`thresholds`, else `default_threshold`) and the
/// entity guard lets the two texts agree.
///
/// A hit is *true* when the pair is same:true and the entry served is the
/// pair's own `a`. Every other hit is *false*: any hit for a same:false pair,
/// and a hit on another pair's entry for a same:true pair (the answer served
/// was not vetted as equivalent, so it counts against the tier).
///
/// Returns one object: `pairs`, `true_hits`, `false_hits`, `hit_rate` (true
/// hits / same:true pairs), `false_hit_rate` (false hits / same:false pairs;
/// over all pairs when a group has none), `wrong_entry_hits` (the false hits
/// served from another pair's entry: unlabelled, possibly right, counted
/// against the tier all the same),
/// `same_true_pairs`, `same_false_pairs`, `guard_blocked` (lookups above the
/// threshold that the guard turned into misses, by entity kind), and `by_kind`
/// {kind: {pairs, true_hits, false_hits, hit_rate, false_hit_rate}} for pairs
/// that name a kind; `mode` ("isolated" | "shared_index"), `thresholds` (per
/// task, as used) and the other mode's figures as a block ("shared_index" or
/// "isolated", without details). Throws `semantic_eval_error` on malformed input.
nlohmann::json run_semantic_eval(std::istream& pairs, const embedder& embed, const lexicon& lex,
                                 const std::map<std::string, double>& thresholds,
                                 double default_threshold);

/// The same on parsed pairs, with options.
nlohmann::json run_semantic_eval(const std::vector<semantic_pair>& pairs, const embedder& embed,
                                 const lexicon& lex,
                                 const std::map<std::string, double>& thresholds,
                                 double default_threshold, const semantic_eval_options& options);

}  // namespace openhouse::cache
