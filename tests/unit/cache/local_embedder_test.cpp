#include "cache/local_embedder.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

using openhouse::cache::default_lexicon;
using openhouse::cache::local_embedder;
using openhouse::cache::local_embedder_options;

namespace {

const local_embedder& embedder() {
  static const local_embedder instance(default_lexicon());
  return instance;
}

float dot(const std::vector<float>& a, const std::vector<float>& b) {
  float sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

float similarity(const char* a, const char* b) {
  return dot(embedder().embed(a), embedder().embed(b));
}

}  // namespace

TEST_CASE("embeddings have the configured length and unit norm", "[cache][embedder]") {
  CHECK(embedder().dimension() == 384);
  const auto v = embedder().embed("Any 3 bedroom homes in Fontana under $450k?");
  REQUIRE(v.size() == 384);
  CHECK(dot(v, v) == Approx(1.0f).epsilon(1e-5));

  local_embedder_options options;
  options.dimension = 512;
  const local_embedder wide(default_lexicon(), options);
  CHECK(wide.dimension() == 512);
  CHECK(wide.embed("hello there").size() == 512);
}

TEST_CASE("embeddings are deterministic, across instances too", "[cache][embedder]") {
  const local_embedder other(default_lexicon());
  const char* text = "how much r HOA dues in eastvale";
  CHECK(embedder().embed(text) == embedder().embed(text));
  CHECK(other.embed(text) == embedder().embed(text));
}

TEST_CASE("an empty message embeds to the zero vector", "[cache][embedder]") {
  const auto v = embedder().embed("  ?! ");
  REQUIRE(v.size() == 384);
  CHECK(dot(v, v) == 0.0f);
}

TEST_CASE("SMS spellings land on their spelled-out form", "[cache][embedder]") {
  CHECK(similarity("thx for the info", "Thanks for the info!") == Approx(1.0f).epsilon(1e-5));
  CHECK(similarity("looking for 4bd/3ba in corona", "looking for a 4 bed 3 bath in Corona") > 0.9f);
}

TEST_CASE("paraphrases are closer than unrelated questions", "[cache][embedder]") {
  const float paraphrase =
      similarity("How long does escrow usually take?", "hey so whats the typical escrow timeline");
  const float unrelated =
      similarity("How long does escrow usually take?", "Do you have listings with a pool?");
  CHECK(paraphrase > unrelated + 0.2f);
  CHECK(similarity("What are the HOA fees in Eastvale?", "how much r HOA dues in eastvale") > 0.7f);
  CHECK(unrelated < 0.3f);
}

TEST_CASE("the embedder rejects unusable options", "[cache][embedder]") {
  local_embedder_options zero;
  zero.dimension = 0;
  CHECK_THROWS_AS(local_embedder(default_lexicon(), zero), std::invalid_argument);
  local_embedder_options grams;
  grams.min_char_ngram = 5;
  grams.max_char_ngram = 3;
  CHECK_THROWS_AS(local_embedder(default_lexicon(), grams), std::invalid_argument);
}

TEST_CASE("framing words weigh little, concepts bring different words together",
          "[cache][embedder]") {
  // Swapping the words that frame a question moves the vector less than
  // swapping what it asks about.
  CHECK(similarity("do I need a survey for the lot", "is a survey required for the lot") >
        similarity("do I need a survey for the lot", "do I need a permit for the lot"));
  // "listing" and "home" are one concept; "lawyer" is another.
  CHECK(similarity("is the upland listing vacant", "is the upland home vacant") >
        similarity("is the upland listing vacant", "is the upland lawyer vacant"));
  // A street suffix is written out after a house number.
  CHECK(similarity("is 1017 main st still open", "is 1017 Main Street still open") ==
        Approx(1.0f).epsilon(1e-5));
}
