#include "runtime/pending_writes.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using openhouse::runtime::pending_writes;

TEST_CASE("the first write after an idle spell asks for a flush at once", "[store][batching]") {
  pending_writes<int> q{8};
  CHECK(q.push(1));
  // A second write before the flush runs rides along: no second request.
  CHECK_FALSE(q.push(2));
  CHECK(q.take() == std::vector<int>{1, 2});
  CHECK_FALSE(q.more());
  // Idle again: the next write goes out without waiting for anything.
  CHECK(q.push(3));
  CHECK(q.take() == std::vector<int>{3});
}

TEST_CASE("writes that queue behind a running flush form the next batch", "[store][batching]") {
  pending_writes<std::string> q{8};
  REQUIRE(q.push("a"));
  const auto first = q.take();  // the flush starts with "a" only
  CHECK(first.size() == 1);
  // While "a" commits, three more turns write.
  CHECK(q.push("b"));
  CHECK_FALSE(q.push("c"));
  CHECK_FALSE(q.push("d"));
  CHECK(q.take() == std::vector<std::string>{"b", "c", "d"});
}

TEST_CASE("a batch never exceeds its bound and the rest asks for another flush",
          "[store][batching]") {
  pending_writes<int> q{3};
  REQUIRE(q.push(0));
  for (int i = 1; i < 7; ++i) CHECK_FALSE(q.push(i));
  CHECK(q.take() == std::vector<int>{0, 1, 2});
  CHECK(q.more());
  // The flush asked for the rest is still pending: a new write does not ask again.
  CHECK_FALSE(q.push(7));
  CHECK(q.take() == std::vector<int>{3, 4, 5});
  CHECK(q.take() == std::vector<int>{6, 7});
  CHECK_FALSE(q.more());
  CHECK(q.push(8));
}

TEST_CASE("a bound of zero still writes one at a time", "[store][batching]") {
  pending_writes<int> q{0};
  REQUIRE(q.push(5));
  CHECK_FALSE(q.push(6));
  CHECK(q.take().size() == 1);
  CHECK(q.more());
}
