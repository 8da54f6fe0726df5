#include "core/llm_messages.hpp"
#include "integrations/llm/embeddings_client.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

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

const client_error& failed(const std::variant<embeddings, client_error>& result) {
  REQUIRE(std::holds_alternative<client_error>(result));
  return std::get<client_error>(result);
}

// Anthropic-shaped tool definition, as a bot would write it.
constexpr const char* anthropic_tools = R"([{
  "name": "schedule_showing",
  "description": "Book a showing of a listing",
  "input_schema": {"type": "object",
                   "properties": {"address": {"type": "string"}, "when": {"type": "string"}},
                   "required": ["address", "when"]}
}])";

}  // namespace

TEST_CASE("to_chat_json builds the OpenAI chat-completions body", "[llm]") {
  messages_request request;
  request.model = "gpt-4o-mini";
  request.max_tokens = 256;
  request.system = {{"You are a helpful real-estate assistant.", true},
                    {"Lead: Jane, Austin.", false}};
  request.messages = {
      {"user", "Hello"}, {"assistant", "Hi! How can I help?"}, {"user", "Find me a condo"}};
  request.task = "reply";

  const auto expected = nlohmann::json::parse(R"({
    "model": "gpt-4o-mini",
    "messages": [
      {"role": "system", "content": "You are a helpful real-estate assistant."},
      {"role": "system", "content": "Lead: Jane, Austin."},
      {"role": "user", "content": "Hello"},
      {"role": "assistant", "content": "Hi! How can I help?"},
      {"role": "user", "content": "Find me a condo"}
    ],
    "max_tokens": 256
  })");
  CHECK(to_chat_json(request) == expected);

  request.stream = true;
  const auto streamed = to_chat_json(request);
  CHECK(streamed["stream"] == true);
  CHECK(streamed["stream_options"] == nlohmann::json::parse(R"({"include_usage": true})"));
}

TEST_CASE("tools_json is passed through in each provider's shape", "[llm]") {
  messages_request request;
  request.model = "m";
  request.messages = {{"user", "Can I see it Saturday?"}};
  request.tools_json = anthropic_tools;

  const auto anthropic = to_json(request);
  CHECK(anthropic["tools"] == nlohmann::json::parse(anthropic_tools));

  const auto openai = to_chat_json(request);
  REQUIRE(openai["tools"].size() == 1);
  CHECK(openai["tools"][0]["type"] == "function");
  CHECK(openai["tools"][0]["function"]["name"] == "schedule_showing");
  CHECK(openai["tools"][0]["function"]["description"] == "Book a showing of a listing");
  CHECK(openai["tools"][0]["function"]["parameters"] ==
        nlohmann::json::parse(anthropic_tools)[0]["input_schema"]);

  // The OpenAI shape converts back to the Anthropic one.
  request.tools_json = openai["tools"].dump();
  CHECK(to_json(request)["tools"] == nlohmann::json::parse(anthropic_tools));
  CHECK(to_chat_json(request)["tools"] == openai["tools"]);

  for (const char* bad : {"{", R"({"name":"x"})", R"([1])", R"([{"description":"no name"}])",
                          R"([{"type":"web_search_20250305","name":"web_search"}])"}) {
    INFO(bad);
    request.tools_json = bad;
    CHECK_THROWS_AS(to_chat_json(request), std::invalid_argument);
  }
  // Anthropic server tools pass through to Anthropic.
  request.tools_json = R"([{"type":"web_search_20250305","name":"web_search"}])";
  CHECK(to_json(request)["tools"][0]["name"] == "web_search");
}

TEST_CASE("is_cache_bypass: streaming and tool requests", "[llm]") {
  messages_request request;
  CHECK_FALSE(is_cache_bypass(request));
  request.tools_json = "  \n";
  CHECK_FALSE(is_cache_bypass(request));
  request.tools_json = anthropic_tools;
  CHECK(is_cache_bypass(request));
  request.tools_json.clear();
  request.stream = true;
  CHECK(is_cache_bypass(request));
}

TEST_CASE("parse_chat_response reads OpenAI's documented chat completion with cached tokens",
          "[llm]") {
  // The prompt-caching guide's usage block inside the API reference's response.
  const auto body = R"({
    "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
    "object": "chat.completion",
    "created": 1741570283,
    "model": "gpt-4o-2024-08-06",
    "choices": [{
      "index": 0,
      "message": {"role": "assistant", "content": "The image shows a wooden boardwalk.", "refusal": null,
                  "annotations": []},
      "logprobs": null,
      "finish_reason": "stop"
    }],
    "usage": {
      "prompt_tokens": 2006,
      "completion_tokens": 300,
      "total_tokens": 2306,
      "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 0},
      "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                    "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
    },
    "service_tier": "default",
    "system_fingerprint": "fp_fc9f1d7035"
  })";
  const auto result = parse_chat_response(200, body, std::nullopt);
  const auto& response = ok(result);
  CHECK(response.id == "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
  CHECK(response.model == "gpt-4o-2024-08-06");
  CHECK(response.text == "The image shows a wooden boardwalk.");
  CHECK(response.stop_reason == "end_turn");
  CHECK(response.tokens.input_tokens == 2006 - 1920);
  CHECK(response.tokens.cache_read_input_tokens == 1920);
  CHECK(response.tokens.cache_creation_input_tokens == 0);
  CHECK(response.tokens.output_tokens == 300);
  CHECK(response.tool_calls_json.empty());
}

TEST_CASE("parse_chat_response: finish reasons, missing cache details, content parts", "[llm]") {
  const auto with = [](const char* finish, const char* content, const char* usage) {
    return std::string{
               R"({"id":"c","model":"llama3.1","choices":[{"index":0,"message":{"role":"assistant","content":)"} +
           content + R"(},"finish_reason":)" + finish + R"(}],"usage":)" + usage + "}";
  };
  // Ollama / llama.cpp: no prompt_tokens_details.
  const auto ollama = parse_chat_response(
      200, with(R"("length")", R"("Hi")", R"({"prompt_tokens":12,"completion_tokens":3})"),
      std::nullopt);
  CHECK(ok(ollama).stop_reason == "max_tokens");
  CHECK(ok(ollama).tokens.input_tokens == 12);
  CHECK(ok(ollama).tokens.cache_read_input_tokens == 0);
  CHECK(ok(ollama).tokens.output_tokens == 3);

  const auto filtered = parse_chat_response(
      200,
      with(R"("content_filter")", "null",
           R"({"prompt_tokens":1,"completion_tokens":0,"prompt_tokens_details":null})"),
      std::nullopt);
  CHECK(ok(filtered).stop_reason == "refusal");
  CHECK(ok(filtered).text.empty());

  const auto parts = parse_chat_response(
      200,
      with(
          R"("stop")",
          R"([{"type":"text","text":"a"},{"type":"refusal","refusal":"x"},{"type":"text","text":"b"}])",
          R"({"prompt_tokens":1,"completion_tokens":1})"),
      std::nullopt);
  CHECK(ok(parts).text == "ab");

  CHECK(stop_reason_from_finish("tool_calls") == "tool_use");
  CHECK(stop_reason_from_finish("function_call") == "tool_use");
  CHECK(stop_reason_from_finish("eos") == "eos");
}

TEST_CASE("parse_chat_response keeps OpenAI's documented tool calls", "[llm]") {
  const auto body = R"({
    "id": "chatcmpl-abc123",
    "object": "chat.completion",
    "created": 1699896916,
    "model": "gpt-4o-mini",
    "choices": [{
      "index": 0,
      "message": {
        "role": "assistant",
        "content": null,
        "tool_calls": [{"id": "call_abc123", "type": "function",
                        "function": {"name": "get_current_weather", "arguments": "{\n\"location\": \"Boston, MA\"\n}"}},
                       {"id": "call_def456", "type": "function",
                        "function": {"name": "broken", "arguments": "{\"loc"}}]
      },
      "logprobs": null,
      "finish_reason": "tool_calls"
    }],
    "usage": {"prompt_tokens": 82, "completion_tokens": 17, "total_tokens": 99}
  })";
  const auto result = parse_chat_response(200, body, std::nullopt);
  const auto& response = ok(result);
  CHECK(response.stop_reason == "tool_use");
  CHECK(response.text.empty());
  const auto calls = nlohmann::json::parse(response.tool_calls_json);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0] == nlohmann::json::parse(R"({"id":"call_abc123","name":"get_current_weather",
                                               "input":{"location":"Boston, MA"}})"));
  // Arguments that are not JSON are kept as the model sent them.
  CHECK(calls[1]["input"] == "{\"loc");
}

TEST_CASE("parse_chat_response maps OpenAI-compatible error answers", "[llm]") {
  const auto openai_error = [](const char* message, const char* type, const nlohmann::json& code) {
    return nlohmann::json{
        {"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}}
        .dump();
  };
  SECTION("429 rate limit with retry-after") {
    const auto result = parse_chat_response(
        429, openai_error("Rate limit reached for gpt-4o-mini", "requests", "rate_limit_exceeded"),
        std::string{"3"});
    const auto& error = failed(result);
    CHECK(error.code == client_errc::rate_limited);
    CHECK(error.http_status == 429);
    CHECK(error.retry_after == std::chrono::seconds{3});
    CHECK_FALSE(is_spend_limit(error));
  }
  SECTION("429 insufficient_quota is a spend limit") {
    const auto result = parse_chat_response(
        429,
        openai_error("You exceeded your current quota, please check your plan and billing details.",
                     "insufficient_quota", "insufficient_quota"),
        std::nullopt);
    const auto& error = failed(result);
    CHECK(error.code == client_errc::rate_limited);
    CHECK(is_spend_limit(error));
  }
  SECTION("401 invalid key") {
    const auto result =
        parse_chat_response(401,
                            openai_error("Incorrect API key provided: sk-abc.",
                                         "invalid_request_error", "invalid_api_key"),
                            std::nullopt);
    const auto& error = failed(result);
    CHECK(error.code == client_errc::unauthorized);
    CHECK(error.message.find("invalid_api_key") != std::string::npos);
  }
  SECTION("400 context length") {
    const auto result =
        parse_chat_response(400,
                            openai_error("This model's maximum context length is 128000 tokens.",
                                         "invalid_request_error", "context_length_exceeded"),
                            std::nullopt);
    CHECK(failed(result).code == client_errc::bad_request);
    CHECK(failed(result).message.find("maximum context length") != std::string::npos);
  }
  SECTION("5xx") {
    CHECK(failed(parse_chat_response(
                     500, openai_error("The server had an error", "server_error", nullptr),
                     std::nullopt))
              .code == client_errc::server_error);
    CHECK(failed(parse_chat_response(503, "<html>unavailable</html>", std::nullopt)).code ==
          client_errc::server_error);
  }
  SECTION("vLLM and Ollama error shapes") {
    const auto vllm = parse_chat_response(
        400,
        R"({"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400})",
        std::nullopt);
    CHECK(failed(vllm).code == client_errc::bad_request);
    CHECK(failed(vllm).message.find("max_tokens is too large") != std::string::npos);
    const auto ollama = parse_chat_response(
        404, R"({"error":"model \"llama9\" not found, try pulling it first"})", std::nullopt);
    CHECK(failed(ollama).code == client_errc::bad_request);
    CHECK(failed(ollama).message.find("not found") != std::string::npos);
  }
  SECTION("an error object with a 200") {
    const auto result = parse_chat_response(
        200, openai_error("slow down", "requests", "rate_limit_exceeded"), std::nullopt);
    CHECK(failed(result).code == client_errc::rate_limited);
  }
}

TEST_CASE("parse_chat_response rejects malformed success bodies", "[llm]") {
  // Truncated; empty; not an object; no choices; empty choices; no message;
  // no usage; content not text.
  const char* bodies[] = {
      R"({"id":"c","choices":[{"index":0,"message":{"role":"assi)",
      "",
      "[]",
      R"({"id":"c","usage":{"prompt_tokens":1,"completion_tokens":1}})",
      R"({"id":"c","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}})",
      R"({"id":"c","choices":[{"index":0,"finish_reason":"stop"}],"usage":{}})",
      R"({"id":"c","choices":[{"index":0,"message":{"content":"hi"}}]})",
      R"({"id":"c","choices":[{"index":0,"message":{"content":5}}],"usage":{}})",
  };

  for (const char* body : bodies) {
    INFO(body);
    CHECK(failed(parse_chat_response(200, body, std::nullopt)).code ==
          client_errc::malformed_response);
  }
}

TEST_CASE("embeddings body and OpenAI's documented embeddings list", "[llm]") {
  CHECK(to_embeddings_json("text-embedding-3-small", {"a", "b"}) ==
        nlohmann::json::parse(R"({"model":"text-embedding-3-small","input":["a","b"]})"));
  CHECK(to_embeddings_json("m", {"a"}, 256)["dimensions"] == 256);

  const auto body = R"({
    "object": "list",
    "data": [
      {"object": "embedding", "embedding": [0.5, 0.5, 0.5, 0.5], "index": 1},
      {"object": "embedding", "embedding": [0.0023064255, -0.009327292, 0.1, -0.2], "index": 0}
    ],
    "model": "text-embedding-ada-002",
    "usage": {"prompt_tokens": 8, "total_tokens": 8}
  })";
  const auto result = parse_embeddings_response(200, body, std::nullopt, 2);
  REQUIRE(std::holds_alternative<embeddings>(result));
  const auto& vectors = std::get<embeddings>(result);
  REQUIRE(vectors.size() == 2);
  // Ordered by index, not by position.
  CHECK(vectors[0][0] == Approx(0.0023064255));
  CHECK(vectors[1] == std::vector<float>{0.5F, 0.5F, 0.5F, 0.5F});

  CHECK(
      std::holds_alternative<embeddings>(parse_embeddings_response(200, body, std::nullopt, 2, 4)));
  CHECK(failed(parse_embeddings_response(200, body, std::nullopt, 2, 8)).code ==
        client_errc::malformed_response);
  CHECK(failed(parse_embeddings_response(200, body, std::nullopt, 3)).code ==
        client_errc::malformed_response);
}

TEST_CASE("parse_embeddings_response rejects unequal or broken vectors and maps errors", "[llm]") {
  const char* bodies[] = {
      R"({"object":"list","data":[{"embedding":[1,0],"index":0},{"embedding":[1,0,0],"index":1}]})",  // unequal
      R"({"object":"list","data":[{"embedding":[1,0],"index":0},{"embedding":[0,1],"index":0}]})",  // repeated
      R"({"object":"list","data":[{"embedding":[1,0],"index":0},{"embedding":[0,1],"index":5}]})",  // out of range
      R"({"object":"list","data":[{"embedding":"AAAA","index":0},{"embedding":[0,1],"index":1}]})",  // base64
      R"({"object":"list","data":[{"embedding":[],"index":0},{"embedding":[],"index":1}]})",  // empty
      R"({"object":"list","data":[{"embedding":[1,"x"],"index":0},{"embedding":[0,1],"index":1}]})",  // not numbers
      R"({"object":"list"})",
      R"({"object":"list","data":[{"embed)",
  };
  for (const char* body : bodies) {
    INFO(body);
    CHECK(failed(parse_embeddings_response(200, body, std::nullopt, 2)).code ==
          client_errc::malformed_response);
  }
  const auto limited = parse_embeddings_response(
      429, R"({"error":{"message":"Rate limit","type":"requests","code":"rate_limit_exceeded"}})",
      std::string{"2"}, 2);
  CHECK(failed(limited).code == client_errc::rate_limited);
  CHECK(failed(limited).retry_after == std::chrono::seconds{2});
  CHECK(failed(parse_embeddings_response(401, "{}", std::nullopt, 1)).code ==
        client_errc::unauthorized);
  CHECK(failed(parse_embeddings_response(
                   200, R"({"error":{"message":"x","code":"invalid_api_key"}})", std::nullopt, 1))
            .code == client_errc::unauthorized);
}
