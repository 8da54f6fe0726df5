#include "cache/batch_isolation.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <set>
#include <utility>
#include <vector>

using namespace openhouse::cache;
using namespace std::chrono_literals;

namespace {

/// A table that refuses some row indices and stores whole runs otherwise;
/// it records every attempt, so a test can see the cost of isolation.
struct fake_table {
  std::set<std::size_t> bad;
  std::vector<std::size_t> stored;
  std::vector<std::pair<std::size_t, std::size_t>> attempts;
  int down_after = -1;  ///< attempts answered before the database goes away (-1: never)

  write_outcome write(std::size_t first, std::size_t n) {
    attempts.emplace_back(first, n);
    if (down_after >= 0 && static_cast<int>(attempts.size()) > down_after) {
      return write_outcome::unavailable;
    }
    for (std::size_t i = first; i < first + n; ++i) {
      if (bad.contains(i)) return write_outcome::refused;  // all or nothing, like one COPY
    }
    for (std::size_t i = first; i < first + n; ++i) stored.push_back(i);
    return write_outcome::written;
  }
};

std::vector<row_fate> run(fake_table& t, std::size_t n) {
  return write_isolating(
      n, [&t](std::size_t first, std::size_t count) { return t.write(first, count); });
}

}  // namespace

TEST_CASE("a clean batch is written in one attempt", "[cache][semantic_writer]") {
  fake_table t;
  const auto fates = run(t, 50);
  CHECK(t.attempts.size() == 1);
  CHECK(t.stored.size() == 50);
  for (const auto f : fates) CHECK(f == row_fate::written);
}

TEST_CASE("one refused row among many is dropped and every other row lands",
          "[cache][semantic_writer]") {
  fake_table t;
  t.bad = {37};
  const auto fates = run(t, 200);
  CHECK(t.stored.size() == 199);
  CHECK(fates[37] == row_fate::refused);
  std::size_t written = 0;
  for (const auto f : fates) written += f == row_fate::written ? 1 : 0;
  CHECK(written == 199);
  // Halving costs about two attempts per level, not one per row.
  CHECK(t.attempts.size() <= 2 * 8 + 1);
}

TEST_CASE("several refused rows, first and last included, are each isolated",
          "[cache][semantic_writer]") {
  fake_table t;
  t.bad = {0, 5, 6, 63};
  const auto fates = run(t, 64);
  CHECK(t.stored.size() == 60);
  for (std::size_t i = 0; i < fates.size(); ++i) {
    CHECK(fates[i] == (t.bad.contains(i) ? row_fate::refused : row_fate::written));
  }
}

TEST_CASE("a batch of one refused row is refused", "[cache][semantic_writer]") {
  fake_table t;
  t.bad = {0};
  CHECK(run(t, 1) == std::vector<row_fate>{row_fate::refused});
  CHECK(t.attempts.size() == 1);
}

TEST_CASE("an unavailable database keeps every row not yet written", "[cache][semantic_writer]") {
  SECTION("down from the first attempt: nothing is dropped") {
    fake_table t;
    t.bad = {3};
    t.down_after = 0;
    const auto fates = run(t, 8);
    CHECK(t.attempts.size() == 1);
    for (const auto f : fates) CHECK(f == row_fate::kept);
  }
  SECTION("down in the middle of isolating: what was settled stays settled") {
    fake_table t;
    t.bad = {1};
    // Attempts: [0,8) refused, [0,4) refused, [0,2) refused, [0,1) written,
    // [1,1) refused; then the database goes.
    t.down_after = 5;
    const auto fates = run(t, 8);
    CHECK(fates[0] == row_fate::written);
    CHECK(fates[1] == row_fate::refused);
    for (std::size_t i = 2; i < 8; ++i) CHECK(fates[i] == row_fate::kept);
  }
}

TEST_CASE("no rows, no attempt", "[cache][semantic_writer]") {
  fake_table t;
  CHECK(run(t, 0).empty());
  CHECK(t.attempts.empty());
}

TEST_CASE("the retry wait doubles per failure up to its cap", "[cache][semantic_writer]") {
  CHECK(retry_backoff(0, 500ms, 30s) == 0ms);
  CHECK(retry_backoff(1, 500ms, 30s) == 500ms);
  CHECK(retry_backoff(2, 500ms, 30s) == 1000ms);
  CHECK(retry_backoff(4, 500ms, 30s) == 4000ms);
  CHECK(retry_backoff(7, 500ms, 30s) == 30s);
  CHECK(retry_backoff(1000, 500ms, 30s) == 30s);
}
