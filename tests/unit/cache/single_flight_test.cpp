#include "cache/single_flight.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using openhouse::cache::single_flight;

TEST_CASE("single flight: the first join starts the call, later ones wait",
          "[cache][single_flight]") {
  single_flight<int> sf;
  CHECK_FALSE(sf.join("k", 1));  // first: start the call
  CHECK(sf.in_flight("k"));
  CHECK(sf.join("k", 2));
  CHECK(sf.join("k", 3));
  CHECK_FALSE(sf.join("other", 4));  // a different key is its own flight
  CHECK(sf.size() == 2);
  CHECK(sf.waiters("k") == 3);
  CHECK(sf.coalesced() == 2);

  CHECK(sf.complete("k") == std::vector<int>{1, 2, 3});  // everyone, in join order
  CHECK_FALSE(sf.in_flight("k"));
  CHECK(sf.waiters("k") == 0);
  CHECK(sf.complete("k").empty());  // already completed

  // After completion the next join starts a new call.
  CHECK_FALSE(sf.join("k", 5));
  CHECK(sf.complete("k") == std::vector<int>{5});
  CHECK(sf.complete("other") == std::vector<int>{4});
  CHECK(sf.size() == 0);
}

TEST_CASE("single flight: 100 identical requests, one call, all answered",
          "[cache][single_flight]") {
  // The actor's pattern: join, call the provider only when join() says so,
  // deliver the one result to everything complete() returns.
  single_flight<std::shared_ptr<std::string>> sf;
  std::vector<std::shared_ptr<std::string>> answers;
  int calls = 0;
  for (int i = 0; i < 100; ++i) {
    auto slot = std::make_shared<std::string>();
    answers.push_back(slot);
    if (!sf.join("key", slot)) {
      ++calls;
    }
  }
  CHECK(calls == 1);
  CHECK(sf.coalesced() == 99);
  for (auto& w : sf.complete("key")) {
    *w = "the answer";  // or the error: it reaches all of them alike
  }
  for (const auto& a : answers) {
    CHECK(*a == "the answer");
  }
}

TEST_CASE("single flight: move-only waiters and complete_all", "[cache][single_flight]") {
  single_flight<std::unique_ptr<int>> sf;
  CHECK_FALSE(sf.join("a", std::make_unique<int>(1)));
  CHECK(sf.join("a", std::make_unique<int>(2)));
  CHECK_FALSE(sf.join("b", std::make_unique<int>(3)));
  auto all = sf.complete_all();
  CHECK(all.size() == 3);
  CHECK(sf.size() == 0);
}
