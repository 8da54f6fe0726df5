#include "integrations/llm/prompt_prefix.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace openhouse::llm;

namespace {

/// persona (stable), market facts (stable, marked), lead details (volatile).
messages_request request_with(std::size_t persona_chars, std::size_t facts_chars) {
  messages_request r;
  r.model = "claude-sonnet-4-6";
  r.system = {{std::string(persona_chars, 'p'), true},
              {std::string(facts_chars, 'f'), true},
              {"Lead: Jane, texting at 14:02 about 123 Main St.", false}};
  r.messages = {{"user", "hi"}};
  return r;
}

}  // namespace

TEST_CASE("prompt prefix: at or above the minimum one marker stays on the last stable block",
          "[llm][gateway]") {
  SECTION("exactly the minimum") {
    auto r = request_with(2048, 2048);  // 512 + 512 tokens
    CHECK(prefix_tokens(r, 1) == 1024);
    CHECK(apply_cache_marker(r, 1024));
    CHECK_FALSE(r.system[0].cache);
    CHECK(r.system[1].cache);
    CHECK_FALSE(r.system[2].cache);
  }
  SECTION("well above") {
    auto r = request_with(20000, 4000);
    CHECK(apply_cache_marker(r, 2048));
    CHECK(r.system[1].cache);
    CHECK_FALSE(r.system[0].cache);
  }
  SECTION("volatile blocks never count towards the prefix") {
    auto r = request_with(2000, 2000);  // 1000 tokens stable
    r.system[2].text = std::string(100000, 'v');
    CHECK_FALSE(apply_cache_marker(r, 1024));
  }
}

TEST_CASE("prompt prefix: below the minimum every marker is cleared", "[llm][gateway]") {
  auto r = request_with(2048, 2044);  // 512 + 511 tokens
  CHECK_FALSE(apply_cache_marker(r, 1024));
  for (const auto& block : r.system) CHECK_FALSE(block.cache);

  SECTION("haiku-class minimum is higher than sonnet's") {
    auto h = request_with(4096, 4096);  // 2048 tokens
    CHECK(apply_cache_marker(h, 2048));
    auto s = request_with(4096, 4092);  // 2047 tokens
    CHECK_FALSE(apply_cache_marker(s, 2048));
  }
}

TEST_CASE("prompt prefix: requests without stable blocks stay unmarked", "[llm][gateway]") {
  messages_request r;
  CHECK_FALSE(apply_cache_marker(r, 1));
  r.system = {{std::string(10000, 'x'), false}};
  CHECK_FALSE(apply_cache_marker(r, 1));
  CHECK_FALSE(r.system[0].cache);
  r.system = {{"", true}};
  CHECK_FALSE(apply_cache_marker(r, 0));
  CHECK_FALSE(r.system[0].cache);
}
