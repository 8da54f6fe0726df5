#include "agents/given_names.hpp"

#include <catch2/catch.hpp>

using openhouse::cache::given_name_count;
using openhouse::cache::is_given_name;
using openhouse::cache::is_word_like_name;

TEST_CASE("the given-name list holds common US names in lower case", "[cache][given_names]") {
  CHECK(given_name_count() >= 1000);
  for (const char* name : {"maria", "jose", "dave", "jennifer", "xavier", "guadalupe", "priya",
                           "kenji", "will", "june", "austin"}) {
    INFO(name);
    CHECK(is_given_name(name));
  }
  // Lower case only (callers fold case), 3+ letters, and no ordinary words.
  for (const char* word : {"Maria", "al", "jo", "", "house", "seller", "closing", "riverside",
                           "escrow", "looking", "thanks", "sung"}) {
    INFO(word);
    CHECK_FALSE(is_given_name(word));
  }
}

TEST_CASE("names that are also words, months or places are marked", "[cache][given_names]") {
  for (const char* name :
       {"will", "may", "june", "mark", "bill", "art", "dawn", "rose", "summer", "hope", "faith",
        "joy", "chase", "sunny", "austin", "jordan", "victoria", "colton", "ira"}) {
    INFO(name);
    CHECK(is_word_like_name(name));
    CHECK(is_given_name(name));  // still names: a capital and a pattern make them one
  }
  for (const char* name : {"maria", "dave", "jennifer", "house"}) {
    INFO(name);
    CHECK_FALSE(is_word_like_name(name));
  }
}
