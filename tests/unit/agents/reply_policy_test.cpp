#include "agents/reply_policy.hpp"

#include <catch2/catch.hpp>

using openhouse::agents::cap_reply;

TEST_CASE("short replies pass through trimmed", "[agents][reply]") {
  CHECK(cap_reply("  Hello there!  \n", 320) == "Hello there!");
}

TEST_CASE("long replies are cut at the last sentence that fits", "[agents][reply]") {
  const std::string text =
      "Great question. Homes in Riverside start around $450k. Want me to send a few listings "
      "that match your budget?";
  CHECK(cap_reply(text, 60) == "Great question. Homes in Riverside start around $450k.");
}

TEST_CASE("without a usable sentence end the cut is at a word, with an ellipsis",
          "[agents][reply]") {
  const auto out = cap_reply("one two three four five six seven eight nine ten", 20);
  CHECK(out.size() <= 20);
  CHECK(out == "one two three...");
}

TEST_CASE("the cut never splits a UTF-8 character", "[agents][reply]") {
  const std::string house = "\xF0\x9F\x8F\xA0";  // 4 bytes
  const auto out = cap_reply("ab " + house + house + house, 8);
  CHECK(out.size() <= 8);
  CHECK(out == "ab...");
}
