#include "cache/semantic_eval.hpp"

#include "cache/local_embedder.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace openhouse::cache;

namespace {

std::vector<semantic_pair> pairs_of(const std::string& jsonl) {
  std::istringstream in(jsonl);
  return parse_semantic_pairs(in);
}

}  // namespace

TEST_CASE("eval: isolated pairs see only their own a; the shared index lets others compete",
          "[cache][eval]") {
  const auto lex = default_lexicon();
  const local_embedder embed(lex);
  // Pair 2's b is pair 1's a: in a shared index it is served pair 1's entry
  // (a false hit); in isolation it can only meet its own a.
  const auto pairs = pairs_of(
      R"({"id":"1","task":"reply","a":"do you do rentals","b":"do u do rentals","same":true})"
      "\n"
      R"({"id":"2","task":"reply","a":"how fast can I sell my condo","b":"do you do rentals","same":false,"kind":"k"})"
      "\n");
  semantic_eval_options options;
  options.isolated = true;
  const auto isolated = run_semantic_eval(pairs, embed, lex, {{"reply", 0.72}}, 0.9, options);
  CHECK(isolated["mode"] == "isolated");
  CHECK(isolated["true_hits"] == 1);
  CHECK(isolated["false_hits"] == 0);
  CHECK(isolated["wrong_entry_hits"] == 0);
  CHECK(isolated["thresholds"]["reply"] == 0.72);
  REQUIRE(isolated.contains("shared_index"));
  CHECK(isolated["shared_index"]["false_hits"] == 1);
  CHECK(isolated["shared_index"]["wrong_entry_hits"] == 1);
  CHECK(isolated["shared_index"]["false_hit_rate"] == 1.0);

  options.isolated = false;
  const auto shared = run_semantic_eval(pairs, embed, lex, {{"reply", 0.72}}, 0.9, options);
  CHECK(shared["mode"] == "shared_index");
  CHECK(shared["false_hits"] == 1);
  CHECK(shared["isolated"]["false_hits"] == 0);
}

TEST_CASE("eval: tasks the thresholds do not list use the default", "[cache][eval]") {
  const auto lex = default_lexicon();
  const local_embedder embed(lex);
  const auto pairs = pairs_of(
      R"({"id":"1","task":"intent","a":"What are closing costs?","b":"what r closing costs","same":true})");
  semantic_eval_options options;
  options.isolated = true;
  CHECK(run_semantic_eval(pairs, embed, lex, {}, 0.6, options)["true_hits"] == 1);
  CHECK(run_semantic_eval(pairs, embed, lex, {}, 1.01, options)["true_hits"] == 0);
  CHECK(run_semantic_eval(pairs, embed, lex, {}, 1.01, options)["thresholds"]["intent"] == 1.01);
}
