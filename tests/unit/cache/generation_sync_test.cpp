// The rules that say when a node may answer generations from its own copy:
// sequence gaps, subscription changes, epochs, fences. No Redis, no actors;
// every time is a fixed point on a made-up steady clock.

#include "cache/generation_sync.hpp"

#include <catch2/catch.hpp>

using namespace openhouse::cache;
using namespace std::chrono_literals;
using state = generation_sync::state;
using effect = generation_sync::effect;

namespace {

const generation_sync::time_point t0{std::chrono::seconds{1000}};

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

invalidation contact_bump(std::string contact, std::uint64_t value, std::uint64_t seq,
                          std::uint64_t epoch) {
  invalidation inv;
  inv.what = invalidation::kind::contact;
  inv.market = "coast";
  inv.contact = std::move(contact);
  inv.generation = value;
  inv.seq = seq;
  inv.epoch = epoch;
  return inv;
}

/// A copy subscribed, synced at seq `at` by one read of lead "+1555" (task
/// "answer"), with a fence at t0.
generation_sync synced_copy(std::uint64_t at, std::uint64_t epoch = 77) {
  generation_sync s{40ms};
  s.subscribed(true);
  const auto t = s.begin_read();
  REQUIRE(s.read(t, "coast", "+1555", "answer", gens(2, 3, 4, 1, epoch), at));
  s.fence(t0);
  REQUIRE(s.current() == state::synced);
  return s;
}

}  // namespace

TEST_CASE("generation sync: nothing is trusted before a subscription and a sync read",
          "[cache][generation_sync]") {
  generation_sync s{40ms};
  CHECK(s.current() == state::down);
  s.fence(t0);  // no subscription: a fence means nothing
  CHECK_FALSE(s.trusted(t0));
  CHECK(s.message(contact_bump("+1555", 1, 1, 77)) == effect::ignored);

  s.subscribed(true);
  s.fence(t0);
  CHECK(s.current() == state::syncing);
  CHECK_FALSE(s.trusted(t0));
  CHECK_FALSE(s.lookup(t0, "coast", "+1555", "answer"));

  const auto t = s.begin_read();
  CHECK(s.read(t, "coast", "+1555", "answer", gens(2, 3, 4, 1, 77), 9));
  CHECK(s.current() == state::synced);
  CHECK(s.last_seq() == 9);
  CHECK(s.trusted(t0 + 40ms));
  CHECK(s.lookup(t0 + 5ms, "coast", "+1555", "answer") == gens(2, 3, 4, 1, 77));
}

TEST_CASE("generation sync: an old fence stops the copy from answering",
          "[cache][generation_sync]") {
  auto s = synced_copy(9);
  CHECK(s.lookup(t0 + 40ms, "coast", "+1555", "answer"));
  CHECK_FALSE(s.lookup(t0 + 41ms, "coast", "+1555", "answer"));
  s.fence(t0 + 30ms);
  CHECK(s.lookup(t0 + 60ms, "coast", "+1555", "answer"));
  // An earlier fence answered late never moves the proof back.
  s.fence(t0 + 1ms);
  CHECK(s.lookup(t0 + 70ms, "coast", "+1555", "answer"));
}

TEST_CASE("generation sync: in-order bumps keep the copy exact", "[cache][generation_sync]") {
  auto s = synced_copy(9);
  CHECK(s.message(contact_bump("+1555", 5, 10, 77)) == effect::applied);
  CHECK(s.message(contact_bump("+1666", 1, 11, 77)) == effect::applied);
  CHECK(s.last_seq() == 11);
  CHECK(s.lookup(t0, "coast", "+1555", "answer") == gens(2, 3, 5, 1, 77));
  // A lead only a message named: its contact counter is known, but not the
  // counters of a task no read has asked about.
  CHECK_FALSE(s.lookup(t0, "coast", "+1666", "other-task"));
  // The market and global counters were read with +1555; +1666's contact
  // counter came with its bump, and task "answer" was read.
  CHECK(s.lookup(t0, "coast", "+1666", "answer") == gens(2, 3, 1, 1, 77));
}

TEST_CASE("generation sync: a missing sequence number resets the copy",
          "[cache][generation_sync]") {
  auto s = synced_copy(9);
  CHECK(s.message(contact_bump("+1555", 5, 10, 77)) == effect::applied);
  CHECK(s.message(contact_bump("+1555", 7, 12, 77)) == effect::gap);  // 11 never came
  CHECK(s.current() == state::syncing);
  CHECK_FALSE(s.lookup(t0, "coast", "+1555", "answer"));
  CHECK(s.resets() == 2);  // the subscription, then the gap

  // A read sent before the gap says nothing about the new copy.
  generation_sync::ticket before{};
  {
    auto fresh = synced_copy(9);
    before = fresh.begin_read();  // a ticket of another copy entirely
  }
  CHECK(s.read(before, "coast", "+1555", "answer", gens(2, 3, 7, 1, 77), 12));
  CHECK(s.current() == state::syncing);

  // A read sent after it syncs the copy again, from the point it was run at.
  const auto t = s.begin_read();
  CHECK(s.read(t, "coast", "+1555", "answer", gens(2, 3, 7, 1, 77), 12));
  CHECK(s.current() == state::synced);
  CHECK(s.lookup(t0, "coast", "+1555", "answer") == gens(2, 3, 7, 1, 77));
}

TEST_CASE("generation sync: a read answered after a reset is not learned",
          "[cache][generation_sync]") {
  auto s = synced_copy(9);
  const auto early = s.begin_read();
  CHECK(s.message(contact_bump("+1555", 8, 14, 77)) == effect::gap);
  // Run by Redis before the reset: its +1700 value might miss bumps 10..13.
  CHECK(s.read(early, "coast", "+1700", "answer", gens(2, 3, 0, 1, 77), 12));
  CHECK(s.current() == state::syncing);
  CHECK(s.size() == 1);  // only the gap message's own (exact) value
}

TEST_CASE("generation sync: duplicates and late messages never move a counter back",
          "[cache][generation_sync]") {
  auto s = synced_copy(9);
  CHECK(s.message(contact_bump("+1555", 6, 10, 77)) == effect::applied);
  CHECK(s.message(contact_bump("+1555", 5, 9, 77)) == effect::duplicate);
  CHECK(s.message(contact_bump("+1555", 6, 10, 77)) == effect::duplicate);
  CHECK(s.last_seq() == 10);
  CHECK(s.lookup(t0, "coast", "+1555", "answer")->contact == 6);
  // A read of the same copy run before bump 10 does not lower it either.
  const auto t = s.begin_read();
  CHECK(s.read(t, "coast", "+1555", "answer", gens(2, 3, 4, 1, 77), 9));
  CHECK(s.lookup(t0, "coast", "+1555", "answer")->contact == 6);
}

TEST_CASE("generation sync: losing or remaking the subscription forgets everything",
          "[cache][generation_sync]") {
  auto s = synced_copy(9);
  const auto in_flight = s.begin_read();
  s.subscribed(false);
  CHECK(s.current() == state::down);
  CHECK(s.size() == 0);
  CHECK_FALSE(s.trusted(t0));
  CHECK(s.message(contact_bump("+1555", 5, 10, 77)) == effect::ignored);

  s.subscribed(true);
  // The old session's fence and reads do not count for the new one.
  CHECK(s.read(in_flight, "coast", "+1555", "answer", gens(2, 3, 4, 1, 77), 9));
  CHECK(s.current() == state::syncing);
  const auto t = s.begin_read();
  CHECK(s.read(t, "coast", "+1555", "answer", gens(2, 3, 5, 1, 77), 10));
  CHECK(s.current() == state::synced);
  CHECK_FALSE(s.trusted(t0));  // no fence on the new connection yet
  s.fence(t0);
  CHECK(s.lookup(t0, "coast", "+1555", "answer") == gens(2, 3, 5, 1, 77));
}

TEST_CASE("generation sync: messages seen while syncing must run on from the sync point",
          "[cache][generation_sync]") {
  SECTION("contiguous after the point: synced at the last message") {
    generation_sync s{40ms};
    s.subscribed(true);
    const auto t = s.begin_read();
    CHECK(s.message(contact_bump("+1555", 5, 20, 77)) == effect::applied);
    CHECK(s.message(contact_bump("+1555", 6, 21, 77)) == effect::applied);
    CHECK(s.read(t, "coast", "+1555", "answer", gens(1, 1, 5, 1, 77), 20));
    CHECK(s.current() == state::synced);
    CHECK(s.last_seq() == 21);
    s.fence(t0);
    CHECK(s.lookup(t0, "coast", "+1555", "answer")->contact == 6);
    CHECK(s.message(contact_bump("+1555", 7, 22, 77)) == effect::applied);
  }
  SECTION("a hole after the point: not synced") {
    generation_sync s{40ms};
    s.subscribed(true);
    const auto t = s.begin_read();
    CHECK(s.message(contact_bump("+1555", 5, 20, 77)) == effect::applied);
    CHECK(s.message(contact_bump("+1555", 7, 23, 77)) == effect::applied);  // 21, 22 lost
    CHECK_FALSE(s.read(t, "coast", "+1555", "answer", gens(1, 1, 5, 1, 77), 20));
    CHECK(s.current() == state::syncing);
  }
  SECTION("the first message starts past the point: the ones between were lost") {
    generation_sync s{40ms};
    s.subscribed(true);
    const auto t = s.begin_read();
    CHECK(s.message(contact_bump("+1555", 5, 25, 77)) == effect::applied);
    CHECK_FALSE(s.read(t, "coast", "+1555", "answer", gens(1, 1, 4, 1, 77), 20));
    CHECK(s.current() == state::syncing);
  }
}

TEST_CASE("generation sync: another epoch, from a message or a read, resets the copy",
          "[cache][generation_sync]") {
  SECTION("a message of a new Redis life") {
    auto s = synced_copy(9, 77);
    CHECK(s.message(contact_bump("+1555", 1, 1, 88)) == effect::epoch_change);
    CHECK(s.current() == state::syncing);
    CHECK(s.epoch() == 88);
    CHECK_FALSE(s.lookup(t0, "coast", "+1555", "answer"));
    // The new life's numbering starts over; a read of it syncs the copy.
    const auto t = s.begin_read();
    CHECK(s.read(t, "coast", "+1555", "answer", gens(0, 0, 1, 0, 88), 1));
    CHECK(s.lookup(t0, "coast", "+1555", "answer") == gens(0, 0, 1, 0, 88));
  }
  SECTION("a read that finds another epoch (a flush with no bump since)") {
    auto s = synced_copy(9, 77);
    const auto t = s.begin_read();
    CHECK_FALSE(s.read(t, "coast", "+1555", "answer", gens(0, 0, 0, 0, 99), 0));
    CHECK(s.current() == state::syncing);
    CHECK(s.size() == 0);
    // The next read decides.
    const auto t2 = s.begin_read();
    CHECK(s.read(t2, "coast", "+1555", "answer", gens(0, 0, 0, 0, 99), 0));
    CHECK(s.current() == state::synced);
    CHECK(s.epoch() == 99);
  }
}

TEST_CASE("generation sync: a bump message without a sequence number resets the copy",
          "[cache][generation_sync]") {
  auto s = synced_copy(9);
  auto old_style = contact_bump("+1555", 5, 0, 0);
  CHECK(s.message(old_style) == effect::unsequenced);
  CHECK(s.current() == state::syncing);
  invalidation key_drop;
  key_drop.what = invalidation::kind::key;
  key_drop.key = "d1";
  CHECK(s.message(key_drop) == effect::ignored);  // no counter: no gap either
}

TEST_CASE("generation sync: the copy's size is bounded", "[cache][generation_sync]") {
  generation_sync s{40ms, 3};
  s.subscribed(true);
  const auto t = s.begin_read();
  REQUIRE(s.read(t, "coast", "+1555", "answer", gens(1, 1, 1, 1, 77), 1));
  // Global, market and contact filled it; the task counter cleared them.
  CHECK(s.size() == 1);
  s.fence(t0);
  // Forgotten counters are read again, never guessed.
  CHECK_FALSE(s.lookup(t0, "coast", "+1555", "answer"));
  CHECK(s.current() == state::synced);
}
