// Three `openhouse serve` nodes behind HAProxy (the shipped docker/haproxy.cfg
// settings), under load from clients that retry a failed webhook the way
// Twilio does with connection overrides (#rc=3&rp=ct,rt,5xx): a node killed
// with SIGKILL loses no message and answers none twice; a node stopped with
// SIGTERM drains and fails no request.

#include "tests/support/balancer.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;

namespace {

using clock_type = std::chrono::steady_clock;

/// Polls `done` every 10 ms; false after `seconds`.
bool eventually(const std::function<bool()>& done, int seconds = 60) {
  const auto deadline = clock_type::now() + std::chrono::seconds{seconds};
  while (clock_type::now() < deadline) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return false;
}

/// One webhook attempt as the client saw it.
struct attempt {
  std::string sid;
  clock_type::time_point started;
  bool ok = false;  ///< 200 with a TwiML message
  clock_type::duration took{};
  std::string what;
};

/// What the load's clients saw, shared by their threads.
struct load_log {
  std::mutex m;
  std::vector<attempt> attempts;
  std::vector<std::string> answered;   ///< SIDs answered with a message
  std::vector<std::string> abandoned;  ///< SIDs still failing after every retry
  std::atomic<int> answered_count{0};
};

/// Posts one message like Twilio with `#rc=3&rp=ct,rt,5xx`: a refused or
/// dropped connection, a timeout or a 5xx is retried, up to three times, with
/// the same MessageSid and signature.
void deliver(const std::string& lb, const std::map<std::string, std::string>& params,
             load_log& log) {
  http_client c;
  const auto& sid = params.at("MessageSid");
  for (int i = 0; i <= 3; ++i) {
    attempt a{sid, clock_type::now(), false, {}, ""};
    try {
      const auto r = post_sms(c, lb, params);
      a.ok = r.status == 200 && is_message_twiml(r.body);
      a.what = std::to_string(r.status) + " " + r.body.substr(0, 80);
    } catch (const std::exception& e) {
      a.what = e.what();
    }
    a.took = clock_type::now() - a.started;
    const bool ok = a.ok;
    {
      const std::lock_guard lock{log.m};
      log.attempts.push_back(a);
      if (ok) {
        log.answered.push_back(sid);
      }
    }
    if (ok) {
      ++log.answered_count;
      return;
    }
  }
  const std::lock_guard lock{log.m};
  log.abandoned.push_back(sid);
}

}  // namespace

TEST_CASE(
    "through the balancer, a node killed under load answers no message twice and loses none; a "
    "node drained by SIGTERM fails no request",
    "[e2e][balancer]") {
  test::scratch_database db;
  simulator sim{40};  // each LLM unit takes 40 ms: turns are in flight when a node dies
  // The drain delay covers HAProxy's inter 2 s * fall 2 before the listener closes.
  const std::map<std::string, std::string> env{{"OPENHOUSE_DRAIN_DELAY", "5s"}};
  node a{db.url(), sim.url(), test::redis_url(), env};
  node b{db.url(), sim.url(), test::redis_url(), env};
  node c{db.url(), sim.url(), test::redis_url(), env};
  test::balancer lb{{a.url(), b.url(), c.url()}};
  REQUIRE(eventually([&] { return lb.servers_up() == 3; }));

  load_log log;
  std::atomic<bool> stop{false};
  constexpr int clients = 4;
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      // One lead per client, texting in order, as a lead does.
      const std::string lead = "+1951555" + std::to_string(7100 + t);
      for (int i = 0; !stop.load(); ++i) {
        deliver(lb.url(),
                sms_params(sid(t * 10000 + i), lead,
                           i % 2 == 0 ? "we want to buy a home in Temecula"
                                      : "is there anything with a pool near Murrieta?"),
                log);
      }
    });
  }

  // SIGKILL node A once the load runs: the turns it holds die with it.
  REQUIRE(eventually([&] { return log.answered_count.load() >= 12; }));
  a.signal(SIGKILL);
  CHECK(a.wait() == 128 + SIGKILL);
  const int at_kill = log.answered_count.load();

  // SIGTERM node B once the load has gone on without A: B answers /readyz 503,
  // HAProxy takes it out, B serves what it gets meanwhile and exits 0.
  REQUIRE(eventually([&] { return log.answered_count.load() >= at_kill + 20; }));
  const auto terminated = clock_type::now();
  b.signal(SIGTERM);
  CHECK(b.wait() == 0);
  const int at_exit = log.answered_count.load();
  REQUIRE(eventually([&] { return log.answered_count.load() >= at_exit + 20; }));
  stop = true;
  for (auto& t : threads) {
    t.join();
  }

  const auto [retried, redispatched] = lb.retries();
  auto slowest = clock_type::duration::zero();
  for (const auto& at : log.attempts) {
    slowest = std::max(slowest, at.took);
  }
  INFO("answered " << log.answered.size() << " SIDs in " << log.attempts.size()
                   << " attempts; HAProxy retried " << retried << " requests, " << redispatched
                   << " to another node; slowest answer "
                   << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count()
                   << " ms");
  CHECK(log.abandoned.empty());
  // No request sent after B's SIGTERM failed, not even once: a draining node
  // keeps answering until the balancer has moved on.
  std::vector<std::string> failed_after_sigterm;
  for (const auto& at : log.attempts) {
    if (!at.ok && at.started >= terminated) {
      failed_after_sigterm.push_back(at.sid + ": " + at.what);
    }
  }
  CHECK(failed_after_sigterm.empty());
  for (const auto& f : failed_after_sigterm) {
    UNSCOPED_INFO(f);
  }

  // Every SID was stored once and has exactly one reply, whichever node or
  // attempt answered it, and nothing else was stored.
  const auto sent = static_cast<long>(log.answered.size() + log.abandoned.size());
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages WHERE direction = 'inbound'") == sent);
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM messages WHERE direction = 'inbound' AND "
                   "(SELECT count(*) FROM messages o WHERE o.in_reply_to = messages.id) <> 1") ==
        0);
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages WHERE direction = 'outbound'") == sent);
  // Each lead's turns are counted once each.
  CHECK(query_long(db.url(), "SELECT sum(turns) FROM conversation_state") == sent);
}
