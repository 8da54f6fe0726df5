// Gateway overhead per call: the same Messages request sent (a) as a bare
// libcurl POST, (b) through anthropic_client, (c) through the gateway actor
// (routing, budgets, breaker, ledger message, metrics, a detached worker), all
// against one in-process simulator at zero latency, in the same run. Prints
// p50/p99 per path and the ratios to the bare POST.

#include "core/llm_messages.hpp"
#include "core/type_ids.hpp"
#include "integrations/llm/anthropic_client.hpp"
#include "integrations/llm/sim_server.hpp"
#include "runtime/llm_gateway.hpp"
#include "runtime/llm_worker.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

using namespace openhouse;
using bench_clock = std::chrono::steady_clock;

namespace {

struct stats {
  double p50_us;
  double p99_us;
};

stats measure(int iterations, const std::function<void()>& fn) {
  for (int i = 0; i < iterations / 10; ++i) {
    fn();  // warm-up: connections, caches
  }
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(iterations));
  for (int i = 0; i < iterations; ++i) {
    const auto t0 = bench_clock::now();
    fn();
    us.push_back(std::chrono::duration<double, std::micro>(bench_clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 99 / 100]};
}

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

llm::messages_request sample_request() {
  llm::messages_request req;
  req.model = "claude-haiku-4-5";
  req.task = "intent";
  req.max_tokens = 64;
  req.system.push_back({"Classify the lead's intent as JSON.", false});
  req.messages.push_back({"user", "Hi, we're thinking of selling our house in Riverside"});
  return req;
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 2000;
  spdlog::set_level(spdlog::level::warn);

  llm::simulator_options sim_opts;
  sim_opts.latency = std::chrono::milliseconds{0};
  llm::sim_server sim{sim_opts};
  sim.start();
  const auto base = sim.base_url();
  const auto req = sample_request();
  const auto body = llm::to_json(req).dump();

  // (a) bare libcurl: one reused easy handle, the same body and headers.
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "content-type: application/json");
  headers = curl_slist_append(headers, "anthropic-version: 2023-06-01");
  headers = curl_slist_append(headers, "x-openhouse-task: intent");
  headers = curl_slist_append(headers, "Expect:");
  const auto url = base + "/v1/messages";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  const auto bare = measure(iterations, [&] { curl_easy_perform(curl); });
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);

  // (b) the client alone.
  llm::client_options client_opts;
  client_opts.base_url = base;
  client_opts.timeout = std::chrono::milliseconds{5000};
  llm::anthropic_client client{client_opts};
  const auto direct = measure(iterations, [&] { (void)client.send(req); });

  // (c) through the gateway actor.
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::openhouse>();
  cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{cfg};
  auto market = std::make_shared<config::market_config>();
  market->market.id = "bench";
  market->llm.base_url = base;
  market->llm.workers = 1;
  market->llm.routing = {{"intent", "claude-haiku-4-5"}};
  market->llm.prices["claude-haiku-4-5"] = {1.0, 5.0, 1.25, 0.10, 4096};
  market->llm.budgets.contact_daily_tokens = 1'000'000'000;
  market->llm.budgets.market_daily_tokens = 1'000'000'000;
  market->llm.budgets.contact_daily_usd = 1e9;
  market->llm.budgets.market_daily_usd = 1e9;
  runtime::gateway_deps deps;
  deps.config = market;
  deps.time = std::make_shared<runtime::system_clock>();
  deps.zone = std::make_shared<const runtime::time_zone>(runtime::time_zone::fixed({}));
  deps.workers = runtime::spawn_llm_pool(sys, market->llm);
  deps.metrics = std::make_shared<runtime::metrics>();
  auto gateway = runtime::spawn_gateway(sys, deps);
  caf::scoped_actor self{sys};
  runtime::llm_call call{"intent", "+19095550000", req};
  call.request.model.clear();  // the gateway routes
  const auto through_gateway = measure(iterations, [&] {
    self->request(gateway, caf::infinite, runtime::complete_atom_v, call)
        .receive([](const runtime::llm_answer&) {},
                 [](const caf::error& e) { std::fprintf(stderr, "%s\n", to_string(e).c_str()); });
  });
  caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(deps.workers, caf::exit_reason::user_shutdown);

  std::printf("gateway overhead, %d calls each, simulator at --latency 0\n", iterations);
  std::printf("%-28s %10s %10s %12s\n", "path", "p50 us", "p99 us", "p50 ratio");
  std::printf("%-28s %10.1f %10.1f %12.2f\n", "bare libcurl POST (baseline)", bare.p50_us,
              bare.p99_us, 1.0);
  std::printf("%-28s %10.1f %10.1f %12.2f\n", "anthropic_client", direct.p50_us, direct.p99_us,
              direct.p50_us / bare.p50_us);
  std::printf("%-28s %10.1f %10.1f %12.2f\n", "gateway actor", through_gateway.p50_us,
              through_gateway.p99_us, through_gateway.p50_us / bare.p50_us);
  std::printf("gateway overhead over the bare POST: %.1f us per call (p50)\n",
              through_gateway.p50_us - bare.p50_us);
  sim.stop();
  return 0;
}
