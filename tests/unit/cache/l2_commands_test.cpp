// Which counter a bump names and what it publishes: the L2 worker's plain part.

#include "cache/l2_commands.hpp"

#include <catch2/catch.hpp>

using namespace openhouse::cache;

TEST_CASE("a bump names its scope's counter and the invalidation carrying the scope's ids",
          "[cache][l2]") {
  const redis_keys keys{"oh-test"};

  const auto contact = make_bump_target(keys, "contact", "riverside", "+19515550142", "reply");
  REQUIRE(contact);
  CHECK(contact->counter == keys.contact_generation("riverside", "+19515550142"));
  CHECK(contact->message.what == invalidation::kind::contact);
  CHECK(contact->message.market == "riverside");
  CHECK(contact->message.contact == "+19515550142");
  CHECK(contact->message.task.empty());  // a contact bump is not a task bump

  const auto market = make_bump_target(keys, "market", "riverside", "+19515550142", "faq");
  REQUIRE(market);
  CHECK(market->counter == keys.market_generation("riverside"));
  CHECK(market->message.contact.empty());

  const auto task = make_bump_target(keys, "task", "", "", "faq");
  REQUIRE(task);
  CHECK(task->counter == keys.task_generation("faq"));
  CHECK(task->message.what == invalidation::kind::task);

  const auto global = make_bump_target(keys, "global", "", "", "");
  REQUIRE(global);
  CHECK(global->counter == keys.global_generation());
  CHECK(global->message == invalidation{});
}

TEST_CASE("a bump with an unknown scope or without the ids its scope needs names nothing",
          "[cache][l2]") {
  const redis_keys keys{"oh-test"};
  CHECK_FALSE(make_bump_target(keys, "key", "m", "c", "t"));
  CHECK_FALSE(make_bump_target(keys, "Contact", "m", "c", "t"));
  CHECK_FALSE(make_bump_target(keys, "market", "", "c", "t"));
  CHECK_FALSE(make_bump_target(keys, "contact", "m", "", "t"));
  CHECK_FALSE(make_bump_target(keys, "contact", "", "c", "t"));
  CHECK_FALSE(make_bump_target(keys, "task", "m", "c", ""));
}
