#include "runtime/drain_timing.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace openhouse;
using namespace std::chrono_literals;

TEST_CASE("drain: SIGTERM waits the configured delay, SIGINT does not", "[runtime][drain]") {
  config::market_config cfg;
  cfg.server.drain_delay = 7s;
  CHECK(runtime::drain_timing_of(cfg, SIGTERM).delay == 7s);
  CHECK(runtime::drain_timing_of(cfg, SIGINT).delay == 0ms);
  cfg.server.drain_delay = 0ms;
  CHECK(runtime::drain_timing_of(cfg, SIGTERM).delay == 0ms);
}

TEST_CASE("drain: the grace covers a whole turn, never less than reply.budget",
          "[runtime][drain]") {
  config::market_config cfg;
  for (const auto budget : {1000ms, 12000ms, 45000ms, 300000ms}) {
    for (const auto provider_timeout : {500ms, 20000ms, 120000ms}) {
      cfg.reply.budget = budget;
      cfg.llm.timeout = provider_timeout;
      INFO("reply.budget " << budget.count() << " ms, llm.timeout " << provider_timeout.count()
                           << " ms");
      const auto t = runtime::drain_timing_of(cfg, SIGTERM);
      CHECK(t.grace >= budget);
      CHECK(t.grace >= provider_timeout);
      // The old fixed 10 s was shorter than the default budget's turn.
      CHECK(t.grace > 10s);
    }
  }
}
