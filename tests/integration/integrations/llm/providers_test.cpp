#include "integrations/llm/anthropic_client.hpp"
#include "integrations/llm/embeddings_client.hpp"
#include "integrations/llm/openai_client.hpp"
#include "integrations/llm/sim_server.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

using namespace openhouse::llm;
using namespace std::chrono_literals;

// The OpenAI-compatible clients, streaming through both clients and tool use,
// over real HTTP against the simulator on a free port.

namespace {

simulator_options instant_options() {
  simulator_options options;
  options.latency = 0ms;
  return options;
}

client_options options_for(const sim_server& server, std::vector<std::string> headers = {}) {
  client_options options;
  options.base_url = server.base_url() + "/v1/";  // tolerated, as written in many configs
  options.api_key = "test-key";
  options.timeout = 5s;
  options.extra_headers = std::move(headers);
  return options;
}

messages_request sample_request(std::string model,
                                std::string text = "Hi, I'd like to buy a 3 bed home in 78704") {
  messages_request request;
  request.model = std::move(model);
  request.system = {{std::string(2000, 'x') + " You are a real-estate assistant.", true},
                    {"Lead: Jane, Austin.", false}};
  request.messages = {{"user", std::move(text)}};
  request.max_tokens = 200;
  request.task = "reply";
  return request;
}

constexpr const char* showing_tool = R"([{"name":"schedule_showing","description":"Book a showing",
  "input_schema":{"type":"object","properties":{"address":{"type":"string"},"when":{"type":"string"}},
  "required":["address","when"]}}])";

const messages_response& ok(const std::variant<messages_response, client_error>& result) {
  if (const auto* error = std::get_if<client_error>(&result)) {
    FAIL("unexpected " << to_string(error->code) << ": " << error->message);
  }
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

}  // namespace

TEST_CASE("openai_client: reply, usage and cached_tokens on the second identical prefix", "[llm]") {
  sim_server server{instant_options()};
  server.start();
  openai_client client{options_for(server)};

  const auto first_result = client.send(sample_request("gpt-4o-mini"));
  const auto& first = ok(first_result);
  CHECK_FALSE(first.text.empty());
  CHECK(first.stop_reason == "end_turn");
  CHECK(first.model == "gpt-4o-mini");
  CHECK(first.id.rfind("chatcmpl-", 0) == 0);
  CHECK(first.tokens.cache_read_input_tokens == 0);
  CHECK(first.tokens.cache_creation_input_tokens == 0);  // OpenAI does not bill cache writes
  CHECK(first.tokens.input_tokens > 500);
  CHECK(first.tokens.output_tokens > 0);

  // Another lead, same stable prefix: the prefix is read from cache.
  auto other = sample_request("gpt-4o-mini");
  other.system[1].text = "Lead: Bob, Dallas.";
  const auto second_result = client.send(other);
  const auto& second = ok(second_result);
  CHECK(second.text == first.text);
  CHECK(second.tokens.cache_read_input_tokens > 500);
  CHECK(second.tokens.input_tokens + second.tokens.cache_read_input_tokens ==
        first.tokens.input_tokens + first.tokens.cache_read_input_tokens);

  auto intent = sample_request("gpt-4o-mini", "What's my house worth? I'm thinking of selling");
  intent.task = "intent";
  const auto intent_result = client.send(intent);
  CHECK(nlohmann::json::parse(ok(intent_result).text)["intent"] == "seller");

  // Keep-alive: three calls, one connection.
  CHECK(client.connections_opened() == 1);
  CHECK(server.logic().stats()["by_path"]["/v1/chat/completions"] == 3);
}

TEST_CASE("openai_client works without an API key (Ollama, vLLM, llama.cpp)", "[llm]") {
  sim_server server{instant_options()};
  server.start();
  auto options = options_for(server);
  options.api_key.clear();
  openai_client client{options};
  CHECK_FALSE(ok(client.send(sample_request("llama3.1:8b"))).text.empty());
}

TEST_CASE("embeddings_client: a batch of 3 gives 3 unit vectors of equal dimension", "[llm]") {
  sim_server server{instant_options()};
  server.start();
  embeddings_client client{options_for(server), "text-embedding-3-small"};
  const std::vector<std::string> texts = {"What are closing costs in Austin?",
                                          "closing costs in Austin",
                                          "Do you allow pets in the rental?"};
  const auto result = client.embed(texts);
  if (const auto* error = std::get_if<client_error>(&result)) FAIL(error->message);
  const auto& vectors = std::get<embeddings>(result);
  REQUIRE(vectors.size() == 3);
  for (const auto& vector : vectors) {
    CHECK(vector.size() == vectors[0].size());
    double norm = 0;
    for (const float v : vector) norm += double{v} * v;
    CHECK(std::sqrt(norm) == Approx(1.0).epsilon(1e-4));
  }
  const auto dot = [](const std::vector<float>& a, const std::vector<float>& b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += double{a[i]} * b[i];
    return sum;
  };
  CHECK(dot(vectors[0], vectors[1]) > dot(vectors[0], vectors[2]));

  // Asked-for dimensions are sent and checked; no texts, no call.
  embeddings_client small{options_for(server), "text-embedding-3-small", 64};
  const auto shortened = small.embed({"one", "two"});
  REQUIRE(std::holds_alternative<embeddings>(shortened));
  CHECK(std::get<embeddings>(shortened)[1].size() == 64);
  CHECK(std::get<embeddings>(small.embed({})).empty());
  CHECK(server.logic().stats()["by_path"]["/v1/embeddings"] == 2);
}

TEST_CASE("streaming through both clients gives the non-streaming text and usage", "[llm]") {
  // Separate simulators, so that both runs see the same (cold) prompt cache.
  sim_server plain_server{instant_options()};
  sim_server stream_server{instant_options()};
  plain_server.start();
  stream_server.start();

  SECTION("anthropic_client") {
    anthropic_client plain{options_for(plain_server)};
    anthropic_client streaming{options_for(stream_server)};
    auto request = sample_request("claude-sonnet-4-5");
    const auto expected_result = plain.send(request);
    const auto& expected = ok(expected_result);
    request.stream = true;
    std::string pieces;
    int calls = 0;
    const auto streamed_result = streaming.send(request, [&](std::string_view text) {
      pieces.append(text);
      ++calls;
    });
    const auto& streamed = ok(streamed_result);
    CHECK(streamed.text == expected.text);
    CHECK(pieces == expected.text);
    CHECK(calls > 1);
    CHECK(streamed.stop_reason == expected.stop_reason);
    CHECK(streamed.model == expected.model);
    CHECK(streamed.tokens.input_tokens == expected.tokens.input_tokens);
    CHECK(streamed.tokens.output_tokens == expected.tokens.output_tokens);
    CHECK(streamed.tokens.cache_creation_input_tokens ==
          expected.tokens.cache_creation_input_tokens);
    CHECK(streamed.tokens.cache_read_input_tokens == expected.tokens.cache_read_input_tokens);
    // The stream reads the prefix its first call wrote.
    const auto again = streaming.send(request);
    CHECK(ok(again).tokens.cache_read_input_tokens == expected.tokens.cache_creation_input_tokens);
  }
  SECTION("openai_client") {
    openai_client plain{options_for(plain_server)};
    openai_client streaming{options_for(stream_server)};
    auto request = sample_request("gpt-4o-mini");
    const auto expected_result = plain.send(request);
    const auto& expected = ok(expected_result);
    request.stream = true;
    std::string pieces;
    int calls = 0;
    const auto streamed_result = streaming.send(request, [&](std::string_view text) {
      pieces.append(text);
      ++calls;
    });
    const auto& streamed = ok(streamed_result);
    CHECK(streamed.text == expected.text);
    CHECK(pieces == expected.text);
    CHECK(calls > 1);
    CHECK(streamed.stop_reason == "end_turn");
    CHECK(streamed.tokens.input_tokens == expected.tokens.input_tokens);
    CHECK(streamed.tokens.output_tokens == expected.tokens.output_tokens);
    CHECK(streamed.tokens.cache_read_input_tokens == 0);
    const auto again = streaming.send(request);
    CHECK(ok(again).tokens.cache_read_input_tokens > 500);
  }
}

TEST_CASE("tool use round trip through both clients, streaming and not", "[llm]") {
  sim_server server{instant_options()};
  server.start();
  anthropic_client anthropic{options_for(server)};
  openai_client openai{options_for(server)};
  const std::string ask = "Could we schedule a showing of 42 Elm Street tomorrow at 5pm?";

  const auto expected_input =
      nlohmann::json::parse(R"({"address":"42 elm street","when":"tomorrow 5pm"})");
  for (const bool stream : {false, true}) {
    INFO("stream " << stream);
    auto request = sample_request("claude-sonnet-4-5", ask);
    request.tools_json = showing_tool;
    request.stream = stream;
    REQUIRE(is_cache_bypass(request));

    const auto from_anthropic_result = anthropic.send(request);
    const auto& from_anthropic = ok(from_anthropic_result);
    CHECK(from_anthropic.stop_reason == "tool_use");
    const auto anthropic_calls = nlohmann::json::parse(from_anthropic.tool_calls_json);
    REQUIRE(anthropic_calls.size() == 1);
    CHECK(anthropic_calls[0]["name"] == "schedule_showing");
    CHECK(anthropic_calls[0]["id"].get<std::string>().rfind("toolu_", 0) == 0);
    CHECK(anthropic_calls[0]["input"] == expected_input);

    request.model = "gpt-4o-mini";
    const auto from_openai_result = openai.send(request);
    const auto& from_openai = ok(from_openai_result);
    CHECK(from_openai.stop_reason == "tool_use");
    const auto openai_calls = nlohmann::json::parse(from_openai.tool_calls_json);
    REQUIRE(openai_calls.size() == 1);
    CHECK(openai_calls[0]["name"] == "schedule_showing");
    CHECK(openai_calls[0]["id"].get<std::string>().rfind("call_", 0) == 0);
    CHECK(openai_calls[0]["input"] == expected_input);
  }

  // Tools offered but not needed: a plain answer.
  auto chatty = sample_request("gpt-4o-mini", "What are closing costs like here?");
  chatty.tools_json = showing_tool;
  const auto chatty_result = openai.send(chatty);
  CHECK(ok(chatty_result).stop_reason == "end_turn");
  CHECK(ok(chatty_result).tool_calls_json.empty());
  CHECK_FALSE(ok(chatty_result).text.empty());

  // A broken tool list never leaves the client.
  chatty.tools_json = "{not a list";
  const auto before = server.logic().stats()["requests"].get<int>();
  CHECK(failed(openai.send(chatty)).code == client_errc::bad_request);
  CHECK(failed(anthropic.send(chatty)).code == client_errc::bad_request);
  CHECK(server.logic().stats()["requests"] == before);
}

TEST_CASE("OpenAI-compatible faults map to client errors", "[llm]") {
  sim_server server{instant_options()};
  server.start();
  const auto chat_with = [&](const char* fault, bool stream = false) {
    openai_client client{options_for(server, {std::string{"x-sim-fault: "} + fault})};
    auto request = sample_request("gpt-4o-mini");
    request.stream = stream;
    return client.send(request);
  };
  const auto embed_with = [&](const char* fault) {
    embeddings_client client{options_for(server, {std::string{"x-sim-fault: "} + fault}),
                             "text-embedding-3-small"};
    return client.embed({"a", "b", "c"});
  };

  for (const bool stream : {false, true}) {
    INFO("stream " << stream);
    const auto limited = chat_with("429", stream);
    CHECK(failed(limited).code == client_errc::rate_limited);
    CHECK(failed(limited).http_status == 429);
    CHECK(failed(limited).retry_after == std::chrono::seconds{1});
    CHECK(failed(chat_with("529", stream)).code == client_errc::overloaded);
    CHECK(failed(chat_with("500", stream)).code == client_errc::server_error);
    CHECK(failed(chat_with("malformed", stream)).code == client_errc::malformed_response);
  }
  CHECK(failed(embed_with("429")).code == client_errc::rate_limited);
  CHECK(failed(embed_with("429")).retry_after == std::chrono::seconds{1});
  CHECK(failed(embed_with("529")).code == client_errc::overloaded);
  CHECK(failed(embed_with("500")).code == client_errc::server_error);
  CHECK(failed(embed_with("malformed")).code == client_errc::malformed_response);

  // Anthropic streaming faults, too.
  anthropic_client anthropic{options_for(server, {"x-sim-fault: malformed"})};
  auto request = sample_request("claude-haiku-4-5");
  request.stream = true;
  CHECK(failed(anthropic.send(request)).code == client_errc::malformed_response);

  openai_client plain{options_for(server)};
  auto bad = sample_request("");  // no model
  const auto rejected = plain.send(bad);
  CHECK(failed(rejected).code == client_errc::bad_request);
  CHECK(failed(rejected).http_status == 400);
  server.stop();
}

TEST_CASE("OpenAI-compatible timeouts and transport errors", "[llm]") {
  auto options = instant_options();
  options.timeout_fault_delay = 10s;
  sim_server server{options};
  server.start();

  auto slow = options_for(server, {"x-sim-fault: timeout"});
  slow.timeout = 300ms;
  openai_client chat{slow};
  auto request = sample_request("gpt-4o-mini");
  request.stream = true;
  const auto started = std::chrono::steady_clock::now();
  const auto result = chat.send(request);
  CHECK(failed(result).code == client_errc::timeout);
  CHECK(failed(result).http_status == 0);
  embeddings_client embed{slow, "text-embedding-3-small"};
  CHECK(failed(embed.embed({"a"})).code == client_errc::timeout);
  CHECK(std::chrono::steady_clock::now() - started < 3s);

  const std::string url = server.base_url();
  server.stop();
  client_options gone;
  gone.base_url = url;
  gone.timeout = 2s;
  openai_client nowhere{gone};
  CHECK(failed(nowhere.send(sample_request("gpt-4o-mini"))).code == client_errc::transport);
  embeddings_client nowhere_embed{gone, "m"};
  CHECK(failed(nowhere_embed.embed({"a"})).code == client_errc::transport);
}

TEST_CASE("a throwing stream consumer aborts the call", "[llm]") {
  sim_server server{instant_options()};
  server.start();
  anthropic_client client{options_for(server)};
  auto request = sample_request("claude-haiku-4-5");
  request.stream = true;
  const auto result =
      client.send(request, [](std::string_view) { throw std::runtime_error{"lead hung up"}; });
  CHECK(failed(result).code == client_errc::transport);
  CHECK(failed(result).message.find("lead hung up") != std::string::npos);
  // The client is still usable afterwards.
  request.stream = false;
  CHECK_FALSE(ok(client.send(request)).text.empty());
}
