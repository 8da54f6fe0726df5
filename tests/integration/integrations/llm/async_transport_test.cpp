#include "integrations/llm/async_transport.hpp"
#include "integrations/llm/anthropic_client.hpp"
#include "integrations/llm/rate_limiter.hpp"
#include "integrations/llm/sim_server.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <string>

using namespace openhouse::llm;
using namespace std::chrono_literals;

namespace {

messages_request sample_request(const std::string& text) {
  messages_request request;
  request.model = "claude-haiku-4-5";
  request.messages = {{"user", text}};
  request.max_tokens = 50;
  request.task = "intent";
  return request;
}

/// The call an Anthropic client would make, with `extra` headers.
http_call call_for(const sim_server& sim, std::chrono::milliseconds timeout,
                   std::vector<std::string> extra = {}) {
  client_options options;
  options.base_url = sim.base_url();
  options.api_key = "test-key";
  options.timeout = timeout;
  options.extra_headers = std::move(extra);
  anthropic_client client{options};
  auto call = client.prepare(sample_request("is the house on elm street still listed"));
  REQUIRE(std::holds_alternative<http_call>(call));
  return std::get<http_call>(std::move(call));
}

async_transport::outcome run(async_transport& transport, http_call call) {
  std::promise<async_transport::outcome> done;
  auto answer = done.get_future();
  transport.submit(std::move(call),
                   [&done](async_transport::outcome o) { done.set_value(std::move(o)); });
  REQUIRE(answer.wait_for(10s) == std::future_status::ready);
  return answer.get();
}

}  // namespace

TEST_CASE("async transport: a call past its deadline is cancelled, its connection closed",
          "[llm][provider_client]") {
  simulator_options options;
  options.latency = 0ms;
  options.io_threads = 1;
  options.timeout_fault_delay = 10s;
  sim_server sim{options};
  sim.start();
  async_transport transport;

  // The simulator holds this answer for 10 s; the call's deadline is 300 ms.
  const auto started = std::chrono::steady_clock::now();
  auto late = run(transport, call_for(sim, 300ms, {"x-sim-fault: timeout"}));
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  REQUIRE(std::holds_alternative<client_error>(late));
  CHECK(std::get<client_error>(late).code == client_errc::timeout);
  CHECK(transport.in_flight() == 0);
  CHECK(transport.connections_opened() == 1);

  // The cancelled transfer's connection still owes an answer: it was closed,
  // so the next call opens a new one, and the one after reuses that.
  for (int i = 0; i < 2; ++i) {
    auto ok = run(transport, call_for(sim, 5s));
    REQUIRE(std::holds_alternative<http_answer>(ok));
    CHECK(std::get<http_answer>(ok).status == 200);
  }
  CHECK(transport.connections_opened() == 2);
  CHECK(transport.connections_reused() == 1);
}

TEST_CASE("async transport: rate-limit headers and retry-after reach the answer",
          "[llm][provider_client]") {
  simulator_options options;
  options.latency = 0ms;
  options.io_threads = 1;
  sim_server sim{options};
  sim.start();
  async_transport transport;
  auto limited = run(transport, call_for(sim, 5s, {"x-sim-fault: 429"}));
  REQUIRE(std::holds_alternative<http_answer>(limited));
  const auto& answer = std::get<http_answer>(limited);
  CHECK(answer.status == 429);
  CHECK(answer.retry_after == "1");
  CHECK_FALSE(answer.body.empty());
  REQUIRE(answer.limit_headers.size() == 1);
  CHECK(answer.limit_headers[0].first == "anthropic-ratelimit-requests-remaining");
  CHECK(answer.limit_headers[0].second == "0");
  CHECK(read_limit_headers(answer.limit_headers, std::chrono::system_clock::now())
            .requests_remaining == 0);
}

TEST_CASE("async transport: calls still open when it is destroyed fail, none is lost",
          "[llm][provider_client]") {
  simulator_options options;
  options.latency = 5000ms;
  options.io_threads = 1;
  sim_server sim{options};
  sim.start();
  std::promise<async_transport::outcome> done;
  auto answer = done.get_future();
  {
    async_transport transport;
    transport.submit(call_for(sim, 20s),
                     [&done](async_transport::outcome o) { done.set_value(std::move(o)); });
  }
  REQUIRE(answer.wait_for(0s) == std::future_status::ready);
  auto outcome = answer.get();
  REQUIRE(std::holds_alternative<client_error>(outcome));
  CHECK(std::get<client_error>(outcome).code == client_errc::transport);
}
