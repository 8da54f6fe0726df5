#include "core/llm_messages.hpp"

#include <catch2/catch.hpp>

using namespace openhouse::llm;

namespace {

const messages_response& ok(const std::variant<messages_response, client_error>& result) {
  if (const auto* error = std::get_if<client_error>(&result))
    FAIL("unexpected error: " << error->message);
  return std::get<messages_response>(result);
}

const client_error& failed(const std::variant<messages_response, client_error>& result) {
  REQUIRE(std::holds_alternative<client_error>(result));
  return std::get<client_error>(result);
}

}  // namespace

TEST_CASE("to_json builds the Anthropic Messages body", "[llm]") {
  messages_request request;
  request.model = "claude-sonnet-4-5";
  request.max_tokens = 1024;
  request.system = {{"You are a helpful real-estate assistant.", true},
                    {"Lead: Jane, Austin.", false}};
  request.messages = {
      {"user", "Hello, Claude"}, {"assistant", "Hi! How can I help?"}, {"user", "Find me a condo"}};
  request.task = "reply";

  const auto expected = nlohmann::json::parse(R"({
    "model": "claude-sonnet-4-5",
    "max_tokens": 1024,
    "system": [
      {"type": "text", "text": "You are a helpful real-estate assistant.", "cache_control": {"type": "ephemeral"}},
      {"type": "text", "text": "Lead: Jane, Austin."}
    ],
    "messages": [
      {"role": "user", "content": "Hello, Claude"},
      {"role": "assistant", "content": "Hi! How can I help?"},
      {"role": "user", "content": "Find me a condo"}
    ]
  })");
  CHECK(to_json(request) == expected);
  // The task is a header, never part of the body.
  CHECK_FALSE(to_json(request).contains("task"));
}

TEST_CASE("to_json leaves out an empty system", "[llm]") {
  messages_request request;
  request.model = "claude-haiku-4-5";
  request.messages = {{"user", "Hello"}};
  const auto body = to_json(request);
  CHECK_FALSE(body.contains("system"));
  CHECK(body["max_tokens"] == 300);
  CHECK(body["messages"].size() == 1);
}

TEST_CASE("parse_messages_response reads Anthropic's documented response", "[llm]") {
  const auto body = R"({
    "content": [{"text": "Hi! My name is Claude.", "type": "text"}],
    "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
    "model": "claude-sonnet-4-5-20250929",
    "role": "assistant",
    "stop_reason": "end_turn",
    "stop_sequence": null,
    "type": "message",
    "usage": {"input_tokens": 2095, "output_tokens": 503,
              "cache_creation_input_tokens": 2051, "cache_read_input_tokens": 17}
  })";
  const auto result = parse_messages_response(200, body, std::nullopt);
  const auto& response = ok(result);
  CHECK(response.id == "msg_013Zva2CMHLNnXjNJJKqJ2EF");
  CHECK(response.model == "claude-sonnet-4-5-20250929");
  CHECK(response.text == "Hi! My name is Claude.");
  CHECK(response.stop_reason == "end_turn");
  CHECK(response.tokens.input_tokens == 2095);
  CHECK(response.tokens.output_tokens == 503);
  CHECK(response.tokens.cache_creation_input_tokens == 2051);
  CHECK(response.tokens.cache_read_input_tokens == 17);
}

TEST_CASE("parse_messages_response tolerates missing or null cache fields and non-text blocks",
          "[llm]") {
  const auto body = R"({"id":"msg_1","type":"message","role":"assistant","model":"m",
    "content":[{"type":"text","text":"a"},{"type":"tool_use","id":"t","name":"n","input":{}},{"type":"text","text":"b"}],
    "stop_reason":"max_tokens",
    "usage":{"input_tokens":5,"output_tokens":2,"cache_creation_input_tokens":null}})";
  const auto result = parse_messages_response(200, body, std::nullopt);
  const auto& response = ok(result);
  CHECK(response.text == "ab");
  CHECK(response.stop_reason == "max_tokens");
  CHECK(response.tokens.cache_creation_input_tokens == 0);
  CHECK(response.tokens.cache_read_input_tokens == 0);
}

TEST_CASE("parse_messages_response maps Anthropic error answers", "[llm]") {
  const auto error_body = [](const char* type, const char* message) {
    return nlohmann::json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}
        .dump();
  };

  SECTION("400 invalid_request_error") {
    const auto result = parse_messages_response(
        400, error_body("invalid_request_error", "messages: Field required"), std::nullopt);
    const auto& error = failed(result);
    CHECK(error.code == client_errc::bad_request);
    CHECK(error.http_status == 400);
    CHECK(error.message.find("messages: Field required") != std::string::npos);
    CHECK_FALSE(error.retry_after.has_value());
    CHECK_FALSE(is_retryable(error.code));
  }
  SECTION("401 authentication_error") {
    const auto result = parse_messages_response(
        401, error_body("authentication_error", "invalid x-api-key"), std::nullopt);
    CHECK(failed(result).code == client_errc::unauthorized);
  }
  SECTION("429 with retry-after") {
    const auto result = parse_messages_response(
        429, error_body("rate_limit_error", "Number of requests has exceeded your rate limit"),
        std::string{" 7 "});
    const auto& error = failed(result);
    CHECK(error.code == client_errc::rate_limited);
    REQUIRE(error.retry_after.has_value());
    CHECK(*error.retry_after == std::chrono::seconds{7});
    CHECK(is_retryable(error.code));
  }
  SECTION("429 with a fractional or unusable retry-after") {
    CHECK(failed(parse_messages_response(429, "{}", std::string{"1.2"})).retry_after ==
          std::chrono::seconds{2});
    CHECK_FALSE(
        failed(parse_messages_response(429, "{}", std::string{"soon"})).retry_after.has_value());
  }
  SECTION("529 overloaded_error") {
    const auto result =
        parse_messages_response(529, error_body("overloaded_error", "Overloaded"), std::nullopt);
    CHECK(failed(result).code == client_errc::overloaded);
  }
  SECTION("500 api_error") {
    const auto result = parse_messages_response(
        500, error_body("api_error", "Internal server error"), std::nullopt);
    const auto& error = failed(result);
    CHECK(error.code == client_errc::server_error);
    CHECK(error.message.find("Internal server error") != std::string::npos);
  }
  SECTION("an HTML error page from a proxy") {
    const auto result = parse_messages_response(502, "<html>Bad Gateway</html>", std::nullopt);
    const auto& error = failed(result);
    CHECK(error.code == client_errc::server_error);
    CHECK(error.message.find("502") != std::string::npos);
  }
  SECTION("an error object with a 200") {
    const auto result =
        parse_messages_response(200, error_body("overloaded_error", "Overloaded"), std::nullopt);
    CHECK(failed(result).code == client_errc::overloaded);
  }
}

TEST_CASE("parse_messages_response rejects malformed success bodies", "[llm]") {
  // Truncated; empty; not an object; no content; no usage; text not a string.
  const char* bodies[] = {
      R"({"id":"msg_1","type":"message","content":[{"type":"text","te)",
      "",
      "[]",
      R"({"id":"msg_1","type":"message","usage":{"input_tokens":1,"output_tokens":1}})",
      R"({"id":"msg_1","type":"message","content":[{"type":"text","text":"hi"}]})",
      R"({"id":"msg_1","type":"message","content":[{"type":"text","text":5}],"usage":{}})",
  };

  for (const char* body : bodies) {
    INFO(body);
    const auto result = parse_messages_response(200, body, std::nullopt);
    CHECK(failed(result).code == client_errc::malformed_response);
  }
}

TEST_CASE("client_errc names", "[llm]") {
  CHECK(to_string(client_errc::rate_limited) == "rate_limited");
  CHECK(to_string(client_errc::malformed_response) == "malformed_response");
  CHECK(is_retryable(client_errc::timeout));
  CHECK(is_retryable(client_errc::overloaded));
  CHECK_FALSE(is_retryable(client_errc::unauthorized));
}

TEST_CASE("to_json adds stream and tools only when asked", "[llm]") {
  messages_request request;
  request.model = "claude-haiku-4-5";
  request.messages = {{"user", "Hello"}};
  CHECK_FALSE(to_json(request).contains("stream"));
  CHECK_FALSE(to_json(request).contains("tools"));
  request.stream = true;
  request.tools_json =
      R"([{"name":"schedule_showing","input_schema":{"type":"object","properties":{}}}])";
  const auto body = to_json(request);
  CHECK(body["stream"] == true);
  CHECK(body["tools"][0]["name"] == "schedule_showing");
  CHECK_FALSE(body.contains("stream_options"));  // OpenAI only
}

TEST_CASE("parse_messages_response keeps Anthropic's documented tool_use blocks", "[llm]") {
  const auto body = R"({
    "id": "msg_01Aq9w938a90dw8q",
    "model": "claude-sonnet-4-5",
    "stop_reason": "tool_use",
    "role": "assistant",
    "type": "message",
    "content": [
      {"type": "text", "text": "I'll check the current weather in San Francisco for you."},
      {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
       "input": {"location": "San Francisco, CA", "unit": "celsius"}}
    ],
    "usage": {"input_tokens": 384, "output_tokens": 92}
  })";
  const auto result = parse_messages_response(200, body, std::nullopt);
  const auto& response = ok(result);
  CHECK(response.stop_reason == "tool_use");
  CHECK(response.text == "I'll check the current weather in San Francisco for you.");
  CHECK(nlohmann::json::parse(response.tool_calls_json) ==
        nlohmann::json::parse(R"([{"id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather",
                                   "input":{"location":"San Francisco, CA","unit":"celsius"}}])"));
}

TEST_CASE("error_from_http and is_spend_limit", "[llm]") {
  const auto error =
      error_from_http(429, R"({"type":"error","error":{"type":"rate_limit_error","message":"x"}})",
                      std::string{"4"});
  CHECK(error.code == client_errc::rate_limited);
  CHECK(error.retry_after == std::chrono::seconds{4});
  CHECK_FALSE(is_spend_limit(error));
  CHECK(is_spend_limit(client_error{client_errc::rate_limited, 429,
                                    "You have reached your spend limit", std::nullopt}));
  CHECK_FALSE(is_spend_limit(client_error{client_errc::bad_request, 400, "billing", std::nullopt}));
  CHECK(errc_for_error_type("overloaded_error") == client_errc::overloaded);
  CHECK(errc_for_error_type("invalid_api_key") == client_errc::unauthorized);
  CHECK(errc_for_error_type("something_new") == client_errc::server_error);
}
