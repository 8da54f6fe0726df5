// The provider client actor against the real simulator over real HTTP:
// a thousand slow calls at once on one event-loop thread, connection reuse on
// /metrics, rate limits with a bounded queue.

#include "runtime/llm_worker.hpp"
#include "core/metrics.hpp"
#include "integrations/llm/sim_server.hpp"
#include "runtime/node_parts.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <dirent.h>

#include <chrono>
#include <string>

using namespace openhouse;
using namespace std::chrono_literals;

namespace {

/// Threads of this process, read from /proc/self/task.
int thread_count() {
  DIR* dir = opendir("/proc/self/task");
  REQUIRE(dir != nullptr);
  int n = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n;
}

/// The value of an unlabelled sample `name` in a Prometheus text exposition.
double sample(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  REQUIRE(at != std::string::npos);
  return std::stod(text.substr(at + name.size() + 2));
}

llm::messages_request request_for(int i) {
  llm::messages_request r;
  r.model = "claude-haiku-4-5";
  r.task = "intent";
  r.system = {{"You classify what a real-estate lead wants.", false}};
  r.messages = {{"user", "lead number " + std::to_string(i) + " wants a two bedroom condo"}};
  r.max_tokens = 64;
  return r;
}

config::llm_settings settings_for(const llm::sim_server& sim, std::chrono::milliseconds timeout) {
  config::llm_settings s;
  s.provider = "anthropic";
  s.base_url = sim.base_url();
  s.api_key = "test-key";
  s.timeout = timeout;
  return s;
}

}  // namespace

TEST_CASE("provider client: 1,000 slow calls at once all complete without a thread each",
          "[llm][provider_client]") {
  llm::simulator_options options;
  options.latency = 1500ms;
  options.io_threads = 1;
  llm::sim_server sim{options};
  sim.start();

  runtime::node_config cfg;
  caf::actor_system sys{cfg};
  auto metrics = std::make_shared<runtime::metrics>();
  auto client = runtime::spawn_llm_client(sys, settings_for(sim, 30s), metrics);
  caf::scoped_actor self{sys};

  // One call first, so that every thread the system and curl start lazily exists.
  self->request(client, 30s, runtime::complete_atom_v, request_for(-1))
      .receive([](const llm::messages_response&) {},
               [&](const caf::error& e) { FAIL("warm-up failed: " << sys.render(e)); });
  const int threads_before = thread_count();

  constexpr int calls = 1000;
  for (int i = 0; i < calls; ++i) {
    self->send(client, runtime::complete_atom_v, request_for(i));
  }
  int answered = 0;
  int failed = 0;
  int threads_in_flight = 0;
  self->receive_for(answered, calls)(
      [&](const llm::messages_response& r) {
        // Read when the first answer is back: the other 999 are still in
        // flight (each waits 1.5 s at the simulator).
        if (answered == 0) threads_in_flight = thread_count();
        if (r.text.empty()) ++failed;
      },
      [&](const caf::error& e) {
        ++failed;
        UNSCOPED_INFO("call failed: " << sys.render(e));
      });
  CHECK(failed == 0);
  CHECK(threads_in_flight <= threads_before);
  const auto text = metrics->render();
  CHECK(sample(text, "openhouse_llm_calls_in_flight_peak") >= calls * 0.9);
  CHECK(sample(text, "openhouse_llm_calls_in_flight") == 0);
  CHECK(sample(text, "openhouse_llm_connections_opened_total") +
            sample(text, "openhouse_llm_connections_reused_total") >=
        calls + 1);
  caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
}

TEST_CASE("provider client: calls one after another share one connection, counted on /metrics",
          "[llm][provider_client]") {
  llm::simulator_options options;
  options.latency = 0ms;
  options.io_threads = 1;
  llm::sim_server sim{options};
  sim.start();

  runtime::node_config cfg;
  caf::actor_system sys{cfg};
  auto metrics = std::make_shared<runtime::metrics>();
  auto client = runtime::spawn_llm_client(sys, settings_for(sim, 5s), metrics);
  caf::scoped_actor self{sys};
  for (int i = 0; i < 4; ++i) {
    self->request(client, 10s, runtime::complete_atom_v, request_for(i))
        .receive([](const llm::messages_response&) {},
                 [&](const caf::error& e) { FAIL("call failed: " << sys.render(e)); });
  }
  const auto text = metrics->render();
  CHECK(sample(text, "openhouse_llm_connections_opened_total") == 1);
  CHECK(sample(text, "openhouse_llm_connections_reused_total") == 3);
  CHECK(sample(text, "openhouse_llm_calls_in_flight_peak") == 1);
  caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
}

TEST_CASE("provider client: calls over a model's rate limit wait, then run; a full queue refuses",
          "[llm][provider_client]") {
  llm::simulator_options options;
  options.latency = 0ms;
  options.io_threads = 1;
  llm::sim_server sim{options};
  sim.start();

  runtime::node_config cfg;
  caf::actor_system sys{cfg};
  auto metrics = std::make_shared<runtime::metrics>();
  // Two requests a minute: the first two start at once, the next three wait
  // (queue_limit 3) until their 1 s deadline passes, the sixth is refused.
  auto settings = settings_for(sim, 1s);
  settings.rate_limits["claude-haiku-4-5"].requests_per_minute = 2;
  settings.rate_limits["claude-sonnet-4-6"].requests_per_minute = 0;
  settings.queue_limit = 3;
  auto client = runtime::spawn_llm_client(sys, settings, metrics);
  caf::scoped_actor self{sys};

  for (int i = 0; i < 6; ++i) self->send(client, runtime::complete_atom_v, request_for(i));
  int ok = 0;
  int refused = 0;
  int timed_out = 0;
  int received = 0;
  self->receive_for(received, 6)([&](const llm::messages_response&) { ++ok; },
                                 [&](const caf::error& e) {
                                   const auto f = runtime::provider_error(e);
                                   if (f.code == llm::client_errc::rate_limited) ++refused;
                                   if (f.code == llm::client_errc::timeout) ++timed_out;
                                 });
  CHECK(ok == 2);
  CHECK(refused == 1);
  CHECK(timed_out == 3);
  const auto text = metrics->render();
  CHECK(sample(text, "openhouse_llm_calls_refused_total") == 1);
  CHECK(sample(text, "openhouse_llm_calls_queued") == 0);
  // Another model has no limit: it is not held behind the first one's queue
  // once that queue is empty.
  auto other = request_for(99);
  other.model = "claude-sonnet-4-6";
  self->request(client, 10s, runtime::complete_atom_v, other)
      .receive([](const llm::messages_response&) {},
               [&](const caf::error& e) { FAIL("call failed: " << sys.render(e)); });
  caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
}
