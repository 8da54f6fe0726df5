#include "cache/lexicon.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using openhouse::cache::default_lexicon;
using openhouse::cache::lexicon;
using openhouse::cache::refresh_phrase_length;

namespace {

bool has_city(const lexicon& lex, const std::string& city) { return lex.cities.count(city) == 1; }

}  // namespace

TEST_CASE("the default lexicon spells out SMS shorthand", "[cache][lexicon]") {
  const auto lex = default_lexicon();
  const std::pair<const char*, const char*> expected[] = {{"u", "you"},
                                                          {"ur", "your"},
                                                          {"thx", "thanks"},
                                                          {"pls", "please"},
                                                          {"b4", "before"},
                                                          {"w/", "with"},
                                                          {"w/o", "without"},
                                                          {"tmrw", "tomorrow"},
                                                          {"wknd", "weekend"},
                                                          {"idk", "unsure"},
                                                          {"dont", "do not"},
                                                          {"cant", "can not"},
                                                          {"appt", "appointment"},
                                                          {"sat", "saturday"},
                                                          {"dec", "december"}};
  for (const auto& [from, to] : expected) {
    INFO(from);
    REQUIRE(lex.spellings.count(from) == 1);
    CHECK(lex.spellings.at(from) == to);
  }
}

TEST_CASE("glued number units cover bedrooms, bathrooms and square feet", "[cache][lexicon]") {
  const auto lex = default_lexicon();
  CHECK(lex.number_suffixes.at("bd") == "bedroom");
  CHECK(lex.number_suffixes.at("br") == "bedroom");
  CHECK(lex.number_suffixes.at("ba") == "bathroom");
  CHECK(lex.number_suffixes.at("sqft") == "sqft");
  CHECK(lex.number_words.at("three") == "3");
}

TEST_CASE("the default lexicon knows the Inland Empire's cities and counties", "[cache][lexicon]") {
  const auto lex = default_lexicon();
  for (const char* city :
       {"riverside",     "san bernardino", "ontario",  "rancho cucamonga", "fontana",
        "moreno valley", "corona",         "temecula", "murrieta",         "redlands",
        "chino",         "chino hills",    "upland",   "eastvale",         "jurupa valley",
        "menifee",       "hemet",          "perris",   "rialto",           "colton",
        "highland",      "yucaipa",        "beaumont", "banning",          "lake elsinore",
        "norco"}) {
    INFO(city);
    CHECK(has_city(lex, city));
  }
  CHECK(lex.counties.count("riverside") == 1);
  CHECK(lex.counties.count("san bernardino") == 1);
}

TEST_CASE("topic-flipping words come in opposite poles", "[cache][lexicon]") {
  const auto lex = default_lexicon();
  CHECK(lex.polar_words.at("buy") == "deal:buy");
  CHECK(lex.polar_words.at("sell") == "deal:sell");
  CHECK(lex.polar_words.at("rent") == "tenure:rent");
  CHECK(lex.polar_words.at("own") == "tenure:own");
  CHECK(lex.polar_words.at("before") == "sequence:before");
  CHECK(lex.polar_words.at("after") == "sequence:after");
  CHECK(lex.ordered_polar_groups.count("sequence") == 1);
  for (const char* cue : {"not", "no", "never", "without"}) CHECK(lex.negations.count(cue) == 1);
}

TEST_CASE("the longest phrase length follows edits", "[cache][lexicon]") {
  auto lex = default_lexicon();
  CHECK(lex.max_phrase_words >= 3);
  lex.synonyms.emplace("a very long five word phrase", std::string("x"));
  refresh_phrase_length(lex);
  CHECK(lex.max_phrase_words >= 6);

  lexicon empty;
  refresh_phrase_length(empty);
  CHECK(empty.max_phrase_words == 1);
}

TEST_CASE("a city whose first word is a shorthand keeps its name", "[cache][lexicon]") {
  const auto lex = default_lexicon();
  // "la" is Los Angeles and "rancho" Rancho Cucamonga, but not inside a name.
  REQUIRE(lex.synonyms.count("la") == 1);
  CHECK(lex.synonyms.at("la quinta") == "la quinta");
  CHECK(lex.synonyms.at("la verne") == "la verne");
  lexicon edited = lex;
  edited.cities.insert("rancho santa fe");
  openhouse::cache::protect_place_names(edited);
  CHECK(edited.synonyms.at("rancho santa fe") == "rancho santa fe");
  // A city no shorthand starts is left alone.
  CHECK(lex.synonyms.count("riverside") == 0);
}

TEST_CASE("the guard's word lists are consistent", "[cache][lexicon]") {
  const auto lex = default_lexicon();
  // Every strong pole belongs to a soft group (strict groups are strong anyway).
  for (const auto& pole : lex.strong_poles) {
    INFO(pole);
    CHECK(lex.soft_polar_groups.count(pole.substr(0, pole.find(':'))) == 1);
  }
  // A framing word is no topic, pole or concept: those are what a text is about.
  for (const auto& word : lex.framing_words) {
    INFO(word);
    CHECK(lex.topics.count(word) == 0);
    CHECK(lex.polar_words.count(word) == 0);
    CHECK(lex.concepts.count(word) == 0);
  }
  // Roles name parties of a deal, pronouns included.
  CHECK(lex.roles.at("sellers") == "seller");
  CHECK(lex.roles.at("me") == "self");
  CHECK(lex.regions.count("california") == 1);
  CHECK(lex.spellings.at("ca") == "california");
}
