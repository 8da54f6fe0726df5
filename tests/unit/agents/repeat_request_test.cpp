#include "agents/repeat_request.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using openhouse::agents::asks_to_repeat;
using openhouse::agents::earlier_answer;
using openhouse::runtime::history_entry;

TEST_CASE("a request to hear an answer again is recognised", "[agents][repeat]") {
  for (const char* text :
       {"what did you say about closing costs again?",
        "hey what did u say about escrow? lost the msg",
        "Can you repeat what you said about the fee", "sorry, say that again?",
        "could you resend that", "What did you tell me about the market in Corona"}) {
    INFO(text);
    CHECK(asks_to_repeat(text));
  }
  for (const char* text : {"what's your commission?", "can you say more about escrow",
                           "what do you say we meet Friday", "repeat buyer here, looking again"}) {
    INFO(text);
    CHECK_FALSE(asks_to_repeat(text));
  }
}

TEST_CASE("the earlier answer is the bot's reply to the matching text", "[agents][repeat]") {
  const std::vector<history_entry> history{
      {"user", "how long do homes take to sell in Corona?"},
      {"assistant", "About 30 days in Corona."},
      {"user", "what's your fee?"},
      {"assistant", "2.5% at closing."},
      {"user", "STOP"},
      {"assistant", ""},
  };
  const auto about = [](std::string word) {
    return [word](std::string_view asked) { return asked.find(word) != std::string_view::npos; };
  };
  CHECK(earlier_answer(history, about("sell")) == "About 30 days in Corona.");
  CHECK(earlier_answer(history, about("fee")) == "2.5% at closing.");
  CHECK_FALSE(earlier_answer(history, about("STOP")));  // an empty answer is no answer
  CHECK_FALSE(earlier_answer(history, about("escrow")));
  CHECK_FALSE(earlier_answer({}, about("fee")));
}
