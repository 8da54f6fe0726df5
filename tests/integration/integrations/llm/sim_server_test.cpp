#include "integrations/llm/sim_server.hpp"
#include "integrations/llm/anthropic_client.hpp"

#include <curl/curl.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace openhouse::llm;
using namespace std::chrono_literals;

namespace {

simulator_options instant_options() {
  simulator_options options;
  options.latency = 0ms;
  return options;
}

messages_request sample_request(std::string text = "Hi, I'd like to buy a 3 bed home in 78704") {
  messages_request request;
  request.model = "claude-sonnet-4-5";
  request.system = {{std::string(2000, 'x') + " You are a real-estate assistant.", true}};
  request.messages = {{"user", std::move(text)}};
  request.max_tokens = 200;
  request.task = "reply";
  return request;
}

client_options options_for(const sim_server& server, std::vector<std::string> headers = {}) {
  client_options options;
  options.base_url = server.base_url();
  options.api_key = "test-key";
  options.timeout = 5s;
  options.extra_headers = std::move(headers);
  return options;
}

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

/// GET with plain libcurl: the Messages client only POSTs.
nlohmann::json get_json(const std::string& url) {
  CURL* curl = curl_easy_init();
  REQUIRE(curl != nullptr);
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  const auto rc = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  REQUIRE(rc == CURLE_OK);
  return nlohmann::json::parse(body);
}

const client_error& failed(const std::variant<messages_response, client_error>& result) {
  REQUIRE(std::holds_alternative<client_error>(result));
  return std::get<client_error>(result);
}

const messages_response& ok(const std::variant<messages_response, client_error>& result) {
  if (const auto* error = std::get_if<client_error>(&result)) {
    FAIL("unexpected " << to_string(error->code) << ": " << error->message);
  }
  return std::get<messages_response>(result);
}

}  // namespace

TEST_CASE("sim-llm answers the Anthropic client with a reply and usage", "[llm]") {
  sim_server server{instant_options()};
  server.start();
  REQUIRE(server.port() != 0);
  anthropic_client client{options_for(server)};

  const auto first_result = client.send(sample_request());
  const auto& first = ok(first_result);
  CHECK_FALSE(first.text.empty());
  CHECK(first.stop_reason == "end_turn");
  CHECK(first.model == "claude-sonnet-4-5");
  CHECK(first.id.rfind("msg_", 0) == 0);
  CHECK(first.tokens.cache_creation_input_tokens > 500);
  CHECK(first.tokens.cache_read_input_tokens == 0);
  CHECK(first.tokens.input_tokens > 0);
  CHECK(first.tokens.output_tokens > 0);

  const auto second_result = client.send(sample_request());
  const auto& second = ok(second_result);
  CHECK(second.text == first.text);
  CHECK(second.tokens.cache_read_input_tokens == first.tokens.cache_creation_input_tokens);
  CHECK(second.tokens.cache_creation_input_tokens == 0);

  auto intent = sample_request("What's my house worth? I'm thinking of selling");
  intent.task = "intent";
  const auto intent_result = client.send(intent);
  CHECK(nlohmann::json::parse(ok(intent_result).text)["intent"] == "seller");

  // Keep-alive: three calls, one connection.
  CHECK(client.connections_opened() == 1);

  const auto stats = get_json(server.base_url() + "/stats");
  CHECK(stats["requests"] == 3);
  CHECK(stats["by_path"]["/v1/messages"] == 3);
  server.stop();
}

TEST_CASE("sim-llm faults map to client errors", "[llm]") {
  sim_server server{instant_options()};
  server.start();

  SECTION("429 with retry-after") {
    anthropic_client client{options_for(server, {"x-sim-fault: 429"})};
    const auto result = client.send(sample_request());
    const auto& error = failed(result);
    CHECK(error.code == client_errc::rate_limited);
    CHECK(error.http_status == 429);
    CHECK(error.retry_after == std::chrono::seconds{1});
  }
  SECTION("529") {
    anthropic_client client{options_for(server, {"x-sim-fault: 529"})};
    const auto result = client.send(sample_request());
    CHECK(failed(result).code == client_errc::overloaded);
    CHECK(failed(result).http_status == 529);
  }
  SECTION("500") {
    anthropic_client client{options_for(server, {"x-sim-fault: 500"})};
    const auto result = client.send(sample_request());
    CHECK(failed(result).code == client_errc::server_error);
  }
  SECTION("malformed") {
    anthropic_client client{options_for(server, {"x-sim-fault: malformed"})};
    const auto result = client.send(sample_request());
    CHECK(failed(result).code == client_errc::malformed_response);
  }
  SECTION("bad request") {
    anthropic_client client{options_for(server)};
    auto request = sample_request();
    request.messages.clear();
    const auto result = client.send(request);
    CHECK(failed(result).code == client_errc::bad_request);
    CHECK(failed(result).http_status == 400);
  }
  server.stop();
}

TEST_CASE("sim-llm fault rates from options", "[llm]") {
  auto options = instant_options();
  options.fault_rate_529 = 1.0;
  sim_server server{options};
  server.start();
  anthropic_client client{options_for(server)};
  for (int i = 0; i < 3; ++i) {
    const auto result = client.send(sample_request());
    CHECK(failed(result).code == client_errc::overloaded);
  }
  CHECK(get_json(server.base_url() + "/stats")["requests"] == 3);
}

TEST_CASE("sim-llm timeout fault trips the client's timeout without blocking the server", "[llm]") {
  auto options = instant_options();
  options.io_threads = 1;
  options.timeout_fault_delay = 10s;
  sim_server server{options};
  server.start();

  auto slow_options = options_for(server, {"x-sim-fault: timeout"});
  slow_options.timeout = 300ms;
  anthropic_client slow{slow_options};
  const auto started = std::chrono::steady_clock::now();
  const auto result = slow.send(sample_request());
  CHECK(failed(result).code == client_errc::timeout);
  CHECK(failed(result).http_status == 0);
  CHECK(std::chrono::steady_clock::now() - started < 3s);

  // The held answer sits on a timer: the single I/O thread still serves others.
  anthropic_client fast{options_for(server)};
  const auto fast_result = fast.send(sample_request());
  CHECK_FALSE(ok(fast_result).text.empty());

  // The timed-out call has not been answered yet; stop() answers it at once.
  CHECK(get_json(server.base_url() + "/stats")["requests"] == 1);
  const auto stopping = std::chrono::steady_clock::now();
  server.stop();
  CHECK(std::chrono::steady_clock::now() - stopping < 3s);
}

TEST_CASE("sim-llm latency runs on timers, concurrently", "[llm]") {
  auto options = instant_options();
  options.latency = 400ms;
  options.io_threads = 1;
  sim_server server{options};
  server.start();

  constexpr int callers = 8;
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < callers; ++i) {
    threads.emplace_back([&, i] {
      anthropic_client client{options_for(server)};
      const auto result = client.send(sample_request("caller " + std::to_string(i)));
      if (std::holds_alternative<messages_response>(result)) ++answered;
    });
  }
  for (auto& thread : threads) thread.join();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(answered == callers);
  CHECK(elapsed >= 400ms);
  CHECK(elapsed < 2s);  // serial waiting on one I/O thread would take 3.2 s
  CHECK(get_json(server.base_url() + "/stats")["by_path"]["/v1/messages"] == callers);
}

TEST_CASE("anthropic_client reports transport errors", "[llm]") {
  std::string url;
  {
    sim_server server{instant_options()};
    server.start();
    url = server.base_url();
  }  // stopped: nothing listens on the port any more
  client_options options;
  options.base_url = url + "/";
  options.timeout = 2s;
  anthropic_client client{options};
  const auto result = client.send(sample_request());
  CHECK(failed(result).code == client_errc::transport);
  CHECK(failed(result).http_status == 0);
}
