#pragma once

#include "cache/embedder.hpp"
#include "cache/lexicon.hpp"
#include "cache/text_normalizer.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace openhouse::cache {

/// Tuning of the built-in embedder. The defaults are what the semantic tier
/// was tuned with; changing any of them changes every vector, so stored
/// vectors must be rebuilt.
struct local_embedder_options {
  /// Length of the vectors.
  std::size_t dimension = 384;
  /// Weight of a function word ("the", "can", "you"): present, but a swap of
  /// content words must move the vector much more than a swap of these.
  float stopword_weight = 0.2f;
  /// Weight of an interrogative ("when", "where", "how").
  float question_weight = 0.6f;
  /// Weight of a bigram of consecutive content words ("property tax").
  float bigram_weight = 0.3f;
  /// Total weight of one word's character n-grams, which make "preapproval"
  /// and "preapproved", or a typo, land close together.
  float char_ngram_weight = 1.0f;
  /// Weight of a domain concept the lexicon names (a topic id such as
  /// "repairs" for "fix"/"repair"/"renovations", a polar pole such as
  /// "quality:bad" for "bad"/"poor", or a concept such as "home" for
  /// "listing"): different words for one concept then share a feature, which
  /// a hashing embedder cannot learn otherwise. Framing words ("need",
  /// "usually") weigh as much as function words.
  float concept_weight = 0.8f;
  /// Character n-gram lengths, inclusive.
  std::size_t min_char_ngram = 3;
  std::size_t max_char_ngram = 4;
};

/// The threshold of a task a market lists none for (`eval-semantic`), and of
/// the shipped market's faq and facts, which have no labelled pairs: a
/// conservative value. The shipped intent and reply thresholds are lower,
/// chosen by bench/cross_validate.py; the entity guard, not the threshold,
/// stops the near misses that differ in one entity or word.
inline constexpr double local_embedder_threshold = 0.72;

/// The built-in embedder: no model download. The message is normalised with
/// the market's lexicon, then hashed word unigrams, content-word bigrams and
/// character n-grams are added into `dimension` buckets with a hash-derived
/// sign (so collisions cancel out on average instead of piling up), and the
/// vector is L2-normalised. Hashing is FNV-1a + a 64-bit finaliser: stable
/// across processes, platforms and releases.
class local_embedder final : public embedder {
 public:
  /// Keeps its own copy of the lexicon.
  explicit local_embedder(lexicon lex, local_embedder_options options = {});

  std::vector<float> embed(std::string_view text) const override;
  std::size_t dimension() const override { return options_.dimension; }

  /// The embedding of tokens already normalised with this embedder's lexicon
  /// (lets a caller that also runs the entity guard normalise once).
  std::vector<float> embed_tokens(const std::vector<std::string>& tokens) const;

  /// The normaliser (and lexicon) this embedder uses.
  const text_normalizer& normalizer() const { return normalizer_; }

 private:
  void add(std::vector<float>& vector, std::string_view feature, float weight) const;
  void add_concepts(std::vector<float>& vector, const std::vector<std::string>& tokens) const;

  text_normalizer normalizer_;
  local_embedder_options options_;
  /// The lexicon's concept ids that are words of their own ("home", "cost").
  std::set<std::string, std::less<>> concept_ids_;
};

}  // namespace openhouse::cache
