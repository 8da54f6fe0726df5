#include "cache/generation_table.hpp"

#include <catch2/catch.hpp>

using openhouse::cache::generation_table;
using openhouse::cache::generations;

namespace {

generations gens(std::uint64_t global, std::uint64_t market, std::uint64_t contact,
                 std::uint64_t task, std::uint64_t epoch) {
  generations g;
  g.global = global;
  g.market = market;
  g.contact = contact;
  g.task = task;
  g.epoch = epoch;
  return g;
}

}  // namespace

TEST_CASE("generation table: within one epoch it only moves forward",
          "[cache][generations][epoch]") {
  generation_table t;
  CHECK(t.merge("ie", "c1", "reply", gens(1, 2, 5, 1, 11)) == gens(1, 2, 5, 1, 11));
  CHECK(t.epoch() == 11);
  // An older read of the same life does not move anything back.
  CHECK(t.merge("ie", "c1", "reply", gens(0, 1, 3, 0, 11)) == gens(1, 2, 5, 1, 11));
  CHECK(t.merge("ie", "c1", "reply", gens(1, 2, 6, 1, 11)) == gens(1, 2, 6, 1, 11));
  // A read without an epoch (no Redis epoch known) is merged as before.
  CHECK(t.merge("ie", "c1", "reply", gens(0, 0, 7, 0, 0)) == gens(1, 2, 7, 1, 11));
  CHECK(t.get("ie", "c1", "reply") == gens(1, 2, 7, 1, 11));
  CHECK(t.get("ie", "c2", "faq") == gens(1, 2, 0, 0, 11));
}

TEST_CASE("generation table: a new epoch from Redis forgets the old life's counters",
          "[cache][generations][epoch]") {
  generation_table t;
  t.merge("ie", "c1", "reply", gens(3, 4, 5, 2, 11));
  t.merge("ie", "c2", "faq", gens(3, 4, 9, 1, 11));
  CHECK(t.advance("contact", "ie", "c1", "", 6));
  // Redis restarted empty; another node bumped c1 once: 1, not max(6, 1).
  CHECK(t.merge("ie", "c1", "reply", gens(0, 0, 1, 0, 22)) == gens(0, 0, 1, 0, 22));
  CHECK(t.epoch() == 22);
  // Nothing of the old life survives, for any counter.
  CHECK(t.get("ie", "c2", "faq") == gens(0, 0, 0, 0, 22));
  // Epochs are not ordered: going back to one seen before is a change too
  // (Redis says so, and Redis is the truth).
  CHECK(t.adopt_epoch(11));
  CHECK(t.get("ie", "c1", "reply") == gens(0, 0, 0, 0, 11));
  CHECK_FALSE(t.adopt_epoch(11));
  CHECK_FALSE(t.adopt_epoch(0));  // unknown: keeps what it knows
  CHECK(t.epoch() == 11);
}

TEST_CASE("generation table: a caller's snapshot never changes the epoch",
          "[cache][generations][epoch]") {
  generation_table t;
  t.merge("ie", "c1", "reply", gens(0, 0, 5, 0, 11));
  // Same life: max-merged and learned, as ever.
  CHECK(t.upgrade("ie", "c1", "reply", gens(0, 0, 3, 0, 11)) == gens(0, 0, 5, 0, 11));
  CHECK(t.upgrade("ie", "c1", "reply", gens(0, 0, 8, 0, 11)) == gens(0, 0, 8, 0, 11));
  CHECK(t.get("ie", "c1", "reply").contact == 8);

  t.merge("ie", "c1", "reply", gens(0, 0, 1, 0, 22));
  // A snapshot of the old life is upgraded to the new one, and teaches nothing:
  // its 8 must not put this node ahead of Redis's 1.
  CHECK(t.upgrade("ie", "c1", "reply", gens(0, 0, 8, 0, 11)) == gens(0, 0, 1, 0, 22));
  // Nor does one from before any epoch was known.
  CHECK(t.upgrade("ie", "c1", "reply", gens(0, 0, 8, 0, 0)) == gens(0, 0, 1, 0, 22));
  CHECK(t.epoch() == 22);
  CHECK(t.get("ie", "c1", "reply").contact == 1);
}

TEST_CASE("generation table: offline bumps survive an epoch change, to be replayed",
          "[cache][generations][epoch]") {
  generation_table t;
  t.merge("ie", "c1", "reply", gens(0, 0, 5, 0, 11));
  CHECK(t.bump_offline("contact", "ie", "c1", "") == 6);
  CHECK(t.has_pending());
  // Redis came back empty. The bump may have been made after it restarted, so
  // it must still reach the new Redis; its local count belonged to the old life.
  CHECK(t.adopt_epoch(22));
  CHECK(t.get("ie", "c1", "reply") == gens(0, 0, 0, 0, 22));
  REQUIRE(t.has_pending());
  const auto pending = t.take_pending();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].scope == "contact");
  CHECK(pending[0].contact == "c1");
  CHECK_FALSE(t.has_pending());
}

TEST_CASE("generation table: a table that knows no epoch takes a snapshot's",
          "[cache][generations][epoch]") {
  generation_table t;
  CHECK(t.upgrade("ie", "c1", "reply", gens(0, 1, 4, 0, 33)) == gens(0, 1, 4, 0, 33));
  CHECK(t.epoch() == 33);
  CHECK(t.upgrade("ie", "c1", "reply", gens(0, 0, 2, 0, 0)) == gens(0, 1, 4, 0, 33));
}
