// Redis as operators run it: a password (requirepass), an ACL user, a
// database number. Each test has a private redis-server started with them.

#include "integrations/redis/client.hpp"
#include "integrations/redis/pipeline.hpp"
#include "integrations/redis/subscriber.hpp"
#include "tests/support/redis_server.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace openhouse;
using namespace std::chrono_literals;

namespace {

constexpr const char* password = "pw:with@odd/chars";
/// The same password as a URL carries it.
constexpr const char* password_in_url = "pw%3Awith%40odd%2Fchars";

std::string url_with(const test::redis_server& s, const std::string& userinfo,
                     const std::string& path = "") {
  return "redis://" + userinfo + "@127.0.0.1:" + std::to_string(s.port()) + path;
}

std::vector<redis::reply> await(redis::pipeline& p, std::size_t n) {
  std::vector<redis::reply> out;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
    p.poll(out);
    std::this_thread::yield();
  }
  return out;
}

}  // namespace

TEST_CASE("the client logs in with the URL's password and selects its database",
          "[redis][integration][auth]") {
  test::redis_server server{test::redis_server_options::with_password(password)};
  auto ep = redis::parse_url(url_with(server, std::string{":"} + password_in_url, "/3"));
  REQUIRE(ep);
  CHECK(ep->password == password);
  redis::client c{*ep, 1000ms};
  CHECK(c.ping());
  c.set_px("k", "in db 3", 60'000);
  CHECK(c.get("k") == std::optional<std::string>{"in db 3"});
  CHECK(c.eval_integers("return {1, 2}", {}, {}) == std::vector<std::int64_t>{1, 2});

  // Database 0 of the same server does not hold it: SELECT ran after AUTH.
  redis::client db0{server.endpoint(), 1000ms};
  CHECK_FALSE(db0.get("k"));

  SECTION("a server gone away is named in the error") {
    server.stop();
    CHECK_THROWS_WITH(c.get("k"), Catch::Contains("connect") && Catch::Contains("refused"));
    CHECK_FALSE(c.ping());
    CHECK_THAT(c.last_error(), Catch::Contains("refused"));
  }
  SECTION("after a restart the client logs in again by itself") {
    server.stop();
    server.start();
    CHECK_FALSE(c.get("k"));  // a new link, logged in and on db 3; no data survived
    c.set_px("k", "again", 60'000);
    CHECK(c.get("k") == std::optional<std::string>{"again"});
  }
}

TEST_CASE("a wrong or missing password is a clear error, not a silent miss",
          "[redis][integration][auth]") {
  test::redis_server server{test::redis_server_options::with_password(password)};

  redis::client wrong{*redis::parse_url(url_with(server, ":not-the-password")), 1000ms};
  CHECK_FALSE(wrong.ping());
  CHECK_THAT(wrong.last_error(), Catch::Contains("AUTH"));
  CHECK_THAT(wrong.last_error(), Catch::Contains("user or password in the Redis URL is wrong"));
  CHECK(wrong.last_error().find("not-the-password") == std::string::npos);
  CHECK_THROWS_WITH(wrong.get("k"), Catch::Contains("WRONGPASS"));

  redis::client none{*redis::parse_url("redis://127.0.0.1:" + std::to_string(server.port())),
                     1000ms};
  CHECK_THROWS_WITH(none.get("k"),
                    Catch::Contains("NOAUTH") && Catch::Contains("needs a password"));
  CHECK_FALSE(none.ping());
}

TEST_CASE("an ACL user logs in with AUTH user password", "[redis][integration][auth]") {
  test::redis_server server{test::redis_server_options::with_password(
      password, {"--user", "reporter", "on", ">rep-pw", "~rep:*", "&*", "+@all"})};
  redis::client c{*redis::parse_url(url_with(server, "reporter:rep-pw")), 1000ms};
  c.set_px("rep:k", "v", 60'000);
  CHECK(c.get("rep:k") == std::optional<std::string>{"v"});
  // The user's own rights apply: proof that it is this user, not the default one.
  CHECK_THROWS_WITH(c.set_px("other:k", "v", 60'000), Catch::Contains("NOPERM"));

  redis::client wrong{*redis::parse_url(url_with(server, "reporter:nope")), 1000ms};
  CHECK_THROWS_WITH(wrong.get("rep:k"), Catch::Contains("WRONGPASS"));
}

TEST_CASE("the pipeline logs in before its first command", "[redis][integration][auth]") {
  test::redis_server server{test::redis_server_options::with_password(password)};
  redis::pipeline p{*redis::parse_url(url_with(server, std::string{":"} + password_in_url, "/2"))};
  p.send({"SET", "k", "v"});
  p.send({"GET", "k"});
  const auto replies = await(p, 2);
  REQUIRE(replies.size() == 2);
  CHECK(replies[1].type == redis::reply::kind::string);
  CHECK(replies[1].text == "v");

  redis::pipeline wrong{*redis::parse_url(url_with(server, ":nope"))};
  wrong.send({"GET", "k"});
  std::vector<redis::reply> out;
  std::string error;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (error.empty() && std::chrono::steady_clock::now() < deadline) {
    try {
      wrong.poll(out);
    } catch (const redis::error& e) {
      error = e.what();
    }
  }
  CHECK_THAT(error, Catch::Contains("AUTH") && Catch::Contains("WRONGPASS"));
  CHECK(out.empty());  // the GET never ran unauthenticated
}

TEST_CASE("the subscriber logs in, and a refused password never subscribes",
          "[redis][integration][auth]") {
  test::redis_server server{test::redis_server_options::with_password(password)};
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> got;
  std::atomic<bool> up{false};
  redis::subscriber_settings settings;
  settings.backoff_max = 200ms;
  redis::subscriber sub{*redis::parse_url(url_with(server, std::string{":"} + password_in_url)),
                        "ch",
                        [&](std::string msg) {
                          const std::lock_guard lock{m};
                          got.push_back(std::move(msg));
                          cv.notify_all();
                        },
                        [&](bool state) {
                          up = state;
                          cv.notify_all();
                        },
                        settings};
  {
    std::unique_lock lock{m};
    REQUIRE(cv.wait_for(lock, 5s, [&] { return up.load(); }));
  }
  redis::client pub{server.endpoint(), 1000ms};
  CHECK(pub.publish("ch", "hello") == 1);
  {
    std::unique_lock lock{m};
    REQUIRE(cv.wait_for(lock, 5s, [&] { return !got.empty(); }));
    CHECK(got.front() == "hello");
  }

  std::atomic<int> wrong_states{0};
  redis::subscriber wrong{*redis::parse_url(url_with(server, ":nope")), "ch", [](std::string) {},
                          [&](bool) { ++wrong_states; }, settings};
  // It keeps trying (an operator may fix the password), and the server
  // refuses each try: wait for three refusals, as Redis counts them.
  constexpr std::string_view refusals =
      "local s = redis.call('INFO', 'errorstats') "
      "return tonumber(string.match(s, 'errorstat_WRONGPASS:count=(%d+)')) or 0";
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (pub.eval_integers(refusals, {}, {}).at(0) < 3 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(pub.eval_integers(refusals, {}, {}).at(0) >= 3);
  // Never up: a publish reaches only the good subscriber.
  CHECK(pub.publish("ch", "again") == 1);
  CHECK_FALSE(wrong.connected());
  CHECK(wrong_states == 0);
}
