#include "integrations/llm/sse_stream.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <stdexcept>

using namespace openhouse::llm;

namespace {

// Anthropic's documented basic streaming answer (Messages streaming guide).
constexpr const char* anthropic_text_stream = R"(event: message_start
data: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant", "content": [], "model": "claude-opus-4-6", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 2048, "output_tokens": 1}}}

event: content_block_start
data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}

event: content_block_delta
data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "! Caf\u00e9 \u2615 time?"}}

event: content_block_stop
data: {"type": "content_block_stop", "index": 0}

event: message_delta
data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 15}}

event: message_stop
data: {"type": "message_stop"}

)";

// Anthropic's documented tool-use stream, abridged (Messages streaming guide).
constexpr const char* anthropic_tool_stream = R"(event: message_start
data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-opus-4-6","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay, let's check the weather for San Francisco, CA:"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: content_block_start
data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"location\":"}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \"San Fra"}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ncisco, CA\""}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":", \"unit\": \"fahr"}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"enheit\"}"}}

event: content_block_stop
data: {"type":"content_block_stop","index":1}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

event: message_stop
data: {"type":"message_stop"}

)";

// OpenAI's documented chat-completion chunks, with stream_options.include_usage.
constexpr const char* openai_text_stream =
    R"(data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices":[{"index":0,"delta":{"content":"! Caf\u00e9 \u2615 time?"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":15,"total_tokens":2021,"prompt_tokens_details":{"cached_tokens":1920}}}

data: [DONE]

)";

// OpenAI's documented streamed function call (function-calling guide).
constexpr const char* openai_tool_stream =
    R"(data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}

data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\""}}]},"finish_reason":null}]}

data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"location"}}]},"finish_reason":null}]}

data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\":\""}}]},"finish_reason":null}]}

data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"Paris, France"}}]},"finish_reason":null}]}

data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"}"}}]},"finish_reason":null}]}

data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":60,"completion_tokens":18,"total_tokens":78}}

data: [DONE]

)";

struct decoded {
  std::variant<messages_response, client_error> result;
  std::string streamed;  ///< what on_text received, concatenated
  int pieces = 0;
};

decoded decode_in_chunks(wire_format format, const std::string& body,
                         const std::vector<std::size_t>& cuts, int status = 200) {
  decoded out{client_error{}, {}, 0};
  sse_stream stream{format, [&out](std::string_view text) {
                      out.streamed.append(text);
                      ++out.pieces;
                    }};
  std::size_t from = 0;
  for (const std::size_t cut : cuts) {
    if (cut <= from || cut >= body.size()) continue;
    stream.feed(std::string_view{body}.substr(from, cut - from));
    from = cut;
  }
  stream.feed(std::string_view{body}.substr(from));
  out.result = stream.finish(status, std::nullopt);
  return out;
}

decoded decode(wire_format format, const std::string& body, int status = 200) {
  return decode_in_chunks(format, body, {}, status);
}

const messages_response& ok(const decoded& d) {
  if (const auto* error = std::get_if<client_error>(&d.result))
    FAIL("unexpected error: " << error->message);
  return std::get<messages_response>(d.result);
}

const client_error& failed(const decoded& d) {
  REQUIRE(std::holds_alternative<client_error>(d.result));
  return std::get<client_error>(d.result);
}

std::string with_crlf(const std::string& body) {
  std::string out;
  for (const char c : body) {
    if (c == '\n')
      out += "\r\n";
    else
      out.push_back(c);
  }
  return out;
}

// Every way of cutting `body` into two pieces, then random cuts into many.
template <class Check>
void for_every_split(const std::string& body, Check check) {
  for (std::size_t cut = 1; cut < body.size(); ++cut) check(std::vector<std::size_t>{cut});
  std::mt19937 rng{42};
  for (int round = 0; round < 50; ++round) {
    std::vector<std::size_t> cuts;
    std::size_t at = 0;
    while (at < body.size()) {
      at += 1 + rng() % 9;
      cuts.push_back(at);
    }
    check(cuts);
  }
}

}  // namespace

TEST_CASE("sse_stream decodes Anthropic's documented text stream", "[llm]") {
  const auto d = decode(wire_format::anthropic, anthropic_text_stream);
  const auto& response = ok(d);
  CHECK(response.id == "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
  CHECK(response.model == "claude-opus-4-6");
  CHECK(response.text == "Hello! Caf\u00e9 \u2615 time?");
  CHECK(response.stop_reason == "end_turn");
  CHECK(response.tokens.input_tokens == 25);
  CHECK(response.tokens.cache_read_input_tokens == 2048);
  CHECK(response.tokens.output_tokens ==
        15);  // message_delta's count replaces message_start's placeholder
  CHECK(response.tool_calls_json.empty());
  CHECK(d.streamed == response.text);
  CHECK(d.pieces == 2);
}

TEST_CASE("sse_stream decodes Anthropic streams split at any byte, LF or CRLF", "[llm]") {
  const auto whole = ok(decode(wire_format::anthropic, anthropic_text_stream));
  for (const std::string& body :
       {std::string{anthropic_text_stream}, with_crlf(anthropic_text_stream)}) {
    for_every_split(body, [&](const std::vector<std::size_t>& cuts) {
      const auto d = decode_in_chunks(wire_format::anthropic, body, cuts);
      const auto& response = ok(d);
      REQUIRE(response.text == whole.text);
      REQUIRE(response.tokens.output_tokens == 15);
      REQUIRE(response.tokens.input_tokens == 25);
      REQUIRE(d.streamed == whole.text);
    });
  }
}

TEST_CASE("sse_stream assembles Anthropic tool_use input from input_json_delta", "[llm]") {
  for_every_split(anthropic_tool_stream, [](const std::vector<std::size_t>& cuts) {
    const auto d = decode_in_chunks(wire_format::anthropic, anthropic_tool_stream, cuts);
    const auto& response = ok(d);
    REQUIRE(response.stop_reason == "tool_use");
    REQUIRE(response.text == "Okay, let's check the weather for San Francisco, CA:");
    REQUIRE(response.tokens.output_tokens == 89);
    REQUIRE(nlohmann::json::parse(response.tool_calls_json) ==
            nlohmann::json::parse(R"([{"id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather",
                                       "input":{"location":"San Francisco, CA","unit":"fahrenheit"}}])"));
  });
}

TEST_CASE("sse_stream decodes OpenAI's documented chunks split at any byte", "[llm]") {
  const auto d = decode(wire_format::openai, openai_text_stream);
  const auto& whole = ok(d);
  CHECK(whole.id == "chatcmpl-123");
  CHECK(whole.model == "gpt-4o-mini");
  CHECK(whole.text == "Hello! Caf\u00e9 \u2615 time?");
  CHECK(whole.stop_reason == "end_turn");
  CHECK(whole.tokens.input_tokens == 2006 - 1920);
  CHECK(whole.tokens.cache_read_input_tokens == 1920);
  CHECK(whole.tokens.output_tokens == 15);
  CHECK(d.streamed == whole.text);
  for (const std::string& body : {std::string{openai_text_stream}, with_crlf(openai_text_stream)}) {
    for_every_split(body, [&](const std::vector<std::size_t>& cuts) {
      const auto split = decode_in_chunks(wire_format::openai, body, cuts);
      REQUIRE(ok(split).text == whole.text);
      REQUIRE(ok(split).tokens.output_tokens == 15);
      REQUIRE(split.streamed == whole.text);
    });
  }
}

TEST_CASE("sse_stream assembles OpenAI streamed tool calls", "[llm]") {
  for_every_split(openai_tool_stream, [](const std::vector<std::size_t>& cuts) {
    const auto d = decode_in_chunks(wire_format::openai, openai_tool_stream, cuts);
    const auto& response = ok(d);
    REQUIRE(response.stop_reason == "tool_use");
    REQUIRE(response.text.empty());
    REQUIRE(response.tokens.input_tokens == 60);
    REQUIRE(nlohmann::json::parse(response.tool_calls_json) ==
            nlohmann::json::parse(R"([{"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","name":"get_weather",
                                       "input":{"location":"Paris, France"}}])"));
  });
}

TEST_CASE("sse_stream: comments, multi-line data, no final blank line", "[llm]") {
  // A keep-alive comment, data split over two lines (joined with \n, still one
  // JSON document) and a [DONE] without the closing blank line.
  const std::string body =
      ": keep-alive\n\n"
      "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\n"
      "data: \"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
      "data:{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n"
      "data: [DONE]";
  const auto d = decode(wire_format::openai, body);
  CHECK(ok(d).text == "hi");
  CHECK(ok(d).tokens.input_tokens == 3);
}

TEST_CASE("sse_stream: errors, truncation and missing usage", "[llm]") {
  SECTION("Anthropic error event mid-stream") {
    const std::string prefix = anthropic_text_stream;
    const std::string body =
        prefix.substr(0, prefix.find("event: content_block_stop")) +
        "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", "
        "\"message\": \"Overloaded\"}}\n\n";
    const auto d = decode(wire_format::anthropic, body);
    const auto& error = failed(d);
    CHECK(error.code == client_errc::overloaded);
    CHECK(error.http_status == 200);
    CHECK(error.message.find("Overloaded") != std::string::npos);
  }
  SECTION("OpenAI error chunk") {
    const std::string body =
        "data: {\"error\":{\"message\":\"Rate limit "
        "reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}\n\n";
    CHECK(failed(decode(wire_format::openai, body)).code == client_errc::rate_limited);
  }
  SECTION("a stream cut before its end is malformed") {
    const std::string anthropic = anthropic_text_stream;
    const std::string openai = openai_text_stream;
    CHECK(failed(decode(wire_format::anthropic,
                        anthropic.substr(0, anthropic.find("event: message_stop"))))
              .code == client_errc::malformed_response);
    CHECK(failed(decode(wire_format::openai,
                        openai.substr(0, openai.find("\"finish_reason\":\"stop\"") - 40)))
              .code == client_errc::malformed_response);
    CHECK(failed(decode(wire_format::anthropic, anthropic.substr(0, anthropic.size() / 2))).code ==
          client_errc::malformed_response);
    CHECK(failed(decode(wire_format::openai, "")).code == client_errc::malformed_response);
  }
  SECTION("an OpenAI stream without usage cannot be billed") {
    std::string body = openai_text_stream;
    const auto usage_chunk = body.find(
        "data: "
        "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
        "\"model\":\"gpt-4o-mini\", \"system_fingerprint\": \"fp_44709d6fcb\", \"choices\":[],");
    REQUIRE(usage_chunk != std::string::npos);
    body.erase(usage_chunk, body.find("data: [DONE]") - usage_chunk);
    const auto d = decode(wire_format::openai, body);
    const auto& error = failed(d);
    CHECK(error.code == client_errc::malformed_response);
    CHECK(error.message.find("usage") != std::string::npos);
  }
  SECTION("event data that is not JSON") {
    CHECK(failed(decode(wire_format::anthropic, "event: message_start\ndata: {oops\n\n")).code ==
          client_errc::malformed_response);
  }
}

TEST_CASE("sse_stream: non-2xx answers and servers that ignore stream", "[llm]") {
  const auto limited =
      decode(wire_format::anthropic,
             R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})", 429);
  CHECK(failed(limited).code == client_errc::rate_limited);
  CHECK(failed(limited).http_status == 429);
  CHECK(failed(limited).message.find("slow down") != std::string::npos);

  // A plain JSON answer to a streaming request is still an answer.
  const auto plain = decode(
      wire_format::openai,
      R"({"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"whole"},"finish_reason":"stop"}],
          "usage":{"prompt_tokens":4,"completion_tokens":1}})");
  CHECK(ok(plain).text == "whole");
  CHECK(plain.streamed == "whole");
}

TEST_CASE("sse_stream: an exception from the consumer propagates from feed", "[llm]") {
  sse_stream stream{wire_format::anthropic,
                    [](std::string_view) { throw std::runtime_error{"consumer gone"}; }};
  CHECK_THROWS_AS(stream.feed(anthropic_text_stream), std::runtime_error);
}
