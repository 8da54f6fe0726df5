#include "agents/intent.hpp"

#include "integrations/llm/sim_answers.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

using namespace openhouse::agents;

namespace {

intent_ranking parsed(const std::string& text) {
  auto result = parse_intent(text);
  if (!result) FAIL("parse error: " << result.error().message);
  return result.value();
}

}  // namespace

TEST_CASE("the simulator's intent answers parse", "[agents][intent]") {
  struct sim_case {
    std::string message;
    intent top;
  };
  const std::vector<sim_case> cases{
      {"I want to buy a 3 bedroom house", intent::buyer},
      {"What's my home worth? Thinking of selling", intent::seller},
      {"Can I talk to a real person?", intent::human_request},
      {"What are closing costs?", intent::faq},
      {"hello", intent::other},
      {"ok", intent::other},
  };
  for (const auto& c : cases) {
    const auto answer = openhouse::llm::sim::intent_answer(c.message);
    INFO(c.message << " -> " << answer);
    const auto ranking = parsed(answer);
    REQUIRE_FALSE(ranking.empty());
    CHECK(ranking.front().kind == c.top);
    CHECK(ranking.front().confidence ==
          Approx(openhouse::llm::sim::classify_intent(c.message).confidence));
    for (std::size_t i = 1; i < ranking.size(); ++i)
      CHECK(ranking[i - 1].confidence >= ranking[i].confidence);
  }
}

TEST_CASE("a hedged answer ranks the runner-up level with the declared intent",
          "[agents][intent]") {
  // The simulator lowers its confidence by 0.2 when two topics tie.
  const auto ranking = parsed(R"({"intent": "seller", "confidence": 0.52,
                                  "scores": {"seller": 0.72, "buyer": 0.72, "faq": 0.05}})");
  REQUIRE(ranking.size() == 3);
  CHECK(ranking[0] == intent_score{intent::seller, 0.52, ""});
  CHECK(ranking[1] == intent_score{intent::buyer, 0.52, ""});
  CHECK(ranking[2].kind == intent::faq);
}

TEST_CASE("intent answers in other shapes parse", "[agents][intent]") {
  struct shape_case {
    std::string answer;
    intent top;
    double confidence;
    std::string topic;
    std::size_t size;
  };
  const std::vector<shape_case> cases{
      {R"({"intent": "buyer", "confidence": 0.9})", intent::buyer, 0.9, "", 1},
      {"```json\n{\"intent\": \"Selling\", \"confidence\": 0.8}\n```", intent::seller, 0.8, "", 1},
      {"The lead wants to schedule: {\"intent\": \"scheduling\", \"confidence\": 0.77}.",
       intent::scheduling, 0.77, "", 1},
      {R"({"intent": "faq", "topic": "Closing Costs", "confidence": 0.85})", intent::faq, 0.85,
       "closing_costs", 1},
      {R"({"intent": "faq:hoa", "confidence": 0.6})", intent::faq, 0.6, "hoa", 1},
      {R"({"intent": "opt_out", "confidence": 0.95})", intent::opt_out_family, 0.95, "", 1},
      {R"({"intent": "buyer", "scores": {"buyer": 0.8, "seller": 0.1}})", intent::buyer, 0.8, "",
       2},
      {R"({"intents": [{"intent": "seller", "confidence": 0.3}, {"intent": "buyer", "confidence": 0.6}]})",
       intent::buyer, 0.6, "", 2},
      {R"([{"label": "human", "score": 0.9}, {"label": "other", "score": 0.1}])",
       intent::human_request, 0.9, "", 2},
      {R"({"intents": [{"intent": "greeting", "confidence": 0.4}, {"intent": "other", "confidence": 0.7}]})",
       intent::other, 0.7, "", 1},
      {R"({"intent": "buyer", "confidence": 0.9, "scores": {"buyer": 0.9, "mortgage": 0.4}})",
       intent::buyer, 0.9, "", 1},
  };
  for (const auto& c : cases) {
    INFO(c.answer);
    const auto ranking = parsed(c.answer);
    REQUIRE(ranking.size() == c.size);
    CHECK(ranking.front().kind == c.top);
    CHECK(ranking.front().confidence == Approx(c.confidence));
    CHECK(ranking.front().topic == c.topic);
  }
}

TEST_CASE("malformed intent answers are errors", "[agents][intent]") {
  const std::vector<std::string> answers{
      "",
      "The lead wants to buy.",
      R"({"intent": "buyer", "confidence": 0.9)",
      R"({"confidence": 0.9})",
      R"({"intent": 3, "confidence": 0.9})",
      R"({"intent": "mortgage", "confidence": 0.9})",
      R"({"intent": "buyer", "confidence": 1.5})",
      R"({"intent": "buyer", "confidence": "high"})",
      R"({"intent": "buyer"})",
      R"({"intent": "buyer", "confidence": 0.9, "scores": {"seller": -0.1}})",
      R"({"intent": "buyer", "confidence": 0.9, "scores": [0.9]})",
      R"({"intents": []})",
      R"({"intents": [{"intent": "buyer"}]})",
      R"({"intents": [{"intent": "astrology", "confidence": 0.5}]})",
      R"([1, 2])",
  };
  for (const auto& answer : answers) {
    INFO(answer);
    CHECK_FALSE(parse_intent(answer).has_value());
  }
}

TEST_CASE("intent labels and names", "[agents][intent]") {
  const std::vector<std::pair<std::string, intent>> labels{
      {"buyer", intent::buyer},
      {"BUYING", intent::buyer},
      {"sell", intent::seller},
      {"valuation", intent::seller},
      {"FAQ", intent::faq},
      {"question", intent::faq},
      {"schedule", intent::scheduling},
      {"showing", intent::scheduling},
      {"human", intent::human_request},
      {"Human Request", intent::human_request},
      {"unsubscribe", intent::opt_out_family},
      {"greeting", intent::other},
  };
  for (const auto& [label, kind] : labels) {
    INFO(label);
    CHECK(parse_intent_label(label) == kind);
  }
  CHECK_FALSE(parse_intent_label("weather"));
  for (const auto i : {intent::buyer, intent::seller, intent::faq, intent::scheduling,
                       intent::human_request, intent::opt_out_family, intent::other}) {
    CHECK(parse_intent_label(to_string(i)) == i);
  }
}

TEST_CASE("keyword fallback guesses cheaply", "[agents][intent]") {
  struct keyword_case {
    std::string text;
    intent top;
    double confidence;
    std::string topic;
  };
  const std::vector<keyword_case> cases{
      {"I want to buy a house", intent::buyer, 0.55, ""},
      {"We're pre-approved and looking to buy, 3 bedrooms", intent::buyer, 0.75, ""},
      {"thinking of selling, what's my home worth", intent::seller, 0.65, ""},
      {"Can we schedule a showing Saturday?", intent::scheduling, 0.65, ""},
      {"can I talk to someone", intent::human_request, 0.55, ""},
      {"please stop texting me", intent::opt_out_family, 0.55, ""},
      {"Don't text me again", intent::opt_out_family, 0.55, ""},
      {"how much are closing costs here", intent::faq, 0.55, "closing_costs"},
      {"Is there an HOA?", intent::faq, 0.55, "hoa"},
      {"what time is it?", intent::faq, 0.55, ""},
      {"hi there", intent::other, 0.5, ""},
      {"stop by tomorrow", intent::other, 0.5, ""},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto ranking = keyword_intent(c.text);
    REQUIRE_FALSE(ranking.empty());
    CHECK(ranking.front().kind == c.top);
    CHECK(ranking.front().confidence == Approx(c.confidence));
    CHECK(ranking.front().topic == c.topic);
  }
  const auto both = keyword_intent("sell my condo and buy a bigger house");
  CHECK(confidence_of(both, intent::buyer) == Approx(0.55));
  CHECK(confidence_of(both, intent::seller) == Approx(0.55));
  CHECK(confidence_of(both, intent::faq) == 0);
}
