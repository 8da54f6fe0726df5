#include "integrations/redis/client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <random>
#include <string>
#include <string_view>

#include <unistd.h>

using namespace openhouse;

TEST_CASE("ping answers against the real Redis", "[redis][integration]") {
  auto ep = redis::parse_url(test::redis_url());
  REQUIRE(ep);
  redis::client c{*ep};
  CHECK(c.ping());
  CHECK(c.ping());  // the connection is reused
}

TEST_CASE("ping is false, not an exception, when Redis is not there", "[redis][integration]") {
  redis::client c{{"127.0.0.1", 1, 0, {}, {}}, std::chrono::milliseconds{200}};
  CHECK_FALSE(c.ping());
}

namespace {

/// Keys of their own for each test, on the shared Redis.
std::string unique_prefix(std::string_view what) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "oh_test:" + std::string{what} + ":" + std::to_string(getpid()) + ":" +
         std::to_string(counter++) + ":" + std::to_string(rd() % 1000000);
}

redis::client shared_client(std::chrono::milliseconds timeout = std::chrono::milliseconds{1000}) {
  auto ep = redis::parse_url(test::redis_url());
  REQUIRE(ep);
  return redis::client{*ep, timeout};
}

}  // namespace

TEST_CASE("get, set_px, del against the real Redis", "[redis][integration]") {
  auto c = shared_client();
  const auto k = unique_prefix("kv");
  CHECK_FALSE(c.get(k));
  c.set_px(k, "value", 60'000);
  CHECK(c.get(k) == std::optional<std::string>{"value"});
  c.set_px(k, "replaced", 60'000);
  CHECK(c.get(k) == std::optional<std::string>{"replaced"});
  CHECK(c.del(k));
  CHECK_FALSE(c.del(k));
  CHECK_FALSE(c.get(k));
}

TEST_CASE("keys and values are binary-safe", "[redis][integration]") {
  auto c = shared_client();
  const std::string k = unique_prefix("bin") + std::string{"\0key\r\n", 6};
  std::string value;
  for (int i = 0; i < 256; ++i) {
    value += static_cast<char>(i);
  }
  value += std::string(100'000, '\0');  // larger than one socket read
  c.set_px(k, value, 60'000);
  const auto back = c.get(k);
  REQUIRE(back);
  CHECK(back->size() == value.size());
  CHECK(*back == value);
  CHECK_FALSE(c.get(k.substr(0, k.size() - 1)));  // the NUL-terminated prefix is another key
  CHECK(c.del(k));
}

TEST_CASE("set_px expires the entry", "[redis][integration]") {
  auto c = shared_client();
  const auto k = unique_prefix("ttl");
  c.set_px(k, "short", 1);
  // Redis expires lazily on access: poll until the key is gone (bounded).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (c.get(k) && std::chrono::steady_clock::now() < deadline) {
  }
  CHECK_FALSE(c.get(k));
  CHECK_THROWS_AS(c.set_px(k, "x", 0), redis::error);
  CHECK(c.ping());
}

TEST_CASE("mget answers one optional per key, in order", "[redis][integration]") {
  auto c = shared_client();
  const auto p = unique_prefix("mget");
  c.set_px(p + ":a", "1", 60'000);
  c.set_px(p + ":c", std::string{"\0", 1}, 60'000);
  const auto got = c.mget({p + ":a", p + ":b", p + ":c", p + ":a"});
  REQUIRE(got.size() == 4);
  CHECK(got[0] == std::optional<std::string>{"1"});
  CHECK_FALSE(got[1]);
  CHECK(got[2] == std::optional<std::string>{std::string{"\0", 1}});
  CHECK(got[3] == std::optional<std::string>{"1"});
  CHECK(c.mget({}).empty());
  c.del(p + ":a");
  c.del(p + ":c");
}

TEST_CASE("incr counts from zero; publish reports receivers", "[redis][integration]") {
  auto c = shared_client();
  const auto k = unique_prefix("incr");
  CHECK(c.incr(k) == 1);
  CHECK(c.incr(k) == 2);
  CHECK(c.get(k) == std::optional<std::string>{"2"});
  CHECK(c.publish(unique_prefix("nobody-listens"), "hello") == 0);
  c.del(k);
}

TEST_CASE("an error reply throws redis::error and the next call works", "[redis][integration]") {
  auto c = shared_client();
  const auto k = unique_prefix("err");
  c.set_px(k, "not a number", 60'000);
  CHECK_THROWS_AS(c.incr(k), redis::error);
  CHECK_THROWS_WITH(c.incr(k), Catch::Contains("not an integer"));
  CHECK_THROWS_AS(c.bump(k, unique_prefix("ch"), "m"), redis::error);
  CHECK_THROWS_AS(c.bump_with(k, unique_prefix("ch"), "h", "t"), redis::error);
  CHECK(c.get(k) == std::optional<std::string>{"not a number"});
  CHECK(c.del(k));
}

TEST_CASE("bump and bump_with increment the counter", "[redis][integration]") {
  auto c = shared_client();
  const auto k = unique_prefix("bump");
  const auto ch = unique_prefix("bump-ch");
  CHECK(c.bump(k, ch, "one") == 1);
  CHECK(c.bump_with(k, ch, "gen=", ";") == 2);
  CHECK(c.bump(k, ch, "three") == 3);
  CHECK(c.get(k) == std::optional<std::string>{"3"});
  c.del(k);
}

TEST_CASE("the database number of the URL is selected", "[redis][integration]") {
  auto ep = redis::parse_url(test::redis_url());
  REQUIRE(ep);
  auto db1 = *ep;
  db1.db = 1;
  redis::client c0{*ep};
  redis::client c1{db1};
  const auto k = unique_prefix("db");
  c1.set_px(k, "in db 1", 60'000);
  CHECK(c1.get(k) == std::optional<std::string>{"in db 1"});
  CHECK_FALSE(c0.get(k));
  CHECK(c1.del(k));
}

TEST_CASE("every operation throws redis::error when Redis is not there", "[redis][integration]") {
  redis::client c{{"127.0.0.1", 1, 0, {}, {}}, std::chrono::milliseconds{200}};
  CHECK_THROWS_AS(c.get("k"), redis::error);
  CHECK_THROWS_AS(c.set_px("k", "v", 1000), redis::error);
  CHECK_THROWS_AS(c.del("k"), redis::error);
  CHECK_THROWS_AS(c.mget({"k"}), redis::error);
  CHECK_THROWS_AS(c.incr("k"), redis::error);
  CHECK_THROWS_AS(c.publish("ch", "m"), redis::error);
  CHECK_THROWS_AS(c.bump("k", "ch", "m"), redis::error);
  CHECK_THROWS_AS(c.bump_with("k", "ch", "h", "t"), redis::error);
  CHECK_THROWS_WITH(c.get("k"), Catch::Contains("127.0.0.1:1"));
}

TEST_CASE("a stalled Redis times out, and a restarted one is reconnected",
          "[redis][integration][restart]") {
  test::redis_server server;
  redis::client c{server.endpoint(), std::chrono::milliseconds{300}};
  c.set_px("k", "v", 60'000);

  SECTION("paused: the call fails within the timeout, then recovers") {
    server.pause();
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(c.get("k"), Catch::Contains("timed out"));
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took >= std::chrono::milliseconds{250});
    CHECK(took < std::chrono::milliseconds{1500});
    server.resume();
    CHECK(c.get("k") == std::optional<std::string>{"v"});
  }
  SECTION("killed: the call fails at once; restarted: the very next call works") {
    server.stop(SIGKILL);
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(c.get("k"), redis::error);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds{1000});
    CHECK_FALSE(c.ping());
    server.start();
    CHECK_FALSE(c.get("k"));  // no persistence: a fresh, empty server
    CHECK(c.incr("n") == 1);
  }
  SECTION("restarted behind an open connection: the next call does not fail") {
    CHECK(c.ping());  // the connection is open
    server.stop(SIGTERM);
    server.start();
    // The old link is dead; the client notices before sending and reconnects.
    CHECK(c.incr("n") == 1);
  }
}
