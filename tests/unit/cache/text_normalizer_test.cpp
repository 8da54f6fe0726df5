#include "cache/text_normalizer.hpp"

#include <catch2/catch.hpp>

#include <string>

using openhouse::cache::default_lexicon;
using openhouse::cache::text_normalizer;

namespace {

const text_normalizer& normalizer() {
  static const text_normalizer instance(default_lexicon());
  return instance;
}

}  // namespace

TEST_CASE("SMS spellings, contractions and emoji normalise", "[cache][normalizer]") {
  const std::pair<const char*, const char*> table[] = {
      {"U free tmrw? thx!! \xF0\x9F\x98\x80", "you free tomorrow thanks"},
      {"b4 i list", "before i sell"},
      {"Can't make it", "can not make it"},
      {"can\xE2\x80\x99t make it", "can not make it"},
      {"We're NOT pre-approved", "we are not preapproval"},
      {"dont text me", "do not text me"},
      {"idk", "unsure"},
      {"no thx", "not interested"},
      {"What's up", "what is up"},
      {"got ur msg", "got your text"},
      {"homes w/ a pool", "homes with a pool"},
      {"homes w/o a pool", "homes without a pool"},
      {"How's the market rn", "how is the market right now"},
  };
  for (const auto& [input, expected] : table) {
    INFO(input);
    CHECK(normalizer().normalize(input) == expected);
  }
}

TEST_CASE("numbers take one canonical form", "[cache][normalizer]") {
  const std::pair<const char*, const char*> table[] = {
      {"4bd/3ba", "4 bedroom 3 bathroom"},
      {"4 bed 3 bath", "4 bedroom 3 bathroom"},
      {"2.5 ba", "2.5 bathroom"},
      {"3,000 sqft", "3000 sqft"},
      {"1500sf", "1500 sqft"},
      {"$450K", "$450000"},
      {"450k", "$450000"},
      {"$450,000", "$450000"},
      {"would they take 610,000", "would they take $610000"},
      {"$ 450k", "$450000"},
      {"1.2 million", "$1200000"},
      {"half a million", "$500000"},
      {"4pm", "16:00"},
      {"4 PM", "16:00"},
      {"11:30am", "11:30"},
      {"1:30pm", "13:30"},
      {"12am", "0:00"},
      {"the 21st", "the 21th"},
      {"3.5% down", "3.5 percent down"},
      {"three bedrooms", "3 bedrooms"},
      {"twenty five years", "25 years"},
      {"one bedroom", "1 bedroom"},
      {"one more thing", "one more thing"},
      {"12/5", "12/5"},
      {"$450k-$500k", "$450000 $500000"},
  };
  for (const auto& [input, expected] : table) {
    INFO(input);
    CHECK(normalizer().normalize(input) == expected);
  }
}

TEST_CASE("ambiguous words are read in context", "[cache][normalizer]") {
  CHECK(normalizer().normalize("should i list in May") == "should i sell in may");
  CHECK(normalizer().normalize("May 5") == "may 5");
  CHECK(normalizer().normalize("you may want to") == "you might want to");
  CHECK(normalizer().normalize("see u wed morning") == "see you wednesday morning");
  CHECK(normalizer().normalize("wed like to see it") == "we would like to see it");
  CHECK(normalizer().normalize("on sun") == "on sunday");
  CHECK(normalizer().normalize("455 W Grand Blvd") == "455 west grand boulevard");
  CHECK(normalizer().normalize("homes w a pool") == "homes with a pool");
}

TEST_CASE("domain synonyms collapse", "[cache][normalizer]") {
  CHECK(normalizer().normalize("realtor") == "agent");
  CHECK(normalizer().normalize("houses for sale") == "listings");
  CHECK(normalizer().normalize("HOA dues") == "hoa fees");
  CHECK(normalizer().normalize("Mello-Roos") == "mello roos");
  CHECK(normalizer().normalize("open house") == "open house");
  CHECK(normalizer().normalize("in LA") == "in los angeles");
}

TEST_CASE("the stemmer strips common suffixes", "[cache][normalizer]") {
  CHECK(text_normalizer::stem("texting") == "text");
  CHECK(text_normalizer::stem("homes") == text_normalizer::stem("home"));
  CHECK(text_normalizer::stem("closing") == text_normalizer::stem("close"));
  CHECK(text_normalizer::stem("listings") == "listing");
  CHECK(text_normalizer::stem("getting") == "get");
  CHECK(text_normalizer::stem("is") == "is");
  CHECK(text_normalizer::stem("$450000") == "$450000");
}

TEST_CASE("empty and punctuation-only texts give no tokens", "[cache][normalizer]") {
  CHECK(normalizer().tokens("").empty());
  CHECK(normalizer().tokens("?!... \xF0\x9F\x99\x8F").empty());
}

TEST_CASE("more texting shorthand and real-estate wording normalise", "[cache][normalizer]") {
  const std::pair<const char*, const char*> table[] = {
      {"lmk if u have any 1 story homes", "let me know if you have any 1 story homes"},
      {"stop msging me", "stop texting me"},
      {"is the condo pet friendly", "is the condo allows pets"},
      {"homes in cali", "homes in california"},
      {"any 55+ communities", "any senior"},
      {"we want to put in an offer", "we want to make an offer"},
      {"can i back out", "can i cancel"},
      {"what r the hoa dues", "what are the hoa fees"},
      {"do u do virtual showings", "do you do video tours"},
  };
  for (const auto& [input, expected] : table) {
    INFO(input);
    CHECK(normalizer().normalize(input) == expected);
  }
}
