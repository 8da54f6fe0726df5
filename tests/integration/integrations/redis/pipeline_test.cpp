#include "integrations/redis/pipeline.hpp"
#include "integrations/redis/client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <string>
#include <vector>

#include <unistd.h>

using namespace openhouse;
using kind = redis::reply::kind;

namespace {

/// Polls until `n` replies are in (a real server answers within
/// microseconds; the bound only keeps a broken test from hanging).
std::vector<redis::reply> await(redis::pipeline& p, std::size_t n) {
  std::vector<redis::reply> out;
  for (long spins = 0; out.size() < n && spins < 50'000'000; ++spins) {
    p.poll(out);
  }
  return out;
}

std::string key(std::string_view name) {
  return "oh_test_pipeline:" + std::to_string(getpid()) + ":" + std::string{name};
}

}  // namespace

TEST_CASE("redis pipeline: replies come back in send order, binary-safe",
          "[redis][integration][pipeline]") {
  redis::pipeline p{*redis::parse_url(test::redis_url())};
  const std::string value{"a\0b\r\nc", 6};
  p.send({"SET", key("k1"), value, "PX", "60000"});
  p.send({"GET", key("k1")});
  p.send({"GET", key("absent")});
  p.send({"MGET", key("k1"), key("absent")});
  p.send({"INCR", key("k1")});  // not an integer: an error reply, the link stays
  p.send({"DEL", key("k1")});
  CHECK(p.in_flight() == 6);
  const auto r = await(p, 6);
  REQUIRE(r.size() == 6);
  CHECK(p.in_flight() == 0);
  CHECK(r[0].type == kind::status);
  CHECK(r[0].text == "OK");
  CHECK(r[1].type == kind::string);
  CHECK(r[1].text == value);
  CHECK(r[2].type == kind::nil);
  REQUIRE(r[3].type == kind::array);
  REQUIRE(r[3].elements.size() == 2);
  CHECK(r[3].elements[0].text == value);
  CHECK(r[3].elements[1].type == kind::nil);
  CHECK(r[4].type == kind::error);
  CHECK(r[5].type == kind::integer);
  CHECK(r[5].integer == 1);

  // Nothing in flight: poll returns nothing and does not block.
  std::vector<redis::reply> none;
  CHECK(p.poll(none) == 0);
}

TEST_CASE("redis pipeline: a database other than 0 is selected before any command",
          "[redis][integration][pipeline]") {
  auto ep = *redis::parse_url(test::redis_url());
  ep.db = 3;
  redis::pipeline p{ep};
  p.send({"SET", key("db3"), "x", "PX", "60000"});
  REQUIRE(await(p, 1).size() == 1);
  redis::client db0{*redis::parse_url(test::redis_url())};
  CHECK_FALSE(db0.get(key("db3")));
  auto db3_ep = ep;
  redis::client db3{db3_ep};
  CHECK(db3.get(key("db3")) == std::optional<std::string>{"x"});
  db3.del(key("db3"));
}

TEST_CASE(
    "redis pipeline: a dead server fails the reads in flight; a restarted one is "
    "used again without a failed command",
    "[redis][integration][pipeline][restart]") {
  test::redis_server server;
  redis::pipeline p{*redis::parse_url(server.url())};
  p.send({"PING"});
  REQUIRE(await(p, 1).size() == 1);

  server.stop(SIGKILL);
  // The next send notices the closed link before writing, reconnects, and
  // the connect is refused: either at once or on the next poll.
  std::vector<redis::reply> out;
  CHECK_THROWS_AS(
      [&] {
        p.send({"GET", "k"});
        for (int i = 0; i < 1'000'000; ++i) {
          p.poll(out);
        }
      }(),
      redis::error);
  CHECK(p.in_flight() == 0);

  server.start();
  // The link was dropped: the first command after the restart just works.
  p.send({"PING"});
  const auto r = await(p, 1);
  REQUIRE(r.size() == 1);
  CHECK(r[0].text == "PONG");

  // Killed between two commands (the link looks fine from here): the next
  // send sees the socket readable (closed) and reconnects first.
  server.stop(SIGKILL);
  server.start();
  p.send({"PING"});
  const auto again = await(p, 1);
  REQUIRE(again.size() == 1);
  CHECK(again[0].text == "PONG");
}
