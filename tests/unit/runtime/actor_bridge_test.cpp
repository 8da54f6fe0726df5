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

}  // namespace

TEST_CASE("a bridged request hands the actor's answer to the callback", "[runtime][bridge]") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto target = sys.spawn(doubler);
  std::promise<std::string> got;
  bridge_request(
      sys, target, std::chrono::seconds{5},
      [&got](int doubled) { got.set_value("answer " + std::to_string(doubled)); },
      [&got](const caf::error& e) { got.set_value("error " + caf::to_string(e)); }, 21);
  CHECK(got.get_future().get() == "answer 42");
  caf::anon_send_exit(target, caf::exit_reason::user_shutdown);
}

TEST_CASE("a request the actor refuses reaches the error callback, not the answer's",
          "[runtime][bridge]") {
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
      -1);
  CHECK(got.get_future().get() == "refused");
  caf::anon_send_exit(target, caf::exit_reason::user_shutdown);
}
