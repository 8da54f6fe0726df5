#include "cache/cache_error.hpp"
#include "cache/invalidation.hpp"
#include "cache/l2_reader.hpp"
#include "cache/l2_worker.hpp"
#include "core/type_ids.hpp"
#include "integrations/redis/client.hpp"
#include "integrations/redis/subscriber.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/services.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

using namespace openhouse;
using namespace std::chrono_literals;

namespace {

struct test_config : caf::actor_system_config {
  test_config() { add_message_types<caf::id_block::openhouse>(); }
};

std::string unique_prefix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "oh_test_l2:" + std::to_string(getpid()) + ":" + std::to_string(counter++) + ":" +
         std::to_string(rd() % 1000000);
}

/// Both L2 front ends answer the same interface the same way: every test
/// runs against the detached pool and against the polling reader.
enum class l2_impl { pool, reader };

cache::l2_actor spawn_under_test(l2_impl impl, caf::actor_system& sys,
                                 const cache::l2_settings& settings) {
  return impl == l2_impl::pool ? cache::spawn_l2_pool(sys, settings)
                               : cache::spawn_l2(sys, settings);
}

/// Blocking request helpers: each returns the value or the error.
struct l2_calls {
  caf::scoped_actor& self;
  cache::l2_actor pool;

  template <class T, class... Ts>
  std::variant<T, caf::error> ask(Ts&&... xs) {
    std::variant<T, caf::error> out{caf::error{}};
    self->request(pool, 10s, std::forward<Ts>(xs)...)
        .receive([&](T v) { out = std::move(v); }, [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  std::variant<std::pair<bool, std::string>, caf::error> get(const std::string& key) {
    std::variant<std::pair<bool, std::string>, caf::error> out{caf::error{}};
    self->request(pool, 10s, cache::get_atom_v, key)
        .receive([&](bool found, std::string v) { out = std::make_pair(found, std::move(v)); },
                 [&](caf::error& e) { out = std::move(e); });
    return out;
  }
  auto put(const std::string& key, const std::string& value, std::int64_t ttl) {
    return ask<bool>(cache::put_atom_v, key, value, ttl);
  }
  auto erase(const std::string& key) { return ask<bool>(cache::erase_atom_v, key); }
  /// The generations as the worker reads them, epoch included.
  auto read(const std::string& m, const std::string& c, const std::string& t) {
    std::variant<cache::generations, caf::error> out{caf::error{}};
    self->request(pool, 10s, cache::generations_atom_v, m, c, t)
        .receive([&](cache::generations g, std::uint64_t) { out = g; },
                 [&](caf::error& e) { out = std::move(e); });
    return out;
  }
  /// The bump sequence number a generations read is exact at.
  std::variant<std::uint64_t, caf::error> read_seq(const std::string& m, const std::string& c,
                                                   const std::string& t) {
    std::variant<std::uint64_t, caf::error> out{caf::error{}};
    self->request(pool, 10s, cache::generations_atom_v, m, c, t)
        .receive([&](cache::generations, std::uint64_t seq) { out = seq; },
                 [&](caf::error& e) { out = std::move(e); });
    return out;
  }
  /// The counters only (the epoch is random: checked on its own).
  std::variant<cache::generations, caf::error> gens(const std::string& m, const std::string& c,
                                                    const std::string& t) {
    auto out = read(m, c, t);
    if (auto* g = std::get_if<cache::generations>(&out)) {
      g->epoch = 0;
    }
    return out;
  }
  /// A bump's new value and the epoch it belongs to.
  std::variant<std::pair<std::uint64_t, std::uint64_t>, caf::error> bump_in_epoch(
      const std::string& scope, const std::string& m, const std::string& c, const std::string& t) {
    std::variant<std::pair<std::uint64_t, std::uint64_t>, caf::error> out{caf::error{}};
    self->request(pool, 10s, cache::bump_atom_v, scope, m, c, t)
        .receive([&](std::uint64_t v, std::uint64_t e) { out = std::make_pair(v, e); },
                 [&](caf::error& e) { out = std::move(e); });
    return out;
  }
  /// A bump's new value.
  std::variant<std::uint64_t, caf::error> bump(const std::string& scope, const std::string& m,
                                               const std::string& c, const std::string& t) {
    auto out = bump_in_epoch(scope, m, c, t);
    if (auto* e = std::get_if<caf::error>(&out)) {
      return std::move(*e);
    }
    return std::get<0>(out).first;
  }
};

bool is_cache_error(const caf::error& e, cache::cache_errc code) {
  return e.category() == cache::error_category && e.code() == static_cast<std::uint8_t>(code);
}

template <class T>
const T& value_of(const std::variant<T, caf::error>& v) {
  if (const auto* e = std::get_if<caf::error>(&v)) {
    FAIL("unexpected error: " << caf::to_string(*e));
  }
  return std::get<T>(v);
}

template <class T>
bool failed_with(const std::variant<T, caf::error>& v, cache::cache_errc code) {
  const auto* e = std::get_if<caf::error>(&v);
  return e != nullptr && is_cache_error(*e, code);
}

cache::generations gens(std::uint64_t g, std::uint64_t m, std::uint64_t c, std::uint64_t t) {
  cache::generations out;
  out.global = g;
  out.market = m;
  out.contact = c;
  out.task = t;
  return out;
}

/// Invalidation messages seen on the channel.
class inbox {
 public:
  void push(std::string m) {
    const std::lock_guard lock{mutex_};
    messages_.push_back(std::move(m));
    cv_.notify_all();
  }
  void state(bool up) {
    const std::lock_guard lock{mutex_};
    up_ = up;
    cv_.notify_all();
  }
  bool wait_up() {
    std::unique_lock lock{mutex_};
    return cv_.wait_for(lock, 10s, [&] { return up_; });
  }
  bool wait_for(const std::string& m) {
    std::unique_lock lock{mutex_};
    return cv_.wait_for(lock, 10s, [&] {
      return std::find(messages_.begin(), messages_.end(), m) != messages_.end();
    });
  }
  std::vector<std::string> all() {
    const std::lock_guard lock{mutex_};
    return messages_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> messages_;
  bool up_ = false;
};

}  // namespace

TEST_CASE("l2: put, get, erase through CAF", "[redis][integration][l2]") {
  const auto impl = GENERATE(l2_impl::pool, l2_impl::reader);
  INFO((impl == l2_impl::pool ? "detached pool" : "polling reader"));
  test_config cfg;
  caf::actor_system sys{cfg};
  cache::l2_settings settings;
  settings.redis_url = test::redis_url();
  settings.prefix = unique_prefix();
  settings.workers = 2;
  auto pool = spawn_under_test(impl, sys, settings);
  caf::scoped_actor self{sys};
  l2_calls l2{self, pool};

  CHECK(value_of(l2.get("d1")) == std::make_pair(false, std::string{}));
  const std::string value{"answer\0with nul", 15};
  CHECK(value_of(l2.put("d1", value, 60'000)));
  // Round robin: every worker sees the same Redis.
  for (int i = 0; i < 4; ++i) {
    CHECK(value_of(l2.get("d1")) == std::make_pair(true, value));
  }
  // The worker adds the prefix: the entry is where redis_keys says.
  redis::client direct{*redis::parse_url(settings.redis_url)};
  CHECK(direct.get(cache::redis_keys{settings.prefix}.entry("d1")) ==
        std::optional<std::string>{value});

  CHECK(value_of(l2.erase("d1")));
  CHECK_FALSE(value_of(l2.erase("d1")));
  CHECK(value_of(l2.get("d1")).first == false);
  CHECK(failed_with(l2.put("d1", "v", 0), cache::cache_errc::bad_request));

  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

TEST_CASE("l2: generations and bumps, with their invalidation messages",
          "[redis][integration][l2]") {
  const auto impl = GENERATE(l2_impl::pool, l2_impl::reader);
  INFO((impl == l2_impl::pool ? "detached pool" : "polling reader"));
  test_config cfg;
  caf::actor_system sys{cfg};
  cache::l2_settings settings;
  settings.redis_url = test::redis_url();
  settings.prefix = unique_prefix();
  settings.workers = 3;
  auto pool = spawn_under_test(impl, sys, settings);
  caf::scoped_actor self{sys};
  l2_calls l2{self, pool};
  const cache::redis_keys keys{settings.prefix};

  inbox box;
  redis::subscriber sub{*redis::parse_url(settings.redis_url), keys.channel(),
                        [&](std::string m) { box.push(std::move(m)); },
                        [&](bool up) { box.state(up); }};
  REQUIRE(box.wait_up());

  CHECK(value_of(l2.gens("ie", "+1909", "faq")) == gens(0, 0, 0, 0));

  CHECK(value_of(l2.bump("contact", "ie", "+1909", "")) == 1);
  CHECK(value_of(l2.bump("contact", "ie", "+1909", "")) == 2);
  CHECK(value_of(l2.bump("market", "ie", "", "")) == 1);
  CHECK(value_of(l2.bump("task", "", "", "faq")) == 1);
  CHECK(value_of(l2.bump("global", "", "", "")) == 1);

  CHECK(value_of(l2.gens("ie", "+1909", "faq")) == gens(1, 1, 2, 1));
  // Other ids are other counters; empty ids read as 0.
  CHECK(value_of(l2.gens("ie", "+1951", "intent")) == gens(1, 1, 0, 0));
  CHECK(value_of(l2.gens("", "+1909", "")) == gens(1, 0, 0, 0));
  CHECK(value_of(l2.gens("", "", "")) == gens(1, 0, 0, 0));
  // A hostile id does not reach another pair's counter.
  CHECK(value_of(l2.gens("ie:+1909", "", "")).market == 0);

  // Unknown scopes and missing ids are the caller's mistake, not Redis's.
  CHECK(failed_with(l2.bump("planet", "ie", "", ""), cache::cache_errc::bad_request));
  CHECK(failed_with(l2.bump("contact", "ie", "", ""), cache::cache_errc::bad_request));
  CHECK(failed_with(l2.bump("market", "", "", ""), cache::cache_errc::bad_request));
  CHECK(failed_with(l2.bump("task", "ie", "+1909", ""), cache::cache_errc::bad_request));

  // Each bump published one message naming its new value, in order.
  redis::client direct{*redis::parse_url(settings.redis_url)};
  CHECK(direct.publish(keys.channel(), "sentinel") == 1);
  REQUIRE(box.wait_for("sentinel"));
  auto seen = box.all();
  REQUIRE(seen.size() == 6);
  std::vector<cache::invalidation> decoded;
  for (std::size_t i = 0; i < 5; ++i) {
    auto inv = cache::decode(seen[i]);
    INFO(seen[i]);
    REQUIRE(inv);
    CHECK(cache::well_formed(*inv));
    decoded.push_back(*inv);
  }
  using kind = cache::invalidation::kind;
  CHECK(decoded[0].what == kind::contact);
  CHECK(decoded[0].market == "ie");
  CHECK(decoded[0].contact == "+1909");
  CHECK(decoded[0].generation == 1);
  CHECK(decoded[1].generation == 2);
  CHECK(decoded[2].what == kind::market);
  CHECK(decoded[2].market == "ie");
  CHECK(decoded[2].contact.empty());
  CHECK(decoded[3].what == kind::task);
  CHECK(decoded[3].task == "faq");
  CHECK(decoded[4].what == kind::global);
  CHECK(decoded[4].generation == 1);
  // Numbered in one sequence, in one epoch: a receiver can see a lost one.
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    CHECK(decoded[i].seq == i + 1);
    CHECK(decoded[i].epoch != 0);
    CHECK(decoded[i].epoch == decoded[0].epoch);
  }
  // A read says which point of the sequence its counters are exact at.
  CHECK(value_of(l2.read_seq("ie", "+1909", "faq")) == 5);

  sub.stop();
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

TEST_CASE("l2: Redis down -> redis_unavailable within the timeout; back -> works again",
          "[redis][integration][l2][restart]") {
  const auto impl = GENERATE(l2_impl::pool, l2_impl::reader);
  INFO((impl == l2_impl::pool ? "detached pool" : "polling reader"));
  test::redis_server server;
  test_config cfg;
  caf::actor_system sys{cfg};
  cache::l2_settings settings;
  settings.redis_url = server.url();
  settings.prefix = "oh";
  settings.timeout = 250ms;
  settings.workers = 3;
  auto pool = spawn_under_test(impl, sys, settings);
  caf::scoped_actor self{sys};
  l2_calls l2{self, pool};

  // Every worker has an open connection.
  for (std::size_t i = 0; i < settings.workers; ++i) {
    CHECK(value_of(l2.put("k", "v", 60'000)));
  }

  auto every_call_fails_fast = [&](std::chrono::milliseconds bound) {
    // Round the pool (5 requests a round: every worker sees every kind).
    for (std::size_t i = 0; i < settings.workers; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      CHECK(failed_with(l2.get("k"), cache::cache_errc::redis_unavailable));
      CHECK(failed_with(l2.gens("ie", "c", "t"), cache::cache_errc::redis_unavailable));
      CHECK(failed_with(l2.bump("global", "", "", ""), cache::cache_errc::redis_unavailable));
      CHECK(failed_with(l2.put("k", "v", 1000), cache::cache_errc::redis_unavailable));
      CHECK(failed_with(l2.erase("k"), cache::cache_errc::redis_unavailable));
      CHECK(std::chrono::steady_clock::now() - t0 < 5 * bound);
    }
  };
  auto every_worker_works = [&] {
    for (std::size_t i = 0; i < 2 * settings.workers; ++i) {
      CHECK(value_of(l2.put("k", "again", 60'000)));
      CHECK(value_of(l2.get("k")) == std::make_pair(true, std::string{"again"}));
      value_of(l2.gens("ie", "c", "t"));
    }
  };

  SECTION("killed, then restarted on the same port") {
    server.stop(SIGKILL);
    every_call_fails_fast(settings.timeout);
    server.start();
    // No retry loop: the first request to each worker succeeds.
    every_worker_works();
    CHECK(value_of(l2.gens("ie", "c", "t")) == gens(0, 0, 0, 0));  // a fresh, empty server
  }
  SECTION("stalled (answers nothing), then resumed") {
    server.pause();
    every_call_fails_fast(settings.timeout + 200ms);  // each call waits out the timeout
    server.resume();
    every_worker_works();
    // A bump that timed out may still have run once the server woke up (it
    // had the commands): a timeout says "unknown", never "not done". Each
    // one that ran published its message, in the same step.
  }
  SECTION("never there: a malformed URL fails every request the same way") {
    cache::l2_settings bad = settings;
    bad.redis_url = "http://nope";
    l2_calls broken{self, spawn_under_test(impl, sys, bad)};
    CHECK(failed_with(broken.get("k"), cache::cache_errc::redis_unavailable));
    self->send_exit(broken.pool, caf::exit_reason::user_shutdown);
  }
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

TEST_CASE("l2: reads and bumps carry the Redis epoch; an empty restart makes a new one",
          "[redis][integration][l2][restart][epoch]") {
  const auto impl = GENERATE(l2_impl::pool, l2_impl::reader);
  INFO((impl == l2_impl::pool ? "detached pool" : "polling reader"));
  test::redis_server server;
  test_config cfg;
  caf::actor_system sys{cfg};
  cache::l2_settings settings;
  settings.redis_url = server.url();
  settings.prefix = "oh";
  settings.timeout = 250ms;
  settings.workers = 3;
  caf::scoped_actor self{sys};
  // Two pools, as two nodes have.
  l2_calls a{self, spawn_under_test(impl, sys, settings)};
  l2_calls b{self, spawn_under_test(impl, sys, settings)};
  redis::client direct{server.endpoint()};

  // The first read creates the epoch; every worker of every node adopts it.
  const auto e1 = value_of(a.read("ie", "c1", "reply")).epoch;
  CHECK(e1 != 0);
  CHECK(direct.get("{oh:gen}:epoch") == std::optional<std::string>{std::to_string(e1)});
  for (std::size_t i = 0; i < 2 * settings.workers; ++i) {
    CHECK(value_of(a.read("ie", "c1", "reply")).epoch == e1);
    CHECK(value_of(b.read("", "", "")).epoch == e1);
  }
  for (std::uint64_t i = 1; i <= 5; ++i) {
    CHECK(value_of(a.bump_in_epoch("contact", "ie", "c1", "")) == std::make_pair(i, e1));
  }
  CHECK(value_of(b.read("ie", "c1", "reply")) == [&] {
    auto g = gens(0, 0, 5, 0);
    g.epoch = e1;
    return g;
  }());

  server.stop();
  server.start();  // same port, empty: no persistence

  // Each worker finds its connection dead once, then reconnects by itself.
  // The first call that gets through on the new Redis is a bump: it creates
  // the epoch in the same step, so its value never comes without one.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> first;
  for (int i = 0; i < 10 && !first; ++i) {
    auto r = b.bump_in_epoch("contact", "ie", "c1", "");
    if (const auto* v = std::get_if<std::pair<std::uint64_t, std::uint64_t>>(&r)) {
      first = *v;
    } else {
      CHECK(failed_with(r, cache::cache_errc::redis_unavailable));
    }
  }
  REQUIRE(first);
  CHECK(first->first == 1);  // the counter restarted: 1, not 6
  const auto e2 = first->second;
  CHECK(e2 != 0);
  CHECK(e2 != e1);
  CHECK(direct.get("{oh:gen}:epoch") == std::optional<std::string>{std::to_string(e2)});

  // The other node reads the new life: the new epoch with the new counter.
  std::optional<cache::generations> seen;
  for (int i = 0; i < 10 && !seen; ++i) {
    auto r = a.read("ie", "c1", "reply");
    if (const auto* g = std::get_if<cache::generations>(&r)) {
      seen = *g;
    }
  }
  REQUIRE(seen);
  CHECK(seen->epoch == e2);
  CHECK(seen->contact == 1);
  for (std::size_t i = 0; i < 2 * settings.workers; ++i) {
    auto r = a.read("ie", "c1", "reply");
    if (const auto* g = std::get_if<cache::generations>(&r)) {
      CHECK(g->epoch == e2);
    }
  }

  // An epoch someone else overwrote is reported, never guessed at.
  direct.set_px("{oh:gen}:epoch", "not-a-number", 60'000);
  CHECK(failed_with(b.read("ie", "c1", "reply"), cache::cache_errc::redis_unavailable));
  CHECK(failed_with(b.bump("contact", "ie", "c1", ""), cache::cache_errc::redis_unavailable));

  self->send_exit(a.pool, caf::exit_reason::user_shutdown);
  self->send_exit(b.pool, caf::exit_reason::user_shutdown);
}

TEST_CASE("l2: generation reads and bumps run on a Redis Cluster (keys share a hash slot)",
          "[redis][integration][l2][cluster]") {
  const auto impl = GENERATE(l2_impl::pool, l2_impl::reader);
  INFO((impl == l2_impl::pool ? "detached pool" : "polling reader"));
  test::redis_server server{test::redis_server_options::one_node_cluster()};
  test_config cfg;
  caf::actor_system sys{cfg};
  cache::l2_settings settings;
  settings.redis_url = server.url();
  settings.prefix = "oh";
  settings.timeout = 500ms;
  settings.workers = 2;
  caf::scoped_actor self{sys};
  l2_calls l2{self, spawn_under_test(impl, sys, settings)};

  // The one MGET of a read (global, market, contact, task counters and the
  // epoch) and the bump script (a counter and the epoch) are multi-key.
  const auto first = value_of(l2.read("inland-empire", "+19095551234", "reply"));
  CHECK(first.epoch != 0);
  CHECK(value_of(l2.bump("contact", "inland-empire", "+19095551234", "")) == 1);
  CHECK(value_of(l2.bump("market", "inland-empire", "", "")) == 1);
  CHECK(value_of(l2.bump("task", "", "", "reply")) == 1);
  CHECK(value_of(l2.bump("global", "", "", "")) == 1);
  CHECK(value_of(l2.gens("inland-empire", "+19095551234", "reply")) == gens(1, 1, 1, 1));
  // Entries are single keys, in any slot.
  CHECK(value_of(l2.put("d1", "v1", 60'000)));
  CHECK(value_of(l2.get("d1")) == std::make_pair(true, std::string{"v1"}));

  // The untagged names of before would not run here: the cluster refuses them.
  redis::client direct{server.endpoint()};
  CHECK_THROWS_WITH(direct.mget({"oh:gen:global", "oh:gen:market:inland-empire", "oh:epoch"}),
                    Catch::Contains("CROSSSLOT"));
  self->send_exit(l2.pool, caf::exit_reason::user_shutdown);
}

TEST_CASE("l2: a password-protected Redis is reached with the URL's password",
          "[redis][integration][l2][auth]") {
  const auto impl = GENERATE(l2_impl::pool, l2_impl::reader);
  INFO((impl == l2_impl::pool ? "detached pool" : "polling reader"));
  test::redis_server server{test::redis_server_options::with_password("l2-s3cret")};
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  cache::l2_settings settings;
  settings.prefix = "oh";
  settings.timeout = 500ms;
  settings.workers = 2;

  settings.redis_url = server.url();  // redis://:l2-s3cret@127.0.0.1:PORT
  l2_calls good{self, spawn_under_test(impl, sys, settings)};
  CHECK(value_of(good.put("d1", "v1", 60'000)));
  CHECK(value_of(good.get("d1")) == std::make_pair(true, std::string{"v1"}));
  CHECK(value_of(good.bump("contact", "ie", "c1", "")) == 1);

  settings.redis_url = "redis://:not-it@127.0.0.1:" + std::to_string(server.port());
  l2_calls wrong{self, spawn_under_test(impl, sys, settings)};
  CHECK(failed_with(wrong.get("d1"), cache::cache_errc::redis_unavailable));
  CHECK(failed_with(wrong.read("ie", "c1", "reply"), cache::cache_errc::redis_unavailable));

  self->send_exit(good.pool, caf::exit_reason::user_shutdown);
  self->send_exit(wrong.pool, caf::exit_reason::user_shutdown);
}
