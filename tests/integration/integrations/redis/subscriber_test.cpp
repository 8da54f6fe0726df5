#include "integrations/redis/subscriber.hpp"
#include "cache/invalidation.hpp"
#include "integrations/redis/client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace openhouse;
using namespace std::chrono_literals;

namespace {

std::string unique_name(std::string_view what) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "oh_test:" + std::string{what} + ":" + std::to_string(getpid()) + ":" +
         std::to_string(counter++) + ":" + std::to_string(rd() % 1000000);
}

/// What a subscriber reported, collected from its thread; tests wait on a
/// condition with a deadline instead of sleeping.
class recorder {
 public:
  redis::subscriber::message_handler messages() {
    return [this](std::string payload) {
      const std::lock_guard lock{mutex_};
      messages_.push_back(std::move(payload));
      changed_.notify_all();
    };
  }
  redis::subscriber::state_handler states() {
    return [this](bool up) {
      const std::lock_guard lock{mutex_};
      states_.push_back(up);
      changed_.notify_all();
    };
  }

  /// Waits until `pred(messages, states)` holds; false after `timeout`.
  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock{mutex_};
    return changed_.wait_for(lock, timeout, [&] { return pred(messages_, states_); });
  }

  bool wait_for_states(std::size_t n) {
    return wait([n](const auto&, const auto& s) { return s.size() >= n; });
  }
  bool wait_for_message(const std::string& m) {
    return wait([&m](const auto& msgs, const auto&) {
      return std::find(msgs.begin(), msgs.end(), m) != msgs.end();
    });
  }

  std::vector<std::string> messages_copy() {
    const std::lock_guard lock{mutex_};
    return messages_;
  }
  std::vector<bool> states_copy() {
    const std::lock_guard lock{mutex_};
    return states_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> messages_;
  std::vector<bool> states_;
};

redis::endpoint shared_endpoint() {
  auto ep = redis::parse_url(test::redis_url());
  REQUIRE(ep);
  return *ep;
}

}  // namespace

TEST_CASE("subscriber receives what is published, binary-safe", "[redis][integration][pubsub]") {
  const auto channel = unique_name("ch");
  recorder rec;
  redis::subscriber sub{shared_endpoint(), channel, rec.messages(), rec.states()};
  REQUIRE(rec.wait_for_states(1));
  CHECK(rec.states_copy() == std::vector<bool>{true});
  CHECK(sub.connected());

  redis::client c{shared_endpoint()};
  const std::string binary{"a\0|b\r\n", 6};
  CHECK(c.publish(channel, "first") == 1);
  CHECK(c.publish(channel, binary) == 1);
  CHECK(c.publish(unique_name("other"), "elsewhere") == 0);
  CHECK(c.publish(channel, "last") == 1);
  REQUIRE(rec.wait_for_message("last"));
  CHECK(rec.messages_copy() == std::vector<std::string>{"first", binary, "last"});

  sub.stop();
  CHECK(rec.states_copy() == std::vector<bool>{true, false});
  CHECK_FALSE(sub.connected());
  CHECK(c.publish(channel, "after stop") == 0);
}

TEST_CASE("bump publishes exactly once, in the same step as the INCR",
          "[redis][integration][pubsub]") {
  const auto channel = unique_name("bump-ch");
  const auto counter = unique_name("bump-counter");
  recorder rec;
  redis::subscriber sub{shared_endpoint(), channel, rec.messages(), rec.states()};
  REQUIRE(rec.wait_for_states(1));

  redis::client c{shared_endpoint()};
  CHECK(c.bump(counter, channel, "bumped") == 1);
  // Messages of one channel arrive in order: once the sentinel is there,
  // everything the bump published is there too.
  CHECK(c.publish(channel, "sentinel") == 1);
  REQUIRE(rec.wait_for_message("sentinel"));
  CHECK(rec.messages_copy() == std::vector<std::string>{"bumped", "sentinel"});
  c.del(counter);
}

TEST_CASE("bump_with publishes the new counter value", "[redis][integration][pubsub]") {
  const auto channel = unique_name("bumpw-ch");
  const auto counter = unique_name("bumpw-counter");
  recorder rec;
  redis::subscriber sub{shared_endpoint(), channel, rec.messages(), rec.states()};
  REQUIRE(rec.wait_for_states(1));

  redis::client c{shared_endpoint()};
  cache::invalidation inv;
  inv.what = cache::invalidation::kind::contact;
  inv.market = "i|e";
  inv.contact = "+1:909";
  const auto parts = cache::encode_parts(inv);
  CHECK(c.bump_with(counter, channel, parts.head, parts.tail) == 1);
  CHECK(c.bump_with(counter, channel, parts.head, parts.tail) == 2);
  CHECK(c.publish(channel, "sentinel") == 1);
  REQUIRE(rec.wait_for_message("sentinel"));
  const auto got = rec.messages_copy();
  REQUIRE(got.size() == 3);
  for (std::uint64_t i = 0; i < 2; ++i) {
    const auto decoded = cache::decode(got[i]);
    REQUIRE(decoded);
    inv.generation = i + 1;
    CHECK(*decoded == inv);
  }
  c.del(counter);
}

TEST_CASE("concurrent bumps each publish their own, distinct generation",
          "[redis][integration][pubsub]") {
  const auto channel = unique_name("race-ch");
  const auto counter = unique_name("race-counter");
  recorder rec;
  redis::subscriber sub{shared_endpoint(), channel, rec.messages(), rec.states()};
  REQUIRE(rec.wait_for_states(1));

  constexpr int threads = 4;
  constexpr int per_thread = 25;
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      redis::client c{shared_endpoint()};
      for (int i = 0; i < per_thread; ++i) {
        try {
          c.bump_with(counter, channel, "g=", "");
        } catch (const redis::error&) {
          ++failures;
        }
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  CHECK(failures == 0);
  redis::client c{shared_endpoint()};
  CHECK(c.publish(channel, "sentinel") == 1);
  REQUIRE(rec.wait_for_message("sentinel"));
  auto got = rec.messages_copy();
  got.pop_back();
  std::set<std::string> expected;
  for (int g = 1; g <= threads * per_thread; ++g) {
    expected.insert("g=" + std::to_string(g));
  }
  CHECK(got.size() == expected.size());
  CHECK(std::set<std::string>(got.begin(), got.end()) == expected);
  c.del(counter);
}

TEST_CASE("subscriber reconnects after its Redis restarts",
          "[redis][integration][pubsub][restart]") {
  test::redis_server server;
  const std::string channel = "oh:invalidate";
  recorder rec;
  redis::subscriber_settings settings;
  settings.timeout = 300ms;
  settings.backoff_min = 20ms;
  settings.backoff_max = 200ms;
  redis::subscriber sub{server.endpoint(), channel, rec.messages(), rec.states(), settings};
  REQUIRE(rec.wait_for_states(1));

  redis::client c{server.endpoint(), 500ms};
  CHECK(c.publish(channel, "before") == 1);
  REQUIRE(rec.wait_for_message("before"));

  const int sig = GENERATE(SIGTERM, SIGKILL);
  INFO("signal " << sig);
  const auto states_before = rec.states_copy().size();
  server.stop(sig);
  REQUIRE(rec.wait_for_states(states_before + 1));
  CHECK(rec.states_copy().back() == false);
  CHECK_FALSE(sub.connected());

  // Down for several backoff rounds: the subscriber keeps trying, reports nothing new.
  CHECK_FALSE(
      rec.wait([&](const auto&, const auto& s) { return s.size() > states_before + 1; }, 100ms));

  server.start();
  REQUIRE(rec.wait_for_states(states_before + 2));
  CHECK(rec.states_copy().back() == true);
  // Once the subscription is confirmed, a publish reaches it.
  CHECK(c.publish(channel, "after") == 1);
  REQUIRE(rec.wait_for_message("after"));
}

TEST_CASE("a stalled Redis is noticed by the keep-alive PING", "[redis][integration][pubsub]") {
  test::redis_server server;
  recorder rec;
  redis::subscriber_settings settings;
  settings.timeout = 200ms;
  settings.ping_interval = 100ms;
  settings.backoff_min = 20ms;
  settings.backoff_max = 100ms;
  redis::subscriber sub{server.endpoint(), "ch", rec.messages(), rec.states(), settings};
  REQUIRE(rec.wait_for_states(1));
  server.pause();
  REQUIRE(rec.wait_for_states(2));  // the unanswered PING ended the session
  CHECK(rec.states_copy() == std::vector<bool>{true, false});
  server.resume();
  REQUIRE(rec.wait_for_states(3));
  CHECK(rec.states_copy().back() == true);
}

TEST_CASE("stop() is prompt whatever Redis does", "[redis][integration][pubsub]") {
  test::redis_server server;
  redis::subscriber_settings settings;
  settings.timeout = 5s;  // long waits everywhere: stop() must not sit them out
  settings.backoff_min = 5s;
  settings.backoff_max = 5s;
  settings.ping_interval = 60s;

  auto time_stop = [](redis::subscriber& sub) {
    const auto t0 = std::chrono::steady_clock::now();
    sub.stop();
    return std::chrono::steady_clock::now() - t0;
  };

  SECTION("subscribed and idle") {
    recorder rec;
    redis::subscriber sub{server.endpoint(), "ch", rec.messages(), rec.states(), settings};
    REQUIRE(rec.wait_for_states(1));
    CHECK(time_stop(sub) < 500ms);
    CHECK(rec.states_copy() == std::vector<bool>{true, false});
    sub.stop();  // idempotent
  }
  SECTION("waiting out a backoff") {
    server.stop();
    recorder rec;
    redis::subscriber sub{server.endpoint(), "ch", rec.messages(), rec.states(), settings};
    CHECK(time_stop(sub) < 500ms);
    CHECK(rec.states_copy().empty());
  }
  SECTION("connected to a server that answers nothing") {
    server.pause();
    recorder rec;
    redis::subscriber sub{server.endpoint(), "ch", rec.messages(), rec.states(), settings};
    CHECK(time_stop(sub) < 500ms);
    server.resume();
  }
  SECTION("destroyed without stop()") {
    recorder rec;
    const auto t0 = std::chrono::steady_clock::now();
    {
      redis::subscriber sub{server.endpoint(), "ch", rec.messages(), rec.states(), settings};
      REQUIRE(rec.wait_for_states(1));
    }
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  }
}

TEST_CASE("a throwing callback does not end the subscription", "[redis][integration][pubsub]") {
  const auto channel = unique_name("throw-ch");
  recorder rec;
  auto record = rec.messages();
  redis::subscriber sub{shared_endpoint(), channel,
                        [&](std::string m) {
                          record(m);
                          if (m == "boom") {
                            throw std::runtime_error("callback failed");
                          }
                        },
                        rec.states()};
  REQUIRE(rec.wait_for_states(1));
  redis::client c{shared_endpoint()};
  c.publish(channel, "boom");
  c.publish(channel, "still here");
  REQUIRE(rec.wait_for_message("still here"));
  CHECK(rec.states_copy() == std::vector<bool>{true});
}

TEST_CASE("a fence reports a PING answered after every message published before it",
          "[redis][integration][pubsub][generation_sync]") {
  const auto channel = unique_name("fence-ch");
  recorder rec;
  std::mutex m;
  std::condition_variable cv;
  // Per fence: its PING's send time and how many messages had arrived then.
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::size_t>> fences;
  std::size_t arrived = 0;
  redis::subscriber_settings settings;
  settings.fence_interval = 5ms;
  redis::subscriber sub{shared_endpoint(),
                        channel,
                        [&](std::string) {
                          const std::lock_guard lock{m};
                          ++arrived;
                        },
                        rec.states(),
                        settings,
                        [&](std::chrono::steady_clock::time_point sent) {
                          const std::lock_guard lock{m};
                          fences.emplace_back(sent, arrived);
                          cv.notify_all();
                        }};
  REQUIRE(rec.wait_for_states(1));

  redis::client c{shared_endpoint()};
  for (int i = 0; i < 20; ++i) {
    REQUIRE(c.publish(channel, "bump " + std::to_string(i)) == 1);
  }
  const auto published = std::chrono::steady_clock::now();
  std::unique_lock lock{m};
  REQUIRE(
      cv.wait_for(lock, 10s, [&] { return !fences.empty() && fences.back().first > published; }));
  // The first fence whose PING left after the last publish saw all of them.
  for (const auto& [sent, count] : fences) {
    if (sent > published) {
      CHECK(count == 20);
      break;
    }
  }
  // And fences keep coming, each one later than the last.
  for (std::size_t i = 1; i < fences.size(); ++i) {
    CHECK(fences[i].first > fences[i - 1].first);
  }
}
