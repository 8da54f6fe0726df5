#include "agents/agent_request.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace openhouse::agents;

namespace {

intent_ranking top(intent kind, double confidence) { return {{kind, confidence, {}}}; }

}  // namespace

TEST_CASE("tours and valuations are requests for the agent; the rest are not",
          "[agents][agent_request]") {
  struct row {
    const char* name;
    bot_kind bot;
    intent_ranking intents;
    std::string text;
    std::optional<agent_request_kind> expected;
  };
  const std::vector<row> rows{
      {"a confident scheduling intent", bot_kind::buyer, top(intent::scheduling, 0.9),
       "can we see the house saturday at 2?", agent_request_kind::tour},
      {"at the threshold", bot_kind::lead, top(intent::scheduling, tour_min_confidence),
       "book a showing", agent_request_kind::tour},
      {"below the threshold", bot_kind::buyer, top(intent::scheduling, 0.59), "maybe a tour",
       std::nullopt},
      {"scheduling ranked second",
       bot_kind::buyer,
       {{intent::buyer, 0.8, {}}, {intent::scheduling, 0.7, {}}},
       "buying, want a tour",
       std::nullopt},
      {"valuation words to the Seller bot", bot_kind::seller, top(intent::other, 0.5),
       "what's my home worth?", agent_request_kind::valuation},
      {"valuation words with a seller intent", bot_kind::lead, top(intent::seller, 0.8),
       "thinking of selling, can I get a CMA", agent_request_kind::valuation},
      {"valuation words to the Buyer bot, buyer intent", bot_kind::buyer, top(intent::buyer, 0.8),
       "is the home value going up there?", std::nullopt},
      {"a seller without valuation words", bot_kind::seller, top(intent::seller, 0.9),
       "we need to sell by June", std::nullopt},
      {"no intents at all", bot_kind::seller, {}, "ok thanks", std::nullopt},
      {"'worth' alone is not a valuation", bot_kind::seller, top(intent::other, 0.5),
       "is it worth waiting?", std::nullopt},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    const auto got = agent_request_of(r.bot, r.intents, r.text);
    REQUIRE(got.has_value() == r.expected.has_value());
    if (got) {
      CHECK(got->kind == *r.expected);
      CHECK_THAT(got->note, Catch::Contains(r.text));  // in the lead's own words
    }
  }
}

TEST_CASE("a tour note names the bot the lead was talking to", "[agents][agent_request]") {
  const auto r = agent_request_of(bot_kind::buyer, top(intent::scheduling, 0.9), "tour sat?");
  REQUIRE(r);
  CHECK(r->note == "Tour or appointment requested (buyer bot): \"tour sat?\"");
  CHECK(to_string(r->kind) == "tour");
  CHECK(to_string(agent_request_kind::valuation) == "valuation");
}
