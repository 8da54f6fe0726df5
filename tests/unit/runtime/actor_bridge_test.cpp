#include "runtime/actor_bridge.hpp"

#include <caf/all.hpp>

#include <catch2/catch.hpp>

#include <future>
#include <string>

using openhouse::runtime::bridge_request;

namespace {

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
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto target = sys.spawn(doubler);
  std::promise<std::string> got;
  bridge_request(
      sys, target, std::chrono::seconds{5},
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
