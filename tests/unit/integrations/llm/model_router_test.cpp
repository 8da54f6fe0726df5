#include "integrations/llm/model_router.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace openhouse::llm;
namespace cfg = openhouse::config;

namespace {

cfg::llm_settings shipped_like() {
  cfg::llm_settings llm;
  llm.routing = {{"intent", "claude-haiku-4-5"},
                 {"facts", "claude-haiku-4-5"},
                 {"reply", "claude-sonnet-4-6"},
                 {"escalation", "claude-opus-4-6"}};
  llm.prices = {{"claude-haiku-4-5", {1, 5, 1.25, 0.10, 4096}},
                {"claude-sonnet-4-6", {3, 15, 3.75, 0.30, 2048}},
                {"claude-opus-4-6", {5, 25, 6.25, 0.50, 4096}}};
  llm.long_input_tokens = 6000;
  llm.long_input_model = "claude-sonnet-4-6";
  return llm;
}

}  // namespace

TEST_CASE("router: task routing, escalation and the long-input override", "[llm][gateway]") {
  const model_router router(shipped_like());
  struct row {
    const char* task;
    std::size_t tokens;
    const char* expected;
  };
  const std::vector<row> rows = {
      {"intent", 100, "claude-haiku-4-5"},
      {"facts", 5999, "claude-haiku-4-5"},
      {"reply", 200, "claude-sonnet-4-6"},
      {"escalation", 100, "claude-opus-4-6"},
      // Long inputs go to the stronger model...
      {"intent", 6000, "claude-sonnet-4-6"},
      {"facts", 50000, "claude-sonnet-4-6"},
      // ...which a reply already uses, and never replace a pricier model.
      {"reply", 50000, "claude-sonnet-4-6"},
      {"escalation", 50000, "claude-opus-4-6"},
      // An unlisted task gets the reply model.
      {"faq", 100, "claude-sonnet-4-6"},
  };
  for (const auto& r : rows) {
    INFO(r.task << " at " << r.tokens << " tokens");
    CHECK(router.route(r.task, r.tokens) == r.expected);
  }
}

TEST_CASE("router: without a long-input model there is no override", "[llm][gateway]") {
  auto llm = shipped_like();
  llm.long_input_tokens = 0;
  llm.long_input_model.clear();
  const model_router router(llm);
  CHECK(router.route("intent", 1'000'000) == "claude-haiku-4-5");

  SECTION("a long-input model to opus upgrades replies too") {
    llm.long_input_tokens = 8000;
    llm.long_input_model = "claude-opus-4-6";
    const model_router opus(llm);
    CHECK(opus.route("reply", 7999) == "claude-sonnet-4-6");
    CHECK(opus.route("reply", 8000) == "claude-opus-4-6");
    CHECK(opus.pricier("claude-opus-4-6", "claude-sonnet-4-6"));
    CHECK_FALSE(opus.pricier("claude-haiku-4-5", "claude-sonnet-4-6"));
  }
}

TEST_CASE("token estimates are about four characters a token", "[llm][gateway]") {
  CHECK(estimate_tokens("") == 0);
  CHECK(estimate_tokens("a") == 1);
  CHECK(estimate_tokens("abcd") == 1);
  CHECK(estimate_tokens("abcde") == 2);
  CHECK(estimate_tokens(std::string(4000, 'x')) == 1000);

  messages_request request;
  request.system = {{std::string(400, 'p'), true}, {std::string(41, 'v'), false}};
  request.messages = {{"user", std::string(8, 'u')}, {"assistant", std::string(3, 'a')}};
  CHECK(estimate_input_tokens(request) == 100 + 11 + 2 + 1);
}
