#include "runtime/actor_bridge.hpp"

#include <caf/all.hpp>

#include <catch2/catch.hpp>

#include <future>
#include <string>

using openhouse::runtime::actor_bridge;

namespace {

struct bridge_config : caf::actor_system_config {
  bridge_config() { add_message_types<caf::id_block::openhouse>(); }
};

/// Doubles a number; refuses a negative one.
caf::behavior doubler() {
  return {[](int x) -> caf::result<int> {
    if (x < 0) {
      return caf::make_error(caf::sec::invalid_argument);
    }
    return 2 * x;
  }};
}

/// Bridges `x` to a doubler and says which callback ran, with what.
std::string ask_doubler(int x) {
  bridge_config cfg;
  caf::actor_system sys{cfg};
  auto target = sys.spawn(doubler);
  actor_bridge bridge{sys, 2};
  std::promise<std::string> got;
  bridge.request(
      target, std::chrono::seconds{5},
      [&got](int doubled) { got.set_value("answer " + std::to_string(doubled)); },
      [&got](const caf::error& e) {
        got.set_value(e == caf::sec::invalid_argument ? "refused" : "other error");
      },
      x);
  auto result = got.get_future().get();
  caf::anon_send_exit(target, caf::exit_reason::user_shutdown);
  return result;
}

}  // namespace

TEST_CASE("a bridged request hands the actor's answer to the callback", "[runtime][bridge]") {
  CHECK(ask_doubler(21) == "answer 42");
}

TEST_CASE("a request the actor refuses reaches the error callback, not the answer's",
          "[runtime][bridge]") {
  CHECK(ask_doubler(-1) == "refused");
}

TEST_CASE("bridged requests spawn no actor each: the bridge's actors carry them all",
          "[runtime][bridge]") {
  bridge_config cfg;
  caf::actor_system sys{cfg};
  auto target = sys.spawn(doubler);
  actor_bridge bridge{sys, 2};
  const auto before = sys.latest_actor_id();
  constexpr int n = 200;
  std::vector<std::promise<int>> answers(n);
  for (int i = 0; i < n; ++i) {
    bridge.request(
        target, std::chrono::seconds{5},
        [&answers, i](int doubled) { answers[i].set_value(doubled); },
        [&answers, i](const caf::error&) { answers[i].set_value(-1); }, i);
  }
  long sum = 0;
  for (auto& a : answers) sum += a.get_future().get();
  CHECK(sum == 2L * n * (n - 1) / 2);
  CHECK(sys.latest_actor_id() == before);  // no actor was spawned for any of them
  caf::anon_send_exit(target, caf::exit_reason::user_shutdown);
}
