// The cache actor with real parts: redis-server (the shared one from
// scripts/services, or a private one that a test kills), the provider
// simulator over HTTP, the real gateway and LLM workers, the real L2 pool, the
// pub/sub subscriber and PostgreSQL for the semantic tier. Each "node" is an
// actor system of its own in this process, wired as runtime/node.cpp wires a
// production node; nodes of one test share a Redis prefix nobody else uses.

#include "cache/llm_cache.hpp"
#include "cache/invalidation.hpp"
#include "cache/l2_reader.hpp"
#include "cache/semantic_setup.hpp"
#include "cache/semantic_tier.hpp"
#include "cache/semantic_writer.hpp"
#include "config/loader.hpp"
#include "core/metrics.hpp"
#include "core/time_zone.hpp"
#include "core/type_ids.hpp"
#include "integrations/llm/sim_server.hpp"
#include "integrations/postgres/store.hpp"
#include "integrations/redis/client.hpp"
#include "integrations/redis/subscriber.hpp"
#include "runtime/llm_gateway.hpp"
#include "runtime/llm_worker.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/services.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

using namespace openhouse;
using namespace std::chrono_literals;

namespace {

using steady = std::chrono::steady_clock;

/// How long any awaited effect (a pub/sub message, Redis coming back, a
/// write-behind reaching Redis) may take before the test fails.
constexpr auto patience = 10s;

/// A caller's wait for one cache answer; generous, as a miss goes over HTTP.
constexpr auto ask_timeout = 30s;

struct test_config : caf::actor_system_config {
  test_config() {
    add_message_types<caf::id_block::openhouse>();
    // As in production (runtime/node.cpp): two cores, CAF's console quiet.
    set("scheduler.max-threads", 2);
    set("logger.console", caf::atom("none"));
  }
};

/// Polls `done` until it holds or `limit` passes: work finished by other
/// threads or processes is waited for, never slept for.
template <class F>
bool eventually(F&& done, std::chrono::milliseconds limit = patience) {
  const auto deadline = steady::now() + limit;
  while (!done()) {
    if (steady::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

/// A Redis prefix no other test, run or machine user shares, so the nodes of
/// one test see each other's entries and counters and nothing else.
std::string unique_prefix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  // The market file accepts only identifier characters here: no ':'.
  return "oh_test_cache_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 1000000);
}

/// A lead nobody else uses (contact counters live in the shared Redis).
std::string unique_contact() {
  std::random_device rd;
  return "+1909" + std::to_string(1000000 + rd() % 9000000);
}

/// The shipped market file, pointed at this test's servers. The database is
/// only used by the semantic tier; tests without one get a URL never dialled.
std::shared_ptr<config::market_config> market(
    const std::string& llm_url, const std::string& redis_url, const std::string& prefix,
    const std::string& database_url = "postgresql://unused@127.0.0.1:1/unused") {
  const auto path = std::string{OPENHOUSE_SOURCE_DIR} + "/config/node.yaml";
  auto loaded =
      config::load_market_file(path, config::fixed_env({{"OPENHOUSE_LLM_BASE_URL", llm_url},
                                                        {"OPENHOUSE_REDIS_URL", redis_url},
                                                        {"OPENHOUSE_REDIS_PREFIX", prefix},
                                                        {"OPENHOUSE_DATABASE_URL", database_url},
                                                        {"ANTHROPIC_API_KEY", "test-key"},
                                                        {"TWILIO_AUTH_TOKEN", "test-token"}}));
  if (!loaded.has_value()) {
    std::string why;
    for (const auto& e : loaded.error()) {
      why += config::to_string(e, path) + "\n";
    }
    FAIL("market file does not load:\n" << why);
  }
  auto cfg = std::make_shared<config::market_config>(std::move(*loaded));
  return cfg;
}

/// What a node is built with, beyond its market.
struct node_options {
  /// Listen on the invalidation channel (production does).
  bool subscriber = true;
  /// The semantic tier, rebuilt from the market's database, with its writer.
  bool semantic = false;
  /// The back-off after a Redis error.
  std::chrono::milliseconds l2_retry_after{1000};
  /// The subscriber proves delivery (PING fences), so the cache may answer
  /// generations from its own copy (production does).
  bool fences = true;
};

/// One node: its own actor system with the LLM workers, the gateway, the L2
/// pool, the cache actor and (optionally) the subscriber and the semantic
/// tier, wired as runtime/node.cpp does; a scoped actor to ask it things.
/// Destroying it stops the subscriber and every actor, then the system.
class node {
 public:
  explicit node(std::shared_ptr<const config::market_config> cfg, node_options opts = {})
      : cfg_(std::move(cfg)), sys_(caf_cfg_), self_(sys_) {
    auto time = std::make_shared<runtime::system_clock>();
    workers_ = runtime::spawn_llm_client(sys_, cfg_->llm);
    runtime::gateway_deps gw;
    gw.config = cfg_;
    gw.time = time;
    gw.zone =
        std::make_shared<const runtime::time_zone>(runtime::time_zone::load(cfg_->market.timezone));
    gw.workers = workers_;
    gw.metrics = metrics_;
    gateway_ = runtime::spawn_gateway(sys_, gw);

    cache::l2_settings l2;
    l2.redis_url = cfg_->storage.redis_url;
    l2.prefix = cfg_->cache.redis_prefix;
    l2.timeout = cfg_->cache.redis_timeout;
    cache::cache_deps cd;
    cd.config = cfg_;
    cd.time = time;
    cd.gateway = gateway_;
    cd.l2 = l2_ = cache::spawn_l2(sys_, l2);
    cd.metrics = metrics_;
    cd.l2_retry_after = opts.l2_retry_after;
    if (opts.semantic) {
      cd.semantic = cache::make_semantic_tier(*cfg_);
      REQUIRE(cd.semantic != nullptr);
      restored_ = cache::restore_semantic_tier(*cd.semantic, *cfg_, time->now());
      cd.semantic_writer = writer_ =
          cache::spawn_semantic_writer(sys_, cfg_->storage.database_url, cfg_->market.id);
    }
    cache_ = cache::spawn_cache(sys_, cd);
    if (opts.subscriber) {
      auto ep = redis::parse_url(cfg_->storage.redis_url);
      REQUIRE(ep.has_value());
      auto target = cache_;
      subscriber_ = std::make_unique<redis::subscriber>(
          *ep, cache::redis_keys{cfg_->cache.redis_prefix}.channel(),
          [target](std::string payload) {
            caf::anon_send(target, cache::invalidate_atom_v, std::move(payload));
          },
          [target](bool up) { caf::anon_send(target, cache::subscribed_atom_v, up); },
          sub_settings(opts),
          [target](std::chrono::steady_clock::time_point sent) {
            caf::anon_send(target, cache::subscribed_atom_v,
                           static_cast<std::int64_t>(sent.time_since_epoch().count()));
          });
    }
  }

  static redis::subscriber_settings sub_settings(const node_options& opts) {
    redis::subscriber_settings out;
    // A short backoff: tests that break the link wait for the way back.
    out.backoff_max = 200ms;
    if (opts.fences) {
      out.fence_interval = cache::default_fence_interval;
    }
    return out;
  }

  ~node() {
    if (subscriber_) {
      subscriber_->stop();
    }
    // The pools pass the exit on to their workers; the writer flushes on it.
    for (const auto& a :
         {caf::actor_cast<caf::actor>(cache_), caf::actor_cast<caf::actor>(l2_),
          caf::actor_cast<caf::actor>(writer_), caf::actor_cast<caf::actor>(gateway_),
          caf::actor_cast<caf::actor>(workers_)}) {
      if (a) {
        caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
      }
    }
  }

  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// The cache's answer; fails the test on an error (no caller ever gets one
  /// here: the provider simulator answers every call).
  cache::cache_reply lookup(cache::cache_request req) {
    std::optional<cache::cache_reply> out;
    self_->request(cache_, ask_timeout, cache::lookup_atom_v, std::move(req))
        .receive([&](cache::cache_reply& r) { out = std::move(r); },
                 [&](const caf::error& e) { FAIL("lookup failed: " << sys_.render(e)); });
    REQUIRE(out.has_value());
    return std::move(*out);
  }

  /// The counters for one turn and whether Redis confirmed them.
  std::pair<cache::generations, bool> generations(const std::string& contact,
                                                  const std::string& task) {
    std::optional<std::pair<cache::generations, bool>> out;
    self_->request(cache_, ask_timeout, cache::generations_atom_v, cfg_->market.id, contact, task)
        .receive([&](const cache::generations& g, bool verified) { out.emplace(g, verified); },
                 [&](const caf::error& e) { FAIL("generations failed: " << sys_.render(e)); });
    REQUIRE(out.has_value());
    return *out;
  }

  /// Bumps a counter through this node; the new value.
  std::uint64_t bump(const std::string& scope, const std::string& contact,
                     const std::string& task = "") {
    std::uint64_t out = 0;
    self_->request(cache_, ask_timeout, cache::bump_atom_v, scope, cfg_->market.id, contact, task)
        .receive([&](std::uint64_t v) { out = v; },
                 [&](const caf::error& e) { FAIL("bump failed: " << sys_.render(e)); });
    return out;
  }

  /// Writes the semantic writer's buffer to PostgreSQL; what is left in it.
  std::uint64_t flush_semantic() {
    REQUIRE(writer_);
    std::uint64_t left = 1;
    self_->request(writer_, ask_timeout, runtime::flush_atom_v)
        .receive([&](std::uint64_t n) { left = n; },
                 [&](const caf::error& e) { FAIL("flush failed: " << sys_.render(e)); });
    return left;
  }

  /// The value of `openhouse_cache_events_total{event="NAME"}` in this node's
  /// metrics text, as /metrics would show it; 0 when absent.
  double cache_event(const std::string& name) const {
    const auto text = metrics_->render();
    const auto series = "openhouse_cache_events_total{event=\"" + name + "\"} ";
    const auto at = text.find(series);
    return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size()));
  }

  caf::scoped_actor& self() { return self_; }
  [[nodiscard]] const cache::cache_actor& cache() const { return cache_; }
  [[nodiscard]] std::size_t restored() const { return restored_; }

 private:
  std::shared_ptr<const config::market_config> cfg_;
  test_config caf_cfg_;
  caf::actor_system sys_;
  // Declared after the system: it must be gone before the system waits for
  // its actors.
  caf::scoped_actor self_;
  std::shared_ptr<runtime::metrics> metrics_ = std::make_shared<runtime::metrics>();
  runtime::llm_actor workers_;
  runtime::gateway_actor gateway_;
  cache::l2_actor l2_;
  cache::semantic_writer_actor writer_;
  cache::cache_actor cache_;
  std::unique_ptr<redis::subscriber> subscriber_;
  std::size_t restored_ = 0;
};

/// The provider simulator, in process but over real HTTP.
class simulator {
 public:
  explicit simulator(std::chrono::milliseconds latency = 0ms) : server_(options(latency)) {
    server_.start();
  }

  [[nodiscard]] std::string url() const { return server_.base_url(); }

  /// The calls it has answered, as GET /stats reports them.
  long calls() {
    test::http_client c;
    const auto res = c.get(server_.base_url() + "/stats");
    REQUIRE(res.status == 200);
    return nlohmann::json::parse(res.body).at("requests").get<long>();
  }

 private:
  static llm::simulator_options options(std::chrono::milliseconds latency) {
    llm::simulator_options o;
    o.latency = latency;
    return o;
  }

  llm::sim_server server_;
};

/// Direct access to the test's Redis keys, to see what the nodes wrote.
class redis_view {
 public:
  redis_view(const std::string& url, const std::string& prefix)
      : client_(*redis::parse_url(url), 1000ms), keys_(prefix) {}

  /// True when the L2 entry with this digest is in Redis (false when Redis
  /// cannot be asked).
  bool has_entry(const std::string& digest) {
    try {
      return client_.get(keys_.entry(digest)).has_value();
    } catch (const redis::error&) {
      return false;
    }
  }

  /// The contact's generation counter as Redis holds it (nullopt: absent or
  /// Redis unreachable).
  std::optional<std::string> contact_counter(const std::string& market,
                                             const std::string& contact) {
    try {
      return client_.get(keys_.contact_generation(market, contact));
    } catch (const redis::error&) {
      return std::nullopt;
    }
  }

 private:
  redis::client client_;
  cache::redis_keys keys_;
};

/// A market FAQ unit as a bot asks it: shared by every lead of the market,
/// matched by similarity on the question when the market has an L3 tier.
cache::cache_request faq(const std::string& market, const std::string& question,
                         const cache::generations& g, std::string sid = "SM-faq") {
  cache::cache_request r;
  r.unit.task = "faq";
  r.unit.template_version = "faq@1";
  r.unit.system_prompt = "Answer the market FAQ briefly.";
  r.unit.scope = cache::scope::market;
  r.unit.market_id = market;
  r.unit.generation = g;
  r.unit.with("question", question);
  r.call.request.system = {{r.unit.system_prompt, false}};
  r.call.request.messages.push_back({"user", question});
  r.call.request.task = "faq";
  r.question = question;
  r.semantic_input = "question";
  r.source_sid = std::move(sid);
  r.generations_verified = true;
  return r;
}

/// The lead's personalised reply: contact-scoped, keyed with the contact's
/// generation as read for this turn.
cache::cache_request contact_reply(const std::string& market, const std::string& contact,
                                   const std::string& message, const cache::generations& g,
                                   bool verified) {
  cache::cache_request r;
  r.unit.task = "reply";
  r.unit.template_version = "reply@1";
  r.unit.system_prompt = "You are the lead bot.";
  r.unit.scope = cache::scope::contact;
  r.unit.market_id = market;
  r.unit.contact_id = contact;
  r.unit.generation = g;
  r.unit.with("message", message);
  r.call.contact = contact;
  r.call.request.system = {{r.unit.system_prompt, false}};
  r.call.request.messages.push_back({"user", message});
  r.call.request.task = "reply";
  r.question = message;
  r.source_sid = "SM-reply";
  r.generations_verified = verified;
  return r;
}

const std::string market_id = "inland-empire";
const std::string reply_text = "Do you have 3bd homes in Riverside under 500k?";

/// Both nodes hold the lead's reply at the current generation: A filled it
/// (a miss), B took it from L2 and then served it from L1. Returns the
/// snapshot both used and the answer.
std::pair<cache::generations, cache::cache_reply> cache_on_both(node& a, node& b, redis_view& redis,
                                                                const std::string& contact) {
  auto [g0, verified] = b.generations(contact, "reply");
  REQUIRE(verified);
  auto filled = a.lookup(contact_reply(market_id, contact, reply_text, g0, true));
  REQUIRE(filled.outcome == cache::outcome::miss);
  // A's L2 write is behind its answer (write-behind): wait until it landed.
  REQUIRE(eventually([&] { return redis.has_entry(filled.key); }));
  auto from_l2 = b.lookup(contact_reply(market_id, contact, reply_text, g0, true));
  REQUIRE(from_l2.outcome == cache::outcome::l2);
  REQUIRE(b.lookup(contact_reply(market_id, contact, reply_text, g0, true)).outcome ==
          cache::outcome::l1);
  return {g0, filled};
}

}  // namespace

TEST_CASE("two nodes: a market unit filled on one is an L2 then L1 hit on the other",
          "[integration][cache]") {
  simulator sim;
  const auto prefix = unique_prefix();
  auto cfg = market(sim.url(), test::redis_url(), prefix);
  redis_view redis{test::redis_url(), prefix};
  node a{cfg};
  node b{cfg};

  const std::string question = "What are the HOA fees like in Fontana?";
  auto [ga, verified_a] = a.generations("", "faq");
  REQUIRE(verified_a);
  auto filled = a.lookup(faq(market_id, question, ga));
  CHECK(filled.outcome == cache::outcome::miss);
  CHECK_FALSE(filled.answer.response.text.empty());
  CHECK(sim.calls() == 1);
  REQUIRE(eventually([&] { return redis.has_entry(filled.key); }));

  auto [gb, verified_b] = b.generations("", "faq");
  REQUIRE(verified_b);
  auto from_l2 = b.lookup(faq(market_id, question, gb, "SM-other"));
  CHECK(from_l2.outcome == cache::outcome::l2);
  CHECK(from_l2.answer.response.text == filled.answer.response.text);
  CHECK(from_l2.source_sid == "SM-faq");  // the message whose request filled it
  CHECK(from_l2.key == filled.key);       // one canonical key on every node
  auto from_l1 = b.lookup(faq(market_id, question, gb));
  CHECK(from_l1.outcome == cache::outcome::l1);
  CHECK(from_l1.answer.response.text == filled.answer.response.text);
  CHECK(sim.calls() == 1);
}

TEST_CASE(
    "two nodes: a contact bump on A is never followed by a stale hit on B, "
    "with B's pub/sub subscriber",
    "[integration][cache]") {
  simulator sim;
  const auto prefix = unique_prefix();
  auto cfg = market(sim.url(), test::redis_url(), prefix);
  redis_view redis{test::redis_url(), prefix};
  node a{cfg};
  node b{cfg};
  const auto contact = unique_contact();
  // A message published before B's subscription is confirmed would be lost.
  REQUIRE(eventually([&] { return b.cache_event("pubsub_connected") >= 1; }));

  auto [g0, filled] = cache_on_both(a, b, redis, contact);
  CHECK(sim.calls() == 1);

  CHECK(a.bump("contact", contact) == g0.contact + 1);
  // B's L1 drops the lead's entries when the message arrives.
  REQUIRE(eventually([&] { return b.cache_event("pubsub_eviction") >= 1; }));

  auto [g1, verified] = b.generations(contact, "reply");
  CHECK(verified);
  CHECK(g1.contact > g0.contact);
  auto after = b.lookup(contact_reply(market_id, contact, reply_text, g1, true));
  CHECK(after.outcome == cache::outcome::miss);
  CHECK(after.entry_generation.contact == g1.contact);
  CHECK(after.key != filled.key);
  CHECK(sim.calls() == 2);

  // A caller still holding the old snapshot is upgraded to the generation the
  // message named: it gets the new entry, never the one from before the bump.
  auto late = b.lookup(contact_reply(market_id, contact, reply_text, g0, true));
  CHECK(late.outcome == cache::outcome::l1);
  CHECK(late.key == after.key);
  CHECK(late.entry_generation.contact == g1.contact);
  CHECK(b.cache_event("generation_upgrade") >= 1);
  CHECK(sim.calls() == 2);
}

TEST_CASE(
    "two nodes: a contact bump on A is never followed by a stale hit on B, "
    "without any subscriber on B",
    "[integration][cache]") {
  simulator sim;
  const auto prefix = unique_prefix();
  auto cfg = market(sim.url(), test::redis_url(), prefix);
  redis_view redis{test::redis_url(), prefix};
  node a{cfg};
  node b{cfg, node_options{.subscriber = false}};
  const auto contact = unique_contact();

  auto [g0, filled] = cache_on_both(a, b, redis, contact);
  CHECK(a.bump("contact", contact) == g0.contact + 1);

  // No message can reach B: its per-turn generation read alone must do.
  auto [g1, verified] = b.generations(contact, "reply");
  CHECK(verified);
  CHECK(g1.contact > g0.contact);
  auto after = b.lookup(contact_reply(market_id, contact, reply_text, g1, true));
  CHECK(after.outcome == cache::outcome::miss);
  CHECK(after.entry_generation.contact == g1.contact);
  CHECK(after.key != filled.key);
  CHECK(b.cache_event("pubsub_eviction") == 0);
  CHECK(sim.calls() == 2);
}

TEST_CASE(
    "Redis killed mid-run: answers continue; Redis back: L2 is used again and "
    "offline bumps are replayed",
    "[integration][cache]") {
  simulator sim;
  test::redis_server server;
  const auto prefix = unique_prefix();
  auto cfg = market(sim.url(), server.url(), prefix);
  redis_view redis{server.url(), prefix};
  node a{cfg, node_options{.l2_retry_after = 50ms}};
  const auto contact = unique_contact();

  auto [g0, verified0] = a.generations(contact, "reply");
  REQUIRE(verified0);
  auto [gm, verified_m] = a.generations("", "faq");
  REQUIRE(verified_m);
  const std::string question = "How long does escrow usually take?";
  auto first = a.lookup(faq(market_id, question, gm));
  REQUIRE(first.outcome == cache::outcome::miss);
  REQUIRE(eventually([&] { return redis.has_entry(first.key); }));
  CHECK(a.lookup(contact_reply(market_id, contact, reply_text, g0, true)).outcome ==
        cache::outcome::miss);
  CHECK(sim.calls() == 2);

  server.stop(SIGKILL);
  // Until its subscriber sees the link gone (and for at most the trust
  // window after its last fence) the node may still answer from its copy,
  // which no bump can have outdated: none can be made while Redis is down.
  REQUIRE(eventually([&] { return a.cache_event("pubsub_disconnected") >= 1; }));

  // The lead's counters cannot be confirmed: the turn gets this node's own.
  auto [g_down, verified_down] = a.generations(contact, "reply");
  CHECK_FALSE(verified_down);
  CHECK(g_down.contact == g0.contact);
  // A market unit the node holds is still served from L1, with no error.
  auto held = a.lookup(faq(market_id, question, gm));
  CHECK(held.outcome == cache::outcome::l1);
  CHECK(held.answer.response.text == first.answer.response.text);
  // A new question goes to the provider, with no error.
  auto fresh = a.lookup(faq(market_id, "Is there a property tax break for seniors?", gm));
  CHECK(fresh.outcome == cache::outcome::miss);
  CHECK_FALSE(fresh.answer.response.text.empty());
  // The lead's reply is answered, but neither served from nor kept in a cache
  // that cannot prove it is current.
  auto unverified = a.lookup(contact_reply(market_id, contact, reply_text, g_down, verified_down));
  CHECK(unverified.outcome == cache::outcome::miss);
  CHECK(sim.calls() == 4);
  CHECK(a.cache_event("l2_error") >= 1);
  CHECK(a.cache_event("unverified_generations") >= 1);

  // The lead changes while Redis is down: applied here at once, replayed later.
  const auto offline = a.bump("contact", contact);
  CHECK(offline == g0.contact + 1);
  // With no traffic at all, the node keeps trying to replay it: only those
  // attempts can fail now.
  const auto errors_before = a.cache_event("l2_error");
  REQUIRE(eventually([&] { return a.cache_event("l2_error") >= errors_before + 2; }));

  server.start();  // same port, empty: no persistence

  // The bump reaches Redis by itself (no request needed to trigger it), once:
  // other nodes read their generations from there.
  REQUIRE(eventually([&] {
    return redis.contact_counter(market_id, contact) == std::optional<std::string>{"1"};
  }));
  // After the back-off the node trusts Redis again, and agrees with it: a
  // counter ahead of Redis would hide the next bump made on another node.
  REQUIRE(eventually([&] { return a.generations(contact, "reply").second; }));
  auto [g_back, verified_back] = a.generations(contact, "reply");
  CHECK(verified_back);
  CHECK(g_back.contact == offline);
  CHECK(redis.contact_counter(market_id, contact) == std::optional<std::string>{"1"});

  // The node writes to L2 again, and a fresh node reads it from there.
  const std::string later = "What are closing costs for a buyer?";
  auto written = a.lookup(faq(market_id, later, gm));
  CHECK(written.outcome == cache::outcome::miss);
  REQUIRE(eventually([&] { return redis.has_entry(written.key); }));
  node c{cfg, node_options{.l2_retry_after = 50ms}};
  auto [gc, verified_c] = c.generations("", "faq");
  CHECK(verified_c);
  auto from_l2 = c.lookup(faq(market_id, later, gc));
  CHECK(from_l2.outcome == cache::outcome::l2);
  CHECK(from_l2.answer.response.text == written.answer.response.text);
  CHECK(sim.calls() == 5);
}

TEST_CASE(
    "Redis restarted empty: a node whose counters are ahead of the new Redis never "
    "serves its old entries after another node's bump",
    "[integration][cache][restart][epoch]") {
  simulator sim;
  test::redis_server server;
  const auto prefix = unique_prefix();
  auto cfg = market(sim.url(), server.url(), prefix);
  redis_view redis{server.url(), prefix};
  // No subscribers: the per-turn generations read alone must do.
  node a{cfg, node_options{.subscriber = false, .l2_retry_after = 50ms}};
  node b{cfg, node_options{.subscriber = false, .l2_retry_after = 50ms}};
  const auto contact = unique_contact();

  // The lead is at generation 5, and both nodes hold its reply there.
  for (std::uint64_t i = 1; i <= 5; ++i) {
    REQUIRE(a.bump("contact", contact) == i);
  }
  auto [g5, filled] = cache_on_both(a, b, redis, contact);
  REQUIRE(g5.contact == 5);
  REQUIRE(g5.epoch != 0);
  auto [ga5, verified_a5] = a.generations(contact, "reply");
  REQUIRE(verified_a5);
  REQUIRE(a.lookup(contact_reply(market_id, contact, reply_text, ga5, true)).outcome ==
          cache::outcome::l1);
  REQUIRE(sim.calls() == 1);

  server.stop();
  server.start();  // same port, empty: counters from 0, no epoch

  // B changes the lead on the new Redis. Its workers find their connections
  // dead once, so the bump may first be made offline and replayed: either
  // way Redis ends at 1, not 6.
  b.bump("contact", contact);
  REQUIRE(eventually([&] {
    return redis.contact_counter(market_id, contact) == std::optional<std::string>{"1"};
  }));

  // A's next turn: once Redis answers it again, the counters of the new life.
  REQUIRE(eventually([&] { return a.generations(contact, "reply").second; }));
  auto [g1, verified1] = a.generations(contact, "reply");
  CHECK(verified1);
  CHECK(g1.epoch != 0);
  CHECK(g1.epoch != g5.epoch);
  CHECK(g1.contact == 1);  // not max(5, 1)
  CHECK(a.cache_event("redis_epoch_change") == 1);

  auto after = a.lookup(contact_reply(market_id, contact, reply_text, g1, true));
  CHECK(after.outcome == cache::outcome::miss);
  CHECK(after.key != filled.key);
  CHECK(after.entry_generation.contact == 1);
  CHECK(sim.calls() == 2);

  // A caller still holding the old life's snapshot is keyed in the new one.
  auto late = a.lookup(contact_reply(market_id, contact, reply_text, g5, true));
  CHECK(late.outcome == cache::outcome::l1);
  CHECK(late.key == after.key);
  CHECK(sim.calls() == 2);

  // B agrees with A and with Redis: one epoch, counter 1; it shares A's new entry.
  REQUIRE(eventually([&] { return redis.has_entry(after.key); }));
  REQUIRE(eventually([&] { return b.generations(contact, "reply").second; }));
  auto [gb, verified_b] = b.generations(contact, "reply");
  CHECK(verified_b);
  CHECK(gb.epoch == g1.epoch);
  CHECK(gb.contact == 1);
  auto shared = b.lookup(contact_reply(market_id, contact, reply_text, gb, true));
  CHECK(shared.outcome == cache::outcome::l2);
  CHECK(shared.key == after.key);
  CHECK(sim.calls() == 2);
}

TEST_CASE("single flight: 100 concurrent identical requests make one provider call",
          "[integration][cache]") {
  simulator sim{200ms};  // slow enough that every request arrives while it is in flight
  const auto prefix = unique_prefix();
  auto cfg = market(sim.url(), test::redis_url(), prefix);
  node n{cfg};
  auto [g, verified] = n.generations("", "faq");
  REQUIRE(verified);

  using handle = decltype(n.self()->request(n.cache(), ask_timeout, cache::lookup_atom_v,
                                            cache::cache_request{}));
  std::vector<handle> handles;
  handles.reserve(100);
  for (int i = 0; i < 100; ++i) {
    handles.push_back(n.self()->request(n.cache(), ask_timeout, cache::lookup_atom_v,
                                        faq(market_id, "What are closing costs in Ontario?", g)));
  }
  int misses = 0;
  int coalesced = 0;
  int errors = 0;
  std::vector<std::string> texts;
  for (auto& h : handles) {
    h.receive(
        [&](const cache::cache_reply& r) {
          misses += r.outcome == cache::outcome::miss ? 1 : 0;
          coalesced += r.outcome == cache::outcome::coalesced ? 1 : 0;
          texts.push_back(r.answer.response.text);
        },
        [&](const caf::error&) { ++errors; });
  }
  CHECK(errors == 0);
  CHECK(misses == 1);
  CHECK(coalesced == 99);
  REQUIRE(texts.size() == 100);
  CHECK_FALSE(texts.front().empty());
  for (const auto& t : texts) {
    CHECK(t == texts.front());
  }
  CHECK(sim.calls() == 1);
}

TEST_CASE("L3 survives a restart: a new node rebuilt from PostgreSQL serves a paraphrase",
          "[integration][cache]") {
  simulator sim;
  test::scratch_database db;
  auto cfg = market(sim.url(), test::redis_url(), unique_prefix(), db.url());
  // No background check of the L3 hit: the provider is called exactly once.
  cfg->cache.semantic.verify_every = 0;
  postgres::store{db.url(), cfg->market.id}.migrate();

  const std::string question = "What are the HOA fees in Fontana?";
  cache::cache_reply stored;
  {
    node first{cfg, node_options{.semantic = true}};
    CHECK(first.restored() == 0);
    auto [g, verified] = first.generations("", "faq");
    REQUIRE(verified);
    stored = first.lookup(faq(market_id, question, g, "SM10"));
    REQUIRE(stored.outcome == cache::outcome::miss);
    CHECK(first.flush_semantic() == 0);
  }  // the whole node is gone: its L1, its index, its actor system

  // The L2 entry goes too: the answer can only come from PostgreSQL. The
  // Redis prefix stays: a new prefix would be a new Redis life (epoch), and
  // the entries of another life are rightly never matched again.
  redis::client direct{*redis::parse_url(test::redis_url()), 1000ms};
  direct.del(cache::redis_keys{cfg->cache.redis_prefix}.entry(stored.key));
  node second{cfg, node_options{.semantic = true}};
  CHECK(second.restored() >= 1);
  auto [g, verified] = second.generations("", "faq");
  REQUIRE(verified);
  auto paraphrase = second.lookup(faq(market_id, "how much r the hoa fees in fontana", g, "SM11"));
  CHECK(paraphrase.outcome == cache::outcome::l3);
  CHECK(paraphrase.answer.response.text == stored.answer.response.text);
  CHECK(paraphrase.source_sid == "SM10");
  CHECK(paraphrase.similarity >= 0.72);
  CHECK(sim.calls() == 1);
}

// --- generations from the node's own copy (cache::generation_sync) -------------------

TEST_CASE(
    "two nodes with fences: B answers generations without Redis, and every bump A "
    "completes is seen by B's next read",
    "[integration][cache][generation_sync]") {
  simulator sim;
  const auto prefix = unique_prefix();
  auto cfg = market(sim.url(), test::redis_url(), prefix);
  node a{cfg};
  node b{cfg};
  const auto contact = unique_contact();
  REQUIRE(eventually([&] { return b.cache_event("pubsub_connected") >= 1; }));
  REQUIRE(eventually([&] { return a.cache_event("pubsub_connected") >= 1; }));

  // The first read syncs B's copy; once a fence comes, B stops asking Redis.
  REQUIRE(b.generations(contact, "reply").second);
  REQUIRE(eventually([&] {
    b.generations(contact, "reply");
    return b.cache_event("generations_local") >= 1;
  }));

  // The race the bound covers: B reads at once after A's bump has answered,
  // whether from its copy or from Redis, and never sees the old value.
  for (int i = 0; i < 25; ++i) {
    const auto value = a.bump("contact", contact);
    const auto [g, verified] = b.generations(contact, "reply");
    CHECK(verified);
    CHECK(g.contact >= value);
  }
  CHECK(b.cache_event("generations_sync_gap") == 0);
  CHECK(b.cache_event("generations_sync_epoch_change") == 0);

  // With no bump in between, a run of turns costs B no Redis round trip
  // while its fences keep coming.
  REQUIRE(eventually([&] {
    const auto reads = b.cache_event("generations_redis_read");
    for (int i = 0; i < 10; ++i) {
      b.generations(contact, "reply");
    }
    return b.cache_event("generations_redis_read") == reads;
  }));
}

TEST_CASE(
    "a node whose subscription is killed reads Redis, then trusts its copy again once "
    "resubscribed and resynced",
    "[integration][cache][generation_sync]") {
  simulator sim;
  test::redis_server server;
  const auto prefix = unique_prefix();
  auto cfg = market(sim.url(), server.url(), prefix);
  node a{cfg};
  node b{cfg};
  const auto contact = unique_contact();
  REQUIRE(eventually([&] { return b.cache_event("pubsub_connected") >= 1; }));
  REQUIRE(b.generations(contact, "reply").second);
  REQUIRE(eventually([&] {
    b.generations(contact, "reply");
    return b.cache_event("generations_local") >= 1;
  }));

  // Only pub/sub links: the L2 connections stay up.
  // CLIENT KILL is refused inside a script: redis-cli sends it.
  const auto kill =
      "redis-cli -p " + std::to_string(server.port()) + " CLIENT KILL TYPE pubsub > /dev/null";
  REQUIRE(std::system(kill.c_str()) == 0);
  REQUIRE(eventually([&] { return b.cache_event("pubsub_disconnected") >= 1; }));
  // While B is away, A bumps: B must not miss it.
  const auto missed = a.bump("contact", contact);
  const auto [g, verified] = b.generations(contact, "reply");
  CHECK(verified);
  CHECK(g.contact >= missed);

  REQUIRE(eventually([&] { return b.cache_event("pubsub_connected") >= 2; }));
  const auto local_before = b.cache_event("generations_local");
  REQUIRE(eventually([&] {
    const auto [again, ok] = b.generations(contact, "reply");
    CHECK(again.contact >= missed);
    return ok && b.cache_event("generations_local") > local_before;
  }));
  const auto after = a.bump("contact", contact);
  CHECK(b.generations(contact, "reply").first.contact >= after);
}

TEST_CASE(
    "a flushed or restarted Redis is a new epoch: the copy is dropped and the new "
    "life's counters are served",
    "[integration][cache][generation_sync][epoch]") {
  simulator sim;
  test::redis_server server;
  const auto prefix = unique_prefix();
  auto cfg = market(sim.url(), server.url(), prefix);
  node a{cfg, node_options{.l2_retry_after = 50ms}};
  node b{cfg, node_options{.l2_retry_after = 50ms}};
  const auto contact = unique_contact();
  REQUIRE(eventually([&] { return b.cache_event("pubsub_connected") >= 1; }));
  for (int i = 0; i < 3; ++i) {
    a.bump("contact", contact);
  }
  const auto [g3, ok3] = b.generations(contact, "reply");
  REQUIRE(ok3);
  REQUIRE(g3.contact == 3);
  REQUIRE(eventually([&] {
    b.generations(contact, "reply");
    return b.cache_event("generations_local") >= 1;
  }));

  SECTION("FLUSHALL, then a bump on A") {
    redis::client admin{server.endpoint()};
    admin.eval_integers("redis.call('FLUSHALL') return 1", {}, {});
    CHECK(a.bump("contact", contact) == 1);
    // The bump's message names the new life: B drops its copy at once.
    const auto [g, ok] = b.generations(contact, "reply");
    CHECK(ok);
    CHECK(g.contact == 1);
    CHECK(g.epoch != g3.epoch);
    CHECK(b.cache_event("generations_sync_epoch_change") >= 1);
  }
  SECTION("FLUSHALL with no bump: the next read from Redis finds the new life") {
    redis::client admin{server.endpoint()};
    admin.eval_integers("redis.call('FLUSHALL') return 1", {}, {});
    // Nothing changed a lead, so the copy's answer is not stale; once the
    // copy asks Redis (another lead, unknown to it) it sees the flush.
    const auto other = unique_contact();
    const auto [g, ok] = b.generations(other, "reply");
    CHECK(ok);
    CHECK(g.epoch != g3.epoch);
    const auto [same, ok_same] = b.generations(contact, "reply");
    CHECK(ok_same);
    CHECK(same.contact == 0);
    CHECK(same.epoch == g.epoch);
  }
  SECTION("a restart with no persistence") {
    server.stop();
    server.start();
    REQUIRE(eventually([&] { return b.cache_event("pubsub_connected") >= 2; }));
    // The copy went with the subscription: nothing of the old life is
    // answered, and the first verified answer is the new life's.
    REQUIRE(eventually([&] { return b.generations(contact, "reply").second; }));
    const auto [g, ok] = b.generations(contact, "reply");
    CHECK(ok);
    CHECK(g.epoch != g3.epoch);
    CHECK(g.contact == 0);  // the new life's count, not max(old, new)
  }
}
