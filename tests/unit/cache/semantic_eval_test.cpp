#include "cache/semantic_eval.hpp"

#include "cache/local_embedder.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

using openhouse::cache::default_lexicon;
using openhouse::cache::lexicon;
using openhouse::cache::local_embedder;
using openhouse::cache::parse_semantic_pairs;
using openhouse::cache::run_semantic_eval;
using openhouse::cache::semantic_eval_error;
using openhouse::cache::semantic_eval_options;

namespace {

const lexicon& lex() {
  static const lexicon instance = default_lexicon();
  return instance;
}

const local_embedder& embedder() {
  static const local_embedder instance(lex());
  return instance;
}

nlohmann::json evaluate(const std::string& jsonl, double threshold = 0.72) {
  std::istringstream in(jsonl);
  return run_semantic_eval(in, embedder(), lex(), {}, threshold);
}

}  // namespace

TEST_CASE("eval: paraphrases hit, entity changes miss", "[cache][eval]") {
  const auto out = evaluate(
      R"({"id":"1","task":"reply","a":"Thanks for the info!","b":"thx for the info","same":true,"kind":"paraphrase"})"
      "\n"
      R"({"id":"2","task":"reply","a":"homes for sale in 92501","b":"homes for sale in 92504","same":false,"kind":"entity_zip"})"
      "\n\n"
      R"({"id":"3","task":"intent","a":"We're not pre-approved yet","b":"We're pre-approved","same":false,"kind":"polarity"})"
      "\n",
      0.4);
  CHECK(out["pairs"] == 3);
  CHECK(out["true_hits"] == 1);
  CHECK(out["false_hits"] == 0);
  CHECK(out["hit_rate"] == 1.0);
  CHECK(out["false_hit_rate"] == 0.0);
  CHECK(out["same_true_pairs"] == 1);
  CHECK(out["same_false_pairs"] == 2);
  CHECK(out["by_kind"]["paraphrase"]["true_hits"] == 1);
  CHECK(out["by_kind"]["entity_zip"]["pairs"] == 1);
  CHECK(out["by_kind"]["entity_zip"]["false_hit_rate"] == 0.0);
  // Both negatives were near enough to pass the threshold; the guard stopped them.
  CHECK(out["guard_blocked"].value("zip", 0) == 1);
  CHECK(out["guard_blocked"].value("negation", 0) == 1);
}

TEST_CASE("eval: a hit on another pair's entry is a false hit", "[cache][eval]") {
  // Pair 2's b is identical to pair 1's a, so its top-1 is that entry, not
  // its own a; serving it was never vetted as equivalent.
  const auto out = evaluate(
      R"({"id":"1","task":"reply","a":"do you do rentals","b":"do u do rentals","same":true})"
      "\n"
      R"({"id":"2","task":"reply","a":"do you handle rentals or not","b":"do you do rentals","same":true})"
      "\n");
  CHECK(out["true_hits"] == 1);
  CHECK(out["false_hits"] == 1);
  CHECK(out["wrong_entry_hits"] == 1);
  CHECK(out["hit_rate"] == 0.5);
  CHECK(out["by_kind"].empty());
}

TEST_CASE("eval: partitions are per task and thresholds per task", "[cache][eval]") {
  const std::string pairs =
      R"({"id":"1","task":"intent","a":"Thanks for the info!","b":"thx for the info","same":true,"kind":"p"})"
      "\n"
      R"({"id":"2","task":"reply","a":"what is escrow","b":"Thanks for the info!","same":false,"kind":"x"})"
      "\n";
  std::istringstream in(pairs);
  // Pair 2's b is identical to an entry of the intent partition, but it is
  // looked up in the reply partition only.
  const auto out = run_semantic_eval(in, embedder(), lex(), {{"intent", 0.99}}, 0.5);
  CHECK(out["true_hits"] == 1);
  CHECK(out["false_hits"] == 0);

  std::istringstream strict(pairs);
  const auto none = run_semantic_eval(strict, embedder(), lex(), {{"intent", 1.01}}, 0.5);
  CHECK(none["true_hits"] == 0);
}

TEST_CASE("eval: details explain each outcome", "[cache][eval]") {
  std::istringstream in(
      R"({"id":"7","task":"reply","a":"Is the open house next Saturday?","b":"Is the open house this Saturday?","same":false,"kind":"entity_date"})");
  const auto pairs = parse_semantic_pairs(in);
  semantic_eval_options options;
  options.include_pairs = true;
  const auto out = run_semantic_eval(pairs, embedder(), lex(), {}, 0.5, options);
  REQUIRE(out["details"].size() == 1);
  const auto& detail = out["details"][0];
  CHECK(detail["outcome"] == "miss");
  CHECK(detail["guard"].get<std::string>().rfind("date:", 0) == 0);
}

TEST_CASE("eval: malformed lines name their line number", "[cache][eval]") {
  auto error_of = [](const std::string& text) {
    std::istringstream in(text);
    try {
      parse_semantic_pairs(in);
    } catch (const semantic_eval_error& error) {
      return std::make_pair(error.line(), std::string(error.what()));
    }
    return std::make_pair(std::size_t{0}, std::string{});
  };
  const std::string good = R"({"id":"1","task":"t","a":"x","b":"y","same":true})";
  auto [line, what] = error_of(good + "\n\n{not json}\n");
  CHECK(line == 3);
  CHECK(what.rfind("line 3: not JSON", 0) == 0);

  std::tie(line, what) = error_of(good + "\n" + R"({"id":"2","a":"x","b":"y","same":true})");
  CHECK(line == 2);
  CHECK(what == "line 2: missing \"task\"");

  std::tie(line, what) = error_of(R"({"id":"1","task":"t","a":"x","b":"y","same":"yes"})");
  CHECK(line == 1);
  CHECK(what == "line 1: \"same\" must be true or false");

  std::tie(line, what) = error_of(R"([1,2])");
  CHECK(what == "line 1: not a JSON object");

  std::tie(line, what) = error_of(R"({"id":"1","task":"t","a":3,"b":"y","same":true})");
  CHECK(what == "line 1: \"a\" must be a string");
}

TEST_CASE("eval: an empty input gives zero rates", "[cache][eval]") {
  const auto out = evaluate("");
  CHECK(out["pairs"] == 0);
  CHECK(out["hit_rate"] == 0.0);
  CHECK(out["false_hit_rate"] == 0.0);
}

TEST_CASE("eval: details give the guard's verdict whatever the similarity", "[cache][eval]") {
  std::istringstream in(
      R"({"id":"1","task":"reply","a":"does the seller pay the inspector","b":"does the inspector pay the seller","same":false,"kind":"polarity"})"
      "\n"
      R"({"id":"2","task":"reply","a":"any condos in Hemet?","b":"any condos in hemet","same":true,"kind":"paraphrase"})");
  const auto pairs = parse_semantic_pairs(in);
  semantic_eval_options options;
  options.include_pairs = true;
  // A threshold no pair reaches: every lookup misses, yet each verdict is given.
  const auto out = run_semantic_eval(pairs, embedder(), lex(), {}, 1.01, options);
  REQUIRE(out["details"].size() == 2);
  CHECK(out["details"][0]["outcome"] == "miss");
  CHECK(out["details"][0]["guard_agrees"] == false);
  CHECK(out["details"][0]["guard_verdict"].get<std::string>().rfind("role:", 0) == 0);
  CHECK(out["details"][0]["entities_a"]["roles"] == nlohmann::json::array({"seller", "inspector"}));
  CHECK(out["details"][1]["guard_agrees"] == true);
  CHECK_FALSE(out["details"][1].contains("guard_verdict"));
}
