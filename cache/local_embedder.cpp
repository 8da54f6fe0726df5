#include "cache/local_embedder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <utility>

namespace openhouse::cache {

namespace {

std::uint64_t feature_hash(std::string_view feature) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a offset basis
  for (const char c : feature) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  // MurmurHash3's fmix64: FNV alone leaves the low bits poorly mixed, and
  // the bucket and the sign both come from them.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

bool is_question_word(std::string_view t) {
  return t == "what" || t == "how" || t == "when" || t == "where" || t == "who" || t == "why" ||
         t == "which";
}

bool is_alpha(std::string_view t) {
  for (const char c : t) {
    if (c < 'a' || c > 'z') return false;
  }
  return !t.empty();
}

}  // namespace

local_embedder::local_embedder(lexicon lex, local_embedder_options options)
    : normalizer_(std::move(lex)), options_(options) {
  for (const auto& [word, id] : normalizer_.words().concepts) {
    if (id.rfind("topic:", 0) != 0) concept_ids_.insert(id);
  }
  if (options_.dimension == 0) throw std::invalid_argument("local_embedder: dimension 0");
  if (options_.min_char_ngram == 0 || options_.min_char_ngram > options_.max_char_ngram) {
    throw std::invalid_argument("local_embedder: bad character n-gram range");
  }
}

void local_embedder::add(std::vector<float>& vector, std::string_view feature, float weight) const {
  const auto h = feature_hash(feature);
  const auto bucket = static_cast<std::size_t>((h >> 1) % options_.dimension);
  vector[bucket] += (h & 1U) != 0 ? weight : -weight;
}

void local_embedder::add_concepts(std::vector<float>& vector,
                                  const std::vector<std::string>& tokens) const {
  const auto& lex = normalizer_.words();
  std::string phrase;
  std::string feature;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    // Longest phrase first ("home inspection" before "inspection"), as the
    // guard reads topics.
    for (std::size_t n = std::min<std::size_t>(3, tokens.size() - i); n >= 1; --n) {
      phrase = tokens[i];
      for (std::size_t k = i + 1; k < i + n; ++k) phrase.append(" ").append(tokens[k]);
      if (const auto topic = lex.topics.find(phrase); topic != lex.topics.end()) {
        feature.assign("t:").append(topic->second);
        add(vector, feature, options_.concept_weight);
        i += n - 1;
        break;
      }
      if (const auto pole = lex.polar_words.find(phrase); pole != lex.polar_words.end()) {
        feature.assign("p:").append(pole->second);
        add(vector, feature, options_.concept_weight);
        i += n - 1;
        break;
      }
      if (n == 1) {
        if (concept_ids_.count(phrase) > 0) {  // a concept's own word ("home" for "listing")
          feature.assign("k:").append(phrase);
          add(vector, feature, options_.concept_weight);
        } else if (const auto same = lex.concepts.find(phrase); same != lex.concepts.end()) {
          // A concept that is a topic shares the topic's feature ("see" and "tour").
          const auto& id = same->second;
          if (id.rfind("topic:", 0) == 0) {
            feature.assign("t:").append(id, 6);
          } else {
            feature.assign("k:").append(id);
          }
          add(vector, feature, options_.concept_weight);
        }
      }
    }
  }
}

std::vector<float> local_embedder::embed(std::string_view text) const {
  return embed_tokens(normalizer_.tokens(text));
}

std::vector<float> local_embedder::embed_tokens(const std::vector<std::string>& tokens) const {
  std::vector<float> vector(options_.dimension, 0.0f);
  const auto& stopwords = normalizer_.words().stopwords;
  const auto& framing = normalizer_.words().framing_words;
  std::string feature;
  std::string previous_content;
  for (const auto& token : tokens) {
    const bool question = is_question_word(token);
    // Words that only frame a question ("need", "usually", "explain") weigh
    // like function words: paraphrases swap them freely.
    const bool stop = !question && (stopwords.count(token) > 0 || framing.count(token) > 0);
    const auto stem = text_normalizer::stem(token);
    feature.assign("w:").append(stem);
    add(vector, feature,
        question ? options_.question_weight : (stop ? options_.stopword_weight : 1.0f));
    if (stop || question) continue;
    if (!previous_content.empty()) {
      feature.assign("b:").append(previous_content).append(" ").append(stem);
      add(vector, feature, options_.bigram_weight);
    }
    previous_content = stem;
    if (!is_alpha(token) || token.size() < 3) continue;
    // Character n-grams of the padded word; their weights share one budget
    // per word so that long words do not dominate.
    const std::string padded = "<" + token + ">";
    std::size_t count = 0;
    for (std::size_t n = options_.min_char_ngram; n <= options_.max_char_ngram; ++n) {
      if (padded.size() >= n) count += padded.size() - n + 1;
    }
    if (count == 0) continue;
    const float weight = options_.char_ngram_weight / std::sqrt(static_cast<float>(count));
    for (std::size_t n = options_.min_char_ngram; n <= options_.max_char_ngram; ++n) {
      for (std::size_t i = 0; i + n <= padded.size(); ++i) {
        feature.assign("c:").append(padded, i, n);
        add(vector, feature, weight);
      }
    }
  }
  if (options_.concept_weight > 0) add_concepts(vector, tokens);
  double norm = 0;
  for (const float v : vector) norm += static_cast<double>(v) * v;
  if (norm > 0) {
    const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (auto& v : vector) v *= scale;
  }
  return vector;
}

}  // namespace openhouse::cache
