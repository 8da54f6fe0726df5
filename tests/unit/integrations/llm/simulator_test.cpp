#include "integrations/llm/simulator.hpp"
#include "core/llm_messages.hpp"
#include "integrations/llm/sim_answers.hpp"
#include "integrations/llm/sse_stream.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace openhouse::llm;
using namespace std::chrono_literals;

namespace {

/// A steady clock the test moves by hand.
struct fake_clock {
  std::shared_ptr<std::chrono::steady_clock::time_point> now =
      std::make_shared<std::chrono::steady_clock::time_point>(
          std::chrono::steady_clock::time_point{} + 1h);
  simulator::clock_fn fn() const {
    return [now = now] { return *now; };
  }
  void advance(std::chrono::steady_clock::duration d) const { *now += d; }
};

sim_behaviour instant() {
  sim_behaviour behaviour;
  behaviour.latency = 0ms;
  return behaviour;
}

sim_request post_messages(const messages_request& request) {
  return sim_request{"POST", "/v1/messages", to_json(request).dump(), request.task, ""};
}

messages_request sample(std::string user_text, std::string task = "reply") {
  messages_request request;
  request.model = "claude-sonnet-4-5";
  request.system = {{std::string(400, 's'), true}, {"Lead context: Jane", false}};
  request.messages = {{"user", std::move(user_text)}};
  request.task = std::move(task);
  return request;
}

messages_response parse_ok(const sim_response& response) {
  REQUIRE(response.status == 200);
  auto parsed = parse_messages_response(response.status, response.body, std::nullopt);
  REQUIRE(std::holds_alternative<messages_response>(parsed));
  return std::get<messages_response>(parsed);
}

}  // namespace

TEST_CASE("simulator: equal requests give equal answers", "[llm]") {
  simulator a{instant()};
  simulator b{instant()};
  const auto request = sample("Hi, we want to buy a 3 bed home around $450k in 78704");
  const auto first = parse_ok(a.handle(post_messages(request)));
  const auto again = parse_ok(a.handle(post_messages(request)));
  const auto other_instance = parse_ok(b.handle(post_messages(request)));
  CHECK(first.text == again.text);
  CHECK(first.text == other_instance.text);
  CHECK(first.tokens.output_tokens == other_instance.tokens.output_tokens);
  CHECK(first.id != again.id);  // ids stay unique, like the provider's
  CHECK(first.stop_reason == "end_turn");
  CHECK(first.model == "claude-sonnet-4-5");

  // The reply carries the lead's own details, so another lead's numbers differ.
  CHECK(first.text.find("$450,000") != std::string::npos);
  CHECK(first.text.find("78704") != std::string::npos);
  const auto different = parse_ok(
      a.handle(post_messages(sample("We want to buy a 3 bed home around $600k in 78745"))));
  CHECK(different.text != first.text);
}

TEST_CASE("simulator: response body has Anthropic's shape", "[llm]") {
  simulator sim{instant()};
  const auto response = sim.handle(post_messages(sample("hello")));
  REQUIRE(response.status == 200);
  CHECK(response.counted_path == "/v1/messages");
  const auto body = nlohmann::json::parse(response.body);
  CHECK(body["type"] == "message");
  CHECK(body["role"] == "assistant");
  CHECK(body["id"].get<std::string>().rfind("msg_", 0) == 0);
  REQUIRE(body["content"].is_array());
  CHECK(body["content"][0]["type"] == "text");
  CHECK(body["stop_reason"] == "end_turn");
  for (const char* field : {"input_tokens", "output_tokens", "cache_creation_input_tokens",
                            "cache_read_input_tokens"}) {
    CHECK(body["usage"][field].is_number_integer());
  }
}

TEST_CASE("simulator: token estimate is ceil(chars / 4), at least 1", "[llm]") {
  CHECK(sim::estimate_tokens("") == 1);
  CHECK(sim::estimate_tokens("abcd") == 1);
  CHECK(sim::estimate_tokens("abcde") == 2);
  CHECK(sim::estimate_tokens(std::string(400, 'x')) == 100);
}

TEST_CASE("simulator: prompt-cache accounting", "[llm]") {
  const fake_clock clock;
  simulator sim{instant(), clock.fn()};
  const auto request = sample("I want to sell my house");
  const std::int64_t prefix = 100;  // 400 chars in the cached block
  const std::int64_t rest = sim::estimate_tokens("Lead context: Jane") +
                            sim::estimate_tokens("user:I want to sell my house");

  const auto first = parse_ok(sim.handle(post_messages(request)));
  CHECK(first.tokens.cache_creation_input_tokens == prefix);
  CHECK(first.tokens.cache_read_input_tokens == 0);
  CHECK(first.tokens.input_tokens == rest);

  clock.advance(4min);
  const auto second = parse_ok(sim.handle(post_messages(request)));
  CHECK(second.tokens.cache_creation_input_tokens == 0);
  CHECK(second.tokens.cache_read_input_tokens == prefix);
  CHECK(second.tokens.input_tokens == rest);

  // Each read refreshes the 5-minute TTL: 4 more minutes is still warm...
  clock.advance(4min);
  CHECK(parse_ok(sim.handle(post_messages(request))).tokens.cache_read_input_tokens == prefix);
  // ...but more than 5 minutes idle is cold again.
  clock.advance(5min + 1s);
  const auto expired = parse_ok(sim.handle(post_messages(request)));
  CHECK(expired.tokens.cache_creation_input_tokens == prefix);
  CHECK(expired.tokens.cache_read_input_tokens == 0);

  // Another user message behind the same prefix still reads it.
  const auto other_message =
      parse_ok(sim.handle(post_messages(sample("Is my home worth more now?"))));
  CHECK(other_message.tokens.cache_read_input_tokens == prefix);

  // A different prefix, or another model, writes its own entry.
  auto changed = request;
  changed.system[0].text = std::string(400, 't');
  CHECK(parse_ok(sim.handle(post_messages(changed))).tokens.cache_creation_input_tokens == prefix);
  auto other_model = request;
  other_model.model = "claude-haiku-4-5";
  CHECK(parse_ok(sim.handle(post_messages(other_model))).tokens.cache_creation_input_tokens ==
        prefix);
}

TEST_CASE("simulator: without cache_control everything is input", "[llm]") {
  simulator sim{instant()};
  auto request = sample("hello");
  request.system[0].cache = false;
  for (int i = 0; i < 2; ++i) {
    const auto response = parse_ok(sim.handle(post_messages(request)));
    CHECK(response.tokens.cache_creation_input_tokens == 0);
    CHECK(response.tokens.cache_read_input_tokens == 0);
    CHECK(response.tokens.input_tokens ==
          100 + sim::estimate_tokens("Lead context: Jane") + sim::estimate_tokens("user:hello"));
  }
}

TEST_CASE("simulator: intent task answers parseable JSON", "[llm]") {
  simulator sim{instant()};
  struct example {
    const char* text;
    const char* intent;
  };
  const example examples[] = {
      {"Hi! I'm looking to buy a 3 bedroom house, we're preapproved", "buyer"},
      {"What's my home worth? Thinking about selling this spring", "seller"},
      {"How do closing costs work here?", "faq"},
      {"Can a real person call me please", "human"},
      {"Can we tour it saturday? or set up a showing", "scheduling"},
      {"hello", "greeting"},
      {"ok", "other"},
  };
  for (const auto& [text, intent] : examples) {
    INFO(text);
    const auto response = parse_ok(sim.handle(post_messages(sample(text, "intent"))));
    const auto answer = nlohmann::json::parse(response.text);
    CHECK(answer["intent"] == intent);
    CHECK(answer["confidence"].get<double>() > 0.0);
    CHECK(answer["confidence"].get<double>() <= 1.0);
    CHECK(answer["scores"].is_object());
  }
  const auto clear = nlohmann::json::parse(
      parse_ok(sim.handle(post_messages(sample("I want to buy a house", "intent")))).text);
  CHECK(clear["confidence"].get<double>() >= 0.7);  // above the default lead->buyer threshold
}

TEST_CASE("simulator: facts task extracts lead facts", "[llm]") {
  const auto facts =
      sim::extract_facts({"We're pre-approved up to $450k",
                          "Need 3 bedrooms in 78704 within 3 months, relocating for a new job"});
  CHECK(facts["budget"] == 450000);
  CHECK(facts["pre_approved"] == true);
  CHECK(facts["bedrooms"] == 3);
  CHECK(facts["zip"] == "78704");
  CHECK(facts["timeline"] == "3 months");
  CHECK(facts["motivation"] == "relocation");
  CHECK(facts["property_condition"].is_null());

  const auto seller =
      sim::extract_facts({"Not pre-approved. Selling a fixer condo, $1.2 million, asap"});
  CHECK(seller["pre_approved"] == false);
  CHECK(seller["budget"] == 1200000);
  CHECK(seller["property_condition"] == "needs_work");
  CHECK(seller["property_type"] == "condo");
  CHECK(seller["timeline"] == "asap");
  CHECK(seller["zip"].is_null());

  simulator sim{instant()};
  const auto response = parse_ok(sim.handle(post_messages(sample("budget is $500,000", "facts"))));
  CHECK(nlohmann::json::parse(response.text)["budget"] == 500000);
}

TEST_CASE("simulator: max_tokens cuts the answer", "[llm]") {
  simulator sim{instant()};
  auto request = sample("I'd like to buy a house in 78704 for $450k");
  request.max_tokens = 3;
  const auto response = parse_ok(sim.handle(post_messages(request)));
  CHECK(response.stop_reason == "max_tokens");
  CHECK(response.text.size() == 12);
  CHECK(response.tokens.output_tokens == 3);
}

TEST_CASE("simulator: bad requests get Anthropic's 400 error shape", "[llm]") {
  simulator sim{instant()};
  const char* bodies[] = {
      "{not json",
      R"({"max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]})",  // no model
      R"({"model": "claude-sonnet-4-5", "max_tokens": 10})",                     // no messages
      R"({"model": "claude-sonnet-4-5", "messages": []})",                       // empty
      R"({"model": "claude-sonnet-4-5", "messages": [{"role": "robot", "content": "hi"}]})",
      R"({"model": "claude-sonnet-4-5", "max_tokens": 0, "messages": [{"role": "user", "content": "hi"}]})",
  };
  for (const char* body : bodies) {
    INFO(body);
    const auto response = sim.handle({"POST", "/v1/messages", body, "", ""});
    CHECK(response.status == 400);
    const auto json = nlohmann::json::parse(response.body);
    CHECK(json["type"] == "error");
    CHECK(json["error"]["type"] == "invalid_request_error");
    CHECK(json["error"]["message"].is_string());
  }
  CHECK(sim.handle({"POST", "/v1/nothing", "{}", "", ""}).status == 404);
  CHECK(sim.handle({"GET", "/v1/messages", "", "", ""}).status == 405);
}

TEST_CASE("simulator: faults by header", "[llm]") {
  auto behaviour = instant();
  behaviour.timeout_fault_delay = 7s;
  simulator sim{behaviour};
  auto request = post_messages(sample("hello"));

  request.fault = "429";
  auto response = sim.handle(request);
  CHECK(response.status == 429);
  CHECK(response.headers == std::vector<std::pair<std::string, std::string>>{{"retry-after", "1"}});
  auto parsed = parse_messages_response(response.status, response.body, std::string{"1"});
  REQUIRE(std::holds_alternative<client_error>(parsed));
  CHECK(std::get<client_error>(parsed).code == client_errc::rate_limited);
  CHECK(std::get<client_error>(parsed).retry_after == std::chrono::seconds{1});

  request.fault = "529";
  response = sim.handle(request);
  CHECK(response.status == 529);
  CHECK(nlohmann::json::parse(response.body)["error"]["type"] == "overloaded_error");

  request.fault = "500";
  response = sim.handle(request);
  CHECK(response.status == 500);
  CHECK(nlohmann::json::parse(response.body)["error"]["type"] == "api_error");

  request.fault = "malformed";
  response = sim.handle(request);
  CHECK(response.status == 200);
  CHECK_FALSE(nlohmann::json::accept(response.body));
  parsed = parse_messages_response(response.status, response.body, std::nullopt);
  REQUIRE(std::holds_alternative<client_error>(parsed));
  CHECK(std::get<client_error>(parsed).code == client_errc::malformed_response);

  request.fault = "timeout";
  response = sim.handle(request);
  CHECK(response.status == 200);
  CHECK(response.delay == 7s);
  CHECK(response.counted_path == "/v1/messages");
}

TEST_CASE("simulator: faults by rate", "[llm]") {
  auto behaviour = instant();
  behaviour.fault_rate_429 = 0.2;
  behaviour.fault_rate_500 = 0.1;
  simulator sim{behaviour};
  int rate_limited = 0;
  int server_errors = 0;
  int ok = 0;
  const auto request = post_messages(sample("hello"));
  for (int i = 0; i < 2000; ++i) {
    const auto status = sim.handle(request).status;
    rate_limited += status == 429 ? 1 : 0;
    server_errors += status == 500 ? 1 : 0;
    ok += status == 200 ? 1 : 0;
  }
  CHECK(rate_limited == Approx(400).margin(80));
  CHECK(server_errors == Approx(200).margin(60));
  CHECK(ok == 2000 - rate_limited - server_errors);
}

TEST_CASE("simulator: latency", "[llm]") {
  CHECK(simulator{instant()}.handle(post_messages(sample("hi"))).delay == 0ms);

  sim_behaviour fixed;
  fixed.latency = 250ms;
  CHECK(simulator{fixed}.handle(post_messages(sample("hi"))).delay == 250ms);

  simulator realistic{sim_behaviour{}};
  const auto median_for = [&](const char* model) {
    std::vector<std::int64_t> delays;
    for (int i = 0; i < 301; ++i) {
      auto request = sample("message number " + std::to_string(i));
      request.model = model;
      delays.push_back(realistic.handle(post_messages(request)).delay.count());
    }
    std::nth_element(delays.begin(), delays.begin() + 150, delays.end());
    return delays[150];
  };
  CHECK(median_for("claude-sonnet-4-5") == Approx(800).margin(120));
  CHECK(median_for("claude-haiku-4-5") == Approx(300).margin(50));
  // The draw is a function of the request: a replay takes as long.
  const auto request = post_messages(sample("same"));
  CHECK(realistic.handle(request).delay == realistic.handle(request).delay);
}

TEST_CASE("simulator: OpenAI chat completions", "[llm]") {
  const fake_clock clock;
  simulator sim{instant(), clock.fn()};
  const nlohmann::json body = {{"model", "gpt-4o-mini"},
                               {"messages",
                                {{{"role", "system"}, {"content", std::string(200, 'p')}},
                                 {{"role", "user"}, {"content", "hello there"}}}}};
  const sim_request request{"POST", "/v1/chat/completions", body.dump(), "reply", ""};
  const auto first = nlohmann::json::parse(sim.handle(request).body);
  CHECK(first["object"] == "chat.completion");
  CHECK(first["choices"][0]["message"]["role"] == "assistant");
  CHECK(first["choices"][0]["finish_reason"] == "stop");
  CHECK(first["usage"]["prompt_tokens"] == 50 + sim::estimate_tokens("hello there"));
  CHECK(first["usage"]["prompt_tokens_details"]["cached_tokens"] == 0);
  const auto second = nlohmann::json::parse(sim.handle(request).body);
  CHECK(second["usage"]["prompt_tokens_details"]["cached_tokens"] == 50);
  CHECK(second["choices"][0]["message"]["content"] == first["choices"][0]["message"]["content"]);
  CHECK(second["usage"]["total_tokens"] == second["usage"]["prompt_tokens"].get<int>() +
                                               second["usage"]["completion_tokens"].get<int>());

  const auto bad = sim.handle({"POST", "/v1/chat/completions", R"({"model":"x"})", "", ""});
  CHECK(bad.status == 400);
  CHECK(nlohmann::json::parse(bad.body)["error"]["type"] == "invalid_request_error");
}

TEST_CASE("simulator: embeddings are deterministic unit vectors", "[llm]") {
  simulator sim{instant()};
  const nlohmann::json body = {{"model", "text-embedding-3-small"},
                               {"input",
                                {"What are closing costs in Austin?", "closing costs in Austin",
                                 "Do you allow pets in the rental?"}}};
  const auto response = sim.handle({"POST", "/v1/embeddings", body.dump(), "", ""});
  REQUIRE(response.status == 200);
  const auto json = nlohmann::json::parse(response.body);
  CHECK(json["object"] == "list");
  REQUIRE(json["data"].size() == 3);
  std::vector<std::vector<float>> vectors;
  for (const auto& item : json["data"]) {
    CHECK(item["object"] == "embedding");
    vectors.push_back(item["embedding"].get<std::vector<float>>());
    CHECK(vectors.back().size() == 384);
    double norm = 0;
    for (const float v : vectors.back()) norm += double{v} * v;
    CHECK(std::sqrt(norm) == Approx(1.0).epsilon(1e-4));
  }
  const auto dot = [](const std::vector<float>& a, const std::vector<float>& b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += double{a[i]} * b[i];
    return sum;
  };
  CHECK(dot(vectors[0], vectors[1]) > dot(vectors[0], vectors[2]) + 0.3);
  CHECK(sim::embed("What are closing costs in Austin?") ==
        sim::embed("What are closing costs in Austin?"));
  CHECK(json["usage"]["prompt_tokens"].is_number_integer());
}

TEST_CASE("simulator: stats count answered calls", "[llm]") {
  simulator sim{instant()};
  CHECK(sim.stats() == nlohmann::json::parse(R"({"requests": 0, "by_path": {}})"));
  sim.record_answer("/v1/messages");
  sim.record_answer("/v1/messages");
  sim.record_answer("/v1/embeddings");
  sim.record_answer("");  // not a counted call
  CHECK(sim.stats() ==
        nlohmann::json::parse(
            R"({"requests": 3, "by_path": {"/v1/messages": 2, "/v1/embeddings": 1}})"));
  const auto served = sim.handle({"GET", "/stats", "", "", ""});
  CHECK(served.status == 200);
  CHECK(served.counted_path.empty());
  CHECK(nlohmann::json::parse(served.body)["requests"] == 3);
}

namespace {

std::variant<messages_response, client_error> decode_stream(wire_format format,
                                                            const sim_response& response) {
  sse_stream stream{format};
  stream.feed(response.body);
  return stream.finish(response.status, std::nullopt);
}

constexpr const char* showing_tool = R"([{"name":"schedule_showing","description":"Book a showing",
  "input_schema":{"type":"object","properties":{"address":{"type":"string"},"when":{"type":"string"},
  "duration_minutes":{"type":"integer"},"kind":{"type":"string","enum":["in_person","video"]}},
  "required":["address","when"]}}])";

}  // namespace

TEST_CASE("simulator: streamed Messages answer is Anthropic SSE with the same text and usage",
          "[llm]") {
  const fake_clock plain_clock;
  const fake_clock stream_clock;
  simulator plain{instant(), plain_clock.fn()};
  simulator streaming{instant(), stream_clock.fn()};
  auto request = sample("Hi, we want to buy a 3 bed home around $450k in 78704");
  const auto expected = parse_ok(plain.handle(post_messages(request)));
  request.stream = true;
  const auto response = streaming.handle(post_messages(request));
  REQUIRE(response.status == 200);
  CHECK(response.content_type == "text/event-stream");
  CHECK(response.body.rfind("event: message_start\ndata: ", 0) == 0);
  CHECK(response.body.find("event: content_block_delta") != std::string::npos);
  CHECK(response.body.find("event: message_stop") != std::string::npos);
  const auto decoded = decode_stream(wire_format::anthropic, response);
  REQUIRE(std::holds_alternative<messages_response>(decoded));
  const auto& streamed = std::get<messages_response>(decoded);
  CHECK(streamed.text == expected.text);
  CHECK(streamed.stop_reason == expected.stop_reason);
  CHECK(streamed.tokens.input_tokens == expected.tokens.input_tokens);
  CHECK(streamed.tokens.output_tokens == expected.tokens.output_tokens);
  CHECK(streamed.tokens.cache_creation_input_tokens == expected.tokens.cache_creation_input_tokens);

  // The malformed fault cuts the stream: no message_stop.
  auto faulty = post_messages(request);
  faulty.fault = "malformed";
  const auto cut = decode_stream(wire_format::anthropic, streaming.handle(faulty));
  REQUIRE(std::holds_alternative<client_error>(cut));
  CHECK(std::get<client_error>(cut).code == client_errc::malformed_response);
}

TEST_CASE("simulator: streamed chat completion is OpenAI SSE with usage chunk and [DONE]",
          "[llm]") {
  const fake_clock plain_clock;
  const fake_clock stream_clock;
  simulator plain{instant(), plain_clock.fn()};
  simulator streaming{instant(), stream_clock.fn()};
  auto request = sample("Can you tell me about closing costs?");
  request.model = "gpt-4o-mini";
  const auto expected =
      plain.handle({"POST", "/v1/chat/completions", to_chat_json(request).dump(), "reply", ""});
  const auto expected_response =
      std::get<messages_response>(parse_chat_response(200, expected.body, std::nullopt));
  request.stream = true;
  const auto response =
      streaming.handle({"POST", "/v1/chat/completions", to_chat_json(request).dump(), "reply", ""});
  REQUIRE(response.status == 200);
  CHECK(response.content_type == "text/event-stream");
  CHECK(response.body.size() > 14);
  CHECK(response.body.substr(response.body.size() - 14) == "data: [DONE]\n\n");
  CHECK(response.body.find("chat.completion.chunk") != std::string::npos);
  const auto decoded = decode_stream(wire_format::openai, response);
  REQUIRE(std::holds_alternative<messages_response>(decoded));
  const auto& streamed = std::get<messages_response>(decoded);
  CHECK(streamed.text == expected_response.text);
  CHECK(streamed.stop_reason == "end_turn");
  CHECK(streamed.tokens.input_tokens == expected_response.tokens.input_tokens);
  CHECK(streamed.tokens.output_tokens == expected_response.tokens.output_tokens);

  // Without include_usage there is no usage chunk.
  auto body = to_chat_json(request);
  body.erase("stream_options");
  const auto bare = streaming.handle({"POST", "/v1/chat/completions", body.dump(), "reply", ""});
  CHECK(bare.body.find("\"choices\":[]") == std::string::npos);
  // stream_options without stream is OpenAI's 400.
  body["stream"] = false;
  body["stream_options"] = {{"include_usage", true}};
  CHECK(streaming.handle({"POST", "/v1/chat/completions", body.dump(), "reply", ""}).status == 400);
}

TEST_CASE("simulator: tools answer scheduling requests with a deterministic tool call", "[llm]") {
  simulator sim{instant()};
  auto request = sample("Can we schedule a showing of 123 Oak Street on Saturday at 2pm?");
  request.tools_json = showing_tool;
  const auto first = parse_ok(sim.handle(post_messages(request)));
  CHECK(first.stop_reason == "tool_use");
  CHECK_FALSE(first.text.empty());
  const auto calls = nlohmann::json::parse(first.tool_calls_json);
  REQUIRE(calls.size() == 1);
  CHECK(calls[0]["name"] == "schedule_showing");
  CHECK(calls[0]["id"].get<std::string>().rfind("toolu_", 0) == 0);
  CHECK(calls[0]["input"] ==
        nlohmann::json::parse(R"({"address":"123 oak street","when":"saturday 2pm",
                                                          "duration_minutes":30,"kind":"in_person"})"));
  CHECK(parse_ok(sim.handle(post_messages(request))).tool_calls_json == first.tool_calls_json);

  // OpenAI: the same tool, converted by to_chat_json, answered as tool_calls.
  request.model = "gpt-4o-mini";
  const auto chat =
      sim.handle({"POST", "/v1/chat/completions", to_chat_json(request).dump(), "reply", ""});
  REQUIRE(chat.status == 200);
  const auto json = nlohmann::json::parse(chat.body);
  CHECK(json["choices"][0]["finish_reason"] == "tool_calls");
  CHECK(json["choices"][0]["message"]["content"].is_null());
  const auto parsed =
      std::get<messages_response>(parse_chat_response(200, chat.body, std::nullopt));
  CHECK(nlohmann::json::parse(parsed.tool_calls_json)[0]["input"] == calls[0]["input"]);

  // Not a scheduling request: a text answer, as without tools.
  auto chatty = sample("What are closing costs like?");
  const auto without_tools = parse_ok(sim.handle(post_messages(chatty)));
  chatty.tools_json = showing_tool;
  const auto with_tools = parse_ok(sim.handle(post_messages(chatty)));
  CHECK(with_tools.stop_reason == "end_turn");
  CHECK(with_tools.text == without_tools.text);
  CHECK(with_tools.tool_calls_json.empty());
  CHECK(with_tools.tokens.input_tokens + with_tools.tokens.cache_creation_input_tokens +
            with_tools.tokens.cache_read_input_tokens >
        without_tools.tokens.input_tokens + without_tools.tokens.cache_creation_input_tokens +
            without_tools.tokens.cache_read_input_tokens);  // tool definitions are prompt

  // Malformed tool lists are 400s in each API's shape.
  const auto bad = sim.handle(
      {"POST", "/v1/messages",
       R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"description":"x"}]})",
       "", ""});
  CHECK(bad.status == 400);
  const auto bad_chat = sim.handle(
      {"POST", "/v1/chat/completions",
       R"({"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"name":"x"}]})", "",
       ""});
  CHECK(bad_chat.status == 400);
  CHECK(nlohmann::json::parse(bad_chat.body)["error"]["type"] == "invalid_request_error");
}

TEST_CASE("simulator: sim::asks_to_schedule and pick_tool", "[llm]") {
  CHECK(sim::asks_to_schedule("Can I tour the house tomorrow?"));
  CHECK(sim::asks_to_schedule("I'd like to book a showing"));
  CHECK(sim::asks_to_schedule("When can we schedule a visit?"));
  CHECK_FALSE(sim::asks_to_schedule("What are closing costs in Austin?"));
  CHECK_FALSE(sim::asks_to_schedule("I want to sell my house"));
  CHECK(sim::pick_tool({"lookup_listing", "book_appointment"}) == "book_appointment");
  CHECK(sim::pick_tool({"lookup_listing", "other"}) == "lookup_listing");
  CHECK(sim::pick_tool({}).empty());
}

TEST_CASE("simulator: OpenAI prefix caching reads the longest warm system prefix", "[llm]") {
  simulator sim{instant()};
  messages_request request;
  request.model = "gpt-4o-mini";
  request.system = {{std::string(400, 's'), true}, {"Lead context: Jane", false}};
  request.messages = {{"user", "hello"}};
  const auto first = std::get<messages_response>(parse_chat_response(
      200,
      sim.handle({"POST", "/v1/chat/completions", to_chat_json(request).dump(), "reply", ""}).body,
      std::nullopt));
  CHECK(first.tokens.cache_read_input_tokens == 0);
  // Another lead: the stable block is warm, the lead block is not.
  request.system[1].text = "Lead context: Bob";
  const auto second = std::get<messages_response>(parse_chat_response(
      200,
      sim.handle({"POST", "/v1/chat/completions", to_chat_json(request).dump(), "reply", ""}).body,
      std::nullopt));
  CHECK(second.tokens.cache_read_input_tokens == 100);
}

TEST_CASE("the simulator answers a general question from the facts in its prompt",
          "[llm][sim][faq]") {
  using openhouse::llm::sim::faq_answer;
  // The facts of one entry: the answer is them.
  CHECK(faq_answer("You answer...\nAnswer from these facts only:\nOur fee is 2.5%.",
                   "Answer the question about: commission") == "Our fee is 2.5%.");
  // The whole catalog: the paragraph sharing most words with the question.
  const std::string catalog =
      "You answer...\nThe brokerage's facts:\n[commission] Our listing fee is 2.5%.\n"
      "[escrow_timeline] Escrow usually takes 30 to 45 days.";
  CHECK(faq_answer(catalog, "how many days does escrow usually take") ==
        "Escrow usually takes 30 to 45 days.");
  // Nothing the facts cover: an agent confirms, no figure is invented.
  const auto unknown = faq_answer(catalog, "can I keep chickens in Norco?");
  CHECK_THAT(unknown, Catch::Contains("agent will confirm"));
  // No facts at all: the friendly reply of old.
  CHECK_FALSE(faq_answer("You answer questions.", "hi there").empty());
}
