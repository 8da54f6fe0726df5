#include "runtime/write_admission.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

using openhouse::runtime::write_admission;

TEST_CASE("writes beyond the queue's bound are refused until some leave", "[store][backpressure]") {
  write_admission gate{3};
  CHECK(gate.try_enter());
  CHECK(gate.try_enter());
  CHECK(gate.try_enter());
  CHECK_FALSE(gate.try_enter());
  CHECK(gate.in() == 3);
  gate.leave(2);
  CHECK(gate.try_enter());
  CHECK(gate.try_enter());
  CHECK_FALSE(gate.try_enter());
}

TEST_CASE("concurrent admissions never pass the bound", "[store][backpressure]") {
  write_admission gate{1000};
  std::vector<std::thread> threads;
  std::vector<int> admitted(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) admitted[t] += gate.try_enter() ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  CHECK(admitted[0] + admitted[1] + admitted[2] + admitted[3] == 1000);
  CHECK(gate.in() == 1000);
}
