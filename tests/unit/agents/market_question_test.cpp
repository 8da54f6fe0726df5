#include "agents/market_question.hpp"

#include <catch2/catch.hpp>

#include <string>

using openhouse::agents::market_place;
using openhouse::agents::market_question_matcher;

namespace {

/// A small market of its own (not the shipped one): the rules must not
/// depend on the shipped city list.
openhouse::config::market_config test_market() {
  openhouse::config::market_config cfg;
  cfg.market.id = "test";
  cfg.market.cities = {{"Yorba Linda", {"92886", "92887"}},
                       {"Brea", {"92821"}},
                       {"Placentia", {"92870"}},
                       {"Yorba", {}}};
  return cfg;
}

std::string place_of(const market_question_matcher& m, std::string_view text) {
  const auto p = m.match(text);
  return p ? p->name : std::string{"-"};
}

}  // namespace

TEST_CASE("questions about a place's market name the place", "[agents][market_question]") {
  const market_question_matcher m{test_market(), {"La Habra"}};
  CHECK(place_of(m, "what r houses selling for over in brea these days") == "Brea");
  CHECK(place_of(m, "How pricey is Placentia right now?") == "Placentia");
  CHECK(place_of(m, "is brea getting more competitive") == "Brea");
  CHECK(place_of(m, "what's Brea like?") == "-");  // no word of the market: too vague
  CHECK(place_of(m, "How pricey are houses in Placentia right now?") == "Placentia");
  CHECK(place_of(m, "whats the median in yorba linda") == "Yorba Linda");
  CHECK(place_of(m, "curious how long places sit on the market in Brea") == "Brea");
  CHECK(place_of(m, "is inventory tight in 92870?") == "92870");
  CHECK(place_of(m, "hey quick q - are homes moving fast in Placentia") == "Placentia");
  CHECK(place_of(m, "price per sq ft around Brea?") == "Brea");
  CHECK(place_of(m, "how many houses r for sale in yorba linda") == "Yorba Linda");
  CHECK(place_of(m, "Have home values in Brea dropped lately?") == "Brea");
  CHECK(place_of(m, "what does a house cost in la habra") == "La Habra");
}

TEST_CASE("a zip is answered as itself, with its city", "[agents][market_question]") {
  const market_question_matcher m{test_market(), {}};
  const auto p = m.match("what are prices like in 92887, Yorba Linda?");
  REQUIRE(p.has_value());
  CHECK(*p == market_place{"92887", "Yorba Linda", true});
  // The longest name wins: "Yorba Linda" is not also "Yorba".
  const auto c = m.match("how's the housing market in Yorba Linda?");
  REQUIRE(c.has_value());
  CHECK(c->name == "Yorba Linda");
  CHECK_FALSE(c->zip);
}

TEST_CASE("a place must be the market's and only one", "[agents][market_question]") {
  const market_question_matcher m{test_market(), {}};
  CHECK(place_of(m, "what are homes going for in Fullerton?") == "-");
  CHECK(place_of(m, "what are homes going for?") == "-");
  CHECK(place_of(m, "are prices higher in Brea or Placentia?") == "-");
  CHECK(place_of(m, "what are homes going for in 90210?") == "-");  // not one of its zips
}

TEST_CASE("plans, own homes and particular homes are not market questions",
          "[agents][market_question]") {
  const market_question_matcher m{test_market(), {}};
  CHECK(place_of(m, "I want to sell in Brea") == "-");
  CHECK(place_of(m, "we're thinking of selling our place in Placentia, what's the market like?") ==
        "-");
  CHECK(place_of(m, "what could my house in Brea sell for?") == "-");
  CHECK(place_of(m, "how long would our home in Yorba Linda sit?") == "-");
  CHECK(place_of(m, "what's the price of the house on Birch in Brea?") == "-");
  CHECK(place_of(m, "im looking for a condo in placentia, what are prices like?") == "-");
  // Wanting to know is asking, not a plan.
  CHECK(place_of(m, "I'd like to know what homes in Brea are going for") == "Brea");
}

TEST_CASE("figures and other topics are left to the FAQ and the bots",
          "[agents][market_question]") {
  const market_question_matcher m{test_market(), {}};
  CHECK(place_of(m, "what do 4 bedroom homes go for in Brea?") == "-");
  CHECK(place_of(m, "are homes under 700k selling fast in Placentia?") == "-");
  CHECK(place_of(m, "what's rent like for houses in Brea?") == "-");
  CHECK(place_of(m, "how much are property taxes on homes in Placentia?") == "-");
  CHECK(place_of(m, "how much is the HOA for houses in Yorba Linda?") == "-");
  CHECK(place_of(m, "how much down payment for a house in Brea?") == "-");
  CHECK(place_of(m, "do you have any listings in Brea?") == "-");
  CHECK(place_of(m, "can you show me homes in Placentia") == "-");
  CHECK(place_of(m, "thanks! Brea sounds great") == "-");
}
