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
