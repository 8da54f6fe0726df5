// The cache actor on CAF's test coordinator. The gateway and the L2 workers
// are scripted fakes (the integration tests run the real ones against Redis
// and the simulator); the wall clock moves only when a test moves it.

#include "cache/llm_cache.hpp"
#include "cache/cache_error.hpp"
#include "cache/cached_answer.hpp"
#include "cache/invalidation.hpp"
#include "cache/local_embedder.hpp"
#include "cache/market_lexicon.hpp"
#include "cache/semantic_tier.hpp"
#include "cache/semantic_writer.hpp"
#include "core/type_ids.hpp"

#include <caf/all.hpp>
#include <caf/test/dsl.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <variant>

using namespace openhouse;
using namespace openhouse::cache;
using namespace std::chrono_literals;

namespace {

struct test_config : caf::actor_system_config {
  test_config() { add_message_types<caf::id_block::openhouse>(); }
};

struct gateway_script {
  std::vector<runtime::llm_call> calls;
  bool hold = false;  ///< keep answers until release()
  std::vector<std::pair<caf::typed_response_promise<runtime::llm_answer>, runtime::llm_answer>>
      held;
  std::optional<caf::error> failure;
  std::string stop_reason = "end_turn";
  std::string model_override;  ///< answer with another model (a budget downgrade)
  std::string answer_text;     ///< every answer's text; "answer #<n>" when empty
};

/// Dynamically typed so that it can also take the test's "release" (tick):
/// held promises must be delivered from inside the actor.
caf::behavior fake_gateway(caf::event_based_actor* self, std::shared_ptr<gateway_script> s) {
  return {
      [s](runtime::tick_atom) {
        for (auto& [rp, answer] : s->held) {
          rp.deliver(answer);
        }
        s->held.clear();
      },
      [self, s](runtime::complete_atom,
                runtime::llm_call& call) -> caf::result<runtime::llm_answer> {
        s->calls.push_back(call);
        runtime::llm_answer a;
        a.response.text =
            s->answer_text.empty() ? "answer #" + std::to_string(s->calls.size()) : s->answer_text;
        a.response.stop_reason = s->stop_reason;
        a.model = s->model_override.empty() ? call.request.model : s->model_override;
        a.cost_usd = 0.01;
        a.baseline_cost_usd = 0.02;
        if (s->hold) {
          auto rp = self->make_response_promise<runtime::llm_answer>();
          s->held.emplace_back(rp, a);
          return rp;
        }
        if (s->failure) {
          return *s->failure;
        }
        return a;
      },
  };
}

/// Redis as a map, with a switch that makes every call fail like an outage.
struct redis_script {
  bool down = false;
  std::map<std::string, std::string> entries;
  std::map<std::string, std::uint64_t> counters;
  int gets = 0;
  int bumps = 0;
  int generation_reads = 0;
  std::uint64_t seq = 0;  ///< the bump sequence, as the bump script counts it
  /// The Redis life, as the real worker reports it with every read and bump.
  std::uint64_t epoch = 0x5eed0001;

  /// Redis restarted with no persistence: no entries, counters from 0, and
  /// the first node to ask creates a new epoch.
  void restart_empty() {
    entries.clear();
    counters.clear();
    seq = 0;
    epoch += 0x1000;
  }

  static std::string counter(const std::string& scope, const std::string& m, const std::string& c,
                             const std::string& t) {
    if (scope == "market") {
      return "market/" + m;
    }
    if (scope == "contact") {
      return "contact/" + m + "/" + c;
    }
    if (scope == "task") {
      return "task/" + t;
    }
    return "global";
  }
};

l2_actor::behavior_type fake_l2(l2_actor::pointer, std::shared_ptr<redis_script> s) {
  auto outage = [] { return make_error(cache_errc::redis_unavailable, "connection refused"); };
  return {
      [s, outage](get_atom, const std::string& key) -> caf::result<bool, std::string> {
        if (s->down) {
          return outage();
        }
        ++s->gets;
        auto it = s->entries.find(key);
        if (it == s->entries.end()) {
          return {false, std::string{}};
        }
        return {true, it->second};
      },
      [s, outage](put_atom, const std::string& key, const std::string& value,
                  std::int64_t) -> caf::result<bool> {
        if (s->down) {
          return outage();
        }
        s->entries[key] = value;
        return true;
      },
      [s, outage](erase_atom, const std::string& key) -> caf::result<bool> {
        if (s->down) {
          return outage();
        }
        return s->entries.erase(key) > 0;
      },
      [s, outage](generations_atom, const std::string& m, const std::string& c,
                  const std::string& t) -> caf::result<generations, std::uint64_t> {
        if (s->down) {
          return outage();
        }
        ++s->generation_reads;
        generations g;
        g.global = s->counters[redis_script::counter("global", m, c, t)];
        g.market = s->counters[redis_script::counter("market", m, c, t)];
        g.contact = s->counters[redis_script::counter("contact", m, c, t)];
        g.task = s->counters[redis_script::counter("task", m, c, t)];
        g.epoch = s->epoch;
        return {g, s->seq};
      },
      [s, outage](bump_atom, const std::string& scope, const std::string& m, const std::string& c,
                  const std::string& t) -> caf::result<std::uint64_t, std::uint64_t> {
        if (s->down) {
          return outage();
        }
        ++s->bumps;
        ++s->seq;
        return {++s->counters[redis_script::counter(scope, m, c, t)], s->epoch};
      },
  };
}

std::shared_ptr<config::market_config> market() {
  auto cfg = std::make_shared<config::market_config>();
  cfg->market.id = "ie";
  cfg->llm.routing = {{"faq", "claude-haiku-4-5"}, {"reply", "claude-sonnet-4-6"}};
  cfg->llm.prices["claude-haiku-4-5"] = {1.0, 5.0, 1.25, 0.10, 2048};
  cfg->llm.prices["claude-sonnet-4-6"] = {3.0, 15.0, 3.75, 0.30, 1024};
  cfg->cache.ttl = {{"faq", 86400s}, {"reply", 600s}};
  cfg->cache.l1_max_bytes = 1 << 20;
  cfg->cache.semantic.verify_every = 0;  // tests that check L3 hits turn it on
  return cfg;
}

struct fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<gateway_script> gw = std::make_shared<gateway_script>();
  std::shared_ptr<redis_script> redis = std::make_shared<redis_script>();
  std::shared_ptr<runtime::manual_clock> wall =
      std::make_shared<runtime::manual_clock>(std::chrono::system_clock::time_point{1795305600s});
  std::shared_ptr<config::market_config> cfg = market();
  std::shared_ptr<runtime::metrics> metrics = std::make_shared<runtime::metrics>();
  caf::actor gateway_impl = sys.spawn(fake_gateway, gw);
  runtime::gateway_actor gateway = caf::actor_cast<runtime::gateway_actor>(gateway_impl);
  l2_actor l2 = sys.spawn(fake_l2, redis);

  /// A semantic tier for the faq task, on the local embedder.
  std::shared_ptr<semantic_tier> faq_tier() {
    auto lex = market_lexicon(*cfg);
    auto embed = std::make_shared<const local_embedder>(lex);
    return std::make_shared<semantic_tier>(embed, lex,
                                           std::map<std::string, double>{{"faq", 0.72}});
  }

  /// One node's cache; several may share the fake Redis, like nodes do.
  cache_actor node(bool with_l2 = true, std::shared_ptr<semantic_tier> semantic = nullptr,
                   std::chrono::milliseconds trust_window = default_trust_window) {
    cache_deps deps;
    deps.trust_window = trust_window;
    deps.config = cfg;
    deps.time = wall;
    deps.gateway = gateway;
    if (with_l2) {
      deps.l2 = l2;
    }
    deps.metrics = metrics;
    deps.semantic = std::move(semantic);
    deps.l2_retry_after = 1s;
    auto c = spawn_cache(sys, std::move(deps));
    sched.run();
    return c;
  }

  /// A remote embedder's stand-in: the local embedder's vectors, but it
  /// says it blocks, so the cache must never call embed() itself.
  struct blocking_embedder final : embedder {
    explicit blocking_embedder(local_embedder e) : inner(std::move(e)) {}
    std::vector<float> embed(std::string_view text) const override {
      ++called_on_cache;
      return inner.embed(text);
    }
    std::size_t dimension() const override { return inner.dimension(); }
    bool blocking() const noexcept override { return true; }
    local_embedder inner;
    mutable int called_on_cache = 0;
  };

  /// What the fake embedding worker did.
  struct embedding_script {
    int calls = 0;
    bool fail = false;
  };

  static embedding_actor::behavior_type fake_embedding(embedding_actor::pointer,
                                                       std::shared_ptr<embedding_script> s,
                                                       std::shared_ptr<const local_embedder> e) {
    return {
        [s, e](embed_atom, const std::string& text) -> caf::result<std::vector<float>> {
          ++s->calls;
          if (s->fail) {
            return make_error(cache_errc::embedder_unavailable, "provider down");
          }
          return e->embed(text);
        },
    };
  }

  void advance(caf::timespan d) {
    wall->advance(d);
    advance_time(d);
    sched.run();
  }

  static cache_request contact_reply(std::string message, generations g = {}) {
    cache_request r;
    r.unit.task = "reply";
    r.unit.template_version = "reply@1";
    r.unit.system_prompt = "You are the lead bot.";
    r.unit.scope = scope::contact;
    r.unit.market_id = "ie";
    r.unit.contact_id = "+19095551234";
    r.unit.generation = g;
    r.unit.with("message", message);
    r.call.contact = "+19095551234";
    r.call.request.messages.push_back({"user", message});
    r.question = std::move(message);
    r.source_sid = "SM1";
    r.generations_verified = true;
    return r;
  }

  static cache_request faq(std::string question) {
    cache_request r;
    r.unit.task = "faq";
    r.unit.template_version = "faq@1";
    r.unit.system_prompt = "Answer the market FAQ.";
    r.unit.scope = scope::market;
    r.unit.market_id = "ie";
    r.unit.with("question", question);
    r.call.request.messages.push_back({"user", question});
    r.question = std::move(question);
    r.source_sid = "SM-faq";
    r.semantic_input = "question";
    r.generations_verified = true;
    return r;
  }

  using reply_or_error = std::variant<cache_reply, caf::error>;

  reply_or_error ask(const cache_actor& c, cache_request r) {
    auto h = self->request(c, caf::infinite, lookup_atom_v, std::move(r));
    sched.run();
    reply_or_error out = caf::error{};
    h.receive([&](const cache_reply& x) { out = x; }, [&](const caf::error& e) { out = e; });
    return out;
  }

  cache_reply hit(const cache_actor& c, cache_request r) {
    auto out = ask(c, std::move(r));
    REQUIRE(std::holds_alternative<cache_reply>(out));
    return std::get<cache_reply>(out);
  }

  std::pair<generations, bool> gens(const cache_actor& c, std::string contact = "+19095551234") {
    auto h = self->request(c, caf::infinite, generations_atom_v, std::string{"ie"},
                           std::move(contact), std::string{"reply"});
    sched.run();
    std::pair<generations, bool> out;
    h.receive(
        [&](const generations& g, bool verified) {
          out = {g, verified};
        },
        [](const caf::error& e) { FAIL(to_string(e)); });
    return out;
  }

  std::uint64_t bump(const cache_actor& c, std::string scope, std::string contact = "+19095551234",
                     std::string task = "") {
    auto h = self->request(c, caf::infinite, bump_atom_v, std::move(scope), std::string{"ie"},
                           std::move(contact), std::move(task));
    sched.run();
    std::uint64_t out = 0;
    h.receive([&](std::uint64_t v) { out = v; }, [](const caf::error& e) { FAIL(to_string(e)); });
    return out;
  }
};

}  // namespace

TEST_CASE_METHOD(fixture, "a miss calls the gateway once; the repeat is an L1 hit",
                 "[cache][actor]") {
  auto c = node();
  auto first = hit(c, contact_reply("Do you have 3bd homes in Riverside under 500k?"));
  CHECK(first.outcome == outcome::miss);
  CHECK(first.answer.cost_usd == Approx(0.01));
  CHECK(first.answer.model == "claude-sonnet-4-6");
  REQUIRE(gw->calls.size() == 1);
  CHECK(gw->calls[0].request.model == "claude-sonnet-4-6");  // the keyed model, not re-routed
  CHECK(gw->calls[0].task == "reply");

  auto again = contact_reply("Do you have 3bd homes in Riverside under 500k?");
  again.source_sid = "SM2";
  auto second = hit(c, again);
  CHECK(second.outcome == outcome::l1);
  CHECK(second.answer.response.text == first.answer.response.text);
  CHECK(second.answer.cost_usd == 0);
  CHECK(second.source_sid == "SM1");  // the message whose request filled the entry
  CHECK(second.key == first.key);
  CHECK(gw->calls.size() == 1);
  CHECK(redis->entries.size() == 1);  // written through to L2
}

TEST_CASE_METHOD(fixture, "a different input is a different key", "[cache][actor]") {
  auto c = node();
  hit(c, contact_reply("3bd in Riverside under 500k?"));
  auto other = hit(c, contact_reply("3bd in Riverside under 600k?"));
  CHECK(other.outcome == outcome::miss);
  CHECK(gw->calls.size() == 2);
}

TEST_CASE_METHOD(fixture, "an entry expires with its task's TTL on the injected clock",
                 "[cache][actor]") {
  auto c = node(false);
  hit(c, contact_reply("3bd in Riverside?"));
  wall->advance(599s);
  CHECK(hit(c, contact_reply("3bd in Riverside?")).outcome == outcome::l1);
  wall->advance(1s);
  CHECK(hit(c, contact_reply("3bd in Riverside?")).outcome == outcome::miss);
  CHECK(gw->calls.size() == 2);
}

TEST_CASE_METHOD(fixture, "concurrent requests for one key make one call and share its answer",
                 "[cache][actor][single-flight]") {
  auto c = node();
  gw->hold = true;
  std::vector<caf::response_handle<caf::blocking_actor, caf::detail::type_list<cache_reply>, true>>
      handles;
  for (int i = 0; i < 100; ++i) {
    handles.push_back(
        self->request(c, caf::infinite, lookup_atom_v, faq("What are HOA fees like?")));
  }
  sched.run();
  REQUIRE(gw->calls.size() == 1);
  REQUIRE(gw->held.size() == 1);
  self->send(gateway_impl, runtime::tick_atom_v);
  sched.run();
  int misses = 0;
  int coalesced = 0;
  double cost = 0;
  for (auto& h : handles) {
    h.receive(
        [&](const cache_reply& r) {
          misses += r.outcome == outcome::miss ? 1 : 0;
          coalesced += r.outcome == outcome::coalesced ? 1 : 0;
          cost += r.answer.cost_usd;
          CHECK(r.answer.response.text == "answer #1");
        },
        [](const caf::error& e) { FAIL(to_string(e)); });
  }
  CHECK(misses == 1);
  CHECK(coalesced == 99);
  CHECK(cost == Approx(0.01));  // billed once
  CHECK(hit(c, faq("What are HOA fees like?")).outcome == outcome::l1);
}

TEST_CASE_METHOD(fixture, "a failed call reaches every waiter and is not cached",
                 "[cache][actor][single-flight]") {
  auto c = node();
  gw->failure = llm::make_error(llm::client_errc::server_error, "provider down");
  std::vector<caf::response_handle<caf::blocking_actor, caf::detail::type_list<cache_reply>, true>>
      handles;
  for (int i = 0; i < 5; ++i) {
    handles.push_back(self->request(c, caf::infinite, lookup_atom_v, faq("Any HOA fees?")));
  }
  sched.run();
  CHECK(gw->calls.size() == 1);
  int errors = 0;
  for (auto& h : handles) {
    h.receive([](const cache_reply&) { FAIL("a failure must not turn into an answer"); },
              [&](const caf::error&) { ++errors; });
  }
  CHECK(errors == 5);
  gw->failure.reset();
  CHECK(hit(c, faq("Any HOA fees?")).outcome == outcome::miss);
  CHECK(gw->calls.size() == 2);
}

TEST_CASE_METHOD(fixture, "an L2 hit on another node back-fills its L1", "[cache][actor][l2]") {
  auto a = node();
  auto b = node();
  auto filled = hit(a, faq("How long does escrow take?"));
  CHECK(filled.outcome == outcome::miss);
  auto from_l2 = hit(b, faq("How long does escrow take?"));
  CHECK(from_l2.outcome == outcome::l2);
  CHECK(from_l2.answer.response.text == filled.answer.response.text);
  CHECK(from_l2.source_sid == "SM-faq");
  const auto gets = redis->gets;
  CHECK(hit(b, faq("How long does escrow take?")).outcome == outcome::l1);
  CHECK(redis->gets == gets);  // served from L1, Redis not asked
  CHECK(gw->calls.size() == 1);
}

TEST_CASE_METHOD(fixture,
                 "a contact bump on one node is never followed by a stale hit on another, "
                 "even without the pub/sub message",
                 "[cache][actor][invalidation]") {
  auto a = node();
  auto b = node();
  // Both nodes serve the lead's reply at generation 0.
  auto [g0, verified0] = gens(b);
  CHECK(verified0);
  hit(a, contact_reply("3bd in Riverside?", g0));
  CHECK(hit(b, contact_reply("3bd in Riverside?", g0)).outcome == outcome::l2);
  CHECK(hit(b, contact_reply("3bd in Riverside?", g0)).outcome == outcome::l1);

  // Node A changes the lead (e.g. its temperature). B gets no pub/sub message.
  CHECK(bump(a, "contact") == 1);
  auto [g1, verified1] = gens(b);  // B's next turn reads the counters
  CHECK(verified1);
  CHECK(g1.contact == 1);
  auto after = hit(b, contact_reply("3bd in Riverside?", g1));
  CHECK(after.outcome == outcome::miss);
  CHECK(after.entry_generation.contact == 1);
  CHECK(gw->calls.size() == 2);
  // Another lead's entries are untouched.
  auto other = contact_reply("3bd in Riverside?");
  other.unit.contact_id = "+19095550000";
  other.call.contact = "+19095550000";
  hit(a, other);
  bump(a, "contact");
  CHECK(hit(a, other).outcome == outcome::l1);
}

TEST_CASE_METHOD(fixture, "the pub/sub message evicts L1 and upgrades old snapshots",
                 "[cache][actor][invalidation]") {
  auto a = node();
  auto b = node();
  hit(b, contact_reply("3bd in Riverside?"));
  CHECK(hit(b, contact_reply("3bd in Riverside?")).outcome == outcome::l1);
  const auto value = bump(a, "contact");
  invalidation inv;
  inv.what = invalidation::kind::contact;
  inv.market = "ie";
  inv.contact = "+19095551234";
  inv.generation = value;
  self->send(b, invalidate_atom_v, encode(inv));
  sched.run();
  // A caller still holding the old snapshot (generation 0) is not served the
  // dead entry: the cache keys with the newest generation it has seen.
  auto late = hit(b, contact_reply("3bd in Riverside?"));
  CHECK(late.outcome == outcome::miss);
  CHECK(late.entry_generation.contact == 1);
}

TEST_CASE_METHOD(fixture, "market and task bumps invalidate their entries",
                 "[cache][actor][invalidation]") {
  auto c = node();
  hit(c, faq("Property taxes in Riverside?"));
  bump(c, "market");
  auto [g, ok] = gens(c);
  auto r = faq("Property taxes in Riverside?");
  r.unit.generation = g;
  CHECK(hit(c, r).outcome == outcome::miss);
  bump(c, "task", "", "faq");
  auto h = self->request(c, caf::infinite, generations_atom_v, std::string{"ie"}, std::string{},
                         std::string{"faq"});
  sched.run();
  h.receive([&](const generations& latest, bool) { r.unit.generation = latest; },
            [](const caf::error& e) { FAIL(to_string(e)); });
  CHECK(r.unit.generation.task == 1);
  CHECK(hit(c, r).outcome == outcome::miss);
  CHECK(gw->calls.size() == 3);
}

TEST_CASE_METHOD(fixture, "Redis down: answers continue, contact units are not served unverified",
                 "[cache][actor][l2]") {
  auto c = node();
  hit(c, faq("Any HOA in Fontana?"));
  hit(c, contact_reply("3bd in Riverside?"));
  redis->down = true;
  auto [g, verified] = gens(c);
  CHECK_FALSE(verified);
  // Market units still come from L1.
  CHECK(hit(c, faq("Any HOA in Fontana?")).outcome == outcome::l1);
  // A lead's units are not: another node might have changed the lead unseen.
  auto r = contact_reply("3bd in Riverside?", g);
  r.generations_verified = false;
  CHECK(hit(c, r).outcome == outcome::miss);
  // A new market question is answered by the provider, with no error.
  CHECK(hit(c, faq("Is Ontario walkable?")).outcome == outcome::miss);
  CHECK(gw->calls.size() == 4);

  // Redis back: after the back-off the node uses L2 again by itself.
  redis->down = false;
  advance(1s);
  auto [g2, verified2] = gens(c);
  CHECK(verified2);
  auto other = node();
  CHECK(hit(other, faq("Any HOA in Fontana?")).outcome == outcome::l2);
}

TEST_CASE_METHOD(fixture, "a bump made while Redis is down is replayed when it is back",
                 "[cache][actor][invalidation]") {
  auto c = node();
  redis->down = true;
  gens(c);  // learns that Redis is down
  CHECK(bump(c, "contact") == 1);
  CHECK(redis->bumps == 0);
  redis->down = false;
  advance(1s);
  CHECK(redis->bumps == 1);
  CHECK(redis->counters["contact/ie/+19095551234"] == 1);
  auto [g, verified] = gens(c);
  CHECK(verified);
  CHECK(g.contact == 1);
}

TEST_CASE_METHOD(fixture, "a failed replay is retried by itself and does not count the bump twice",
                 "[cache][actor][invalidation]") {
  auto a = node();
  auto b = node();
  redis->down = true;
  gens(a);  // learns that Redis is down
  CHECK(bump(a, "contact") == 1);
  advance(1s);  // the replay is tried, and fails: Redis is still down
  CHECK(redis->bumps == 0);
  redis->down = false;
  advance(1s);  // retried with no request to trigger it: other nodes read Redis
  CHECK(redis->bumps == 1);
  CHECK(redis->counters["contact/ie/+19095551234"] == 1);
  // This node agrees with Redis: a counter ahead of it would hide the next
  // bump made elsewhere, and a node without the pub/sub message would serve
  // the entry that bump made stale.
  auto [g1, verified1] = gens(a);
  CHECK(verified1);
  CHECK(g1.contact == 1);
  hit(a, contact_reply("3bd in Riverside?", g1));
  CHECK(bump(b, "contact") == 2);
  auto [g2, verified2] = gens(a);
  CHECK(verified2);
  CHECK(g2.contact == 2);
  CHECK(hit(a, contact_reply("3bd in Riverside?", g2)).outcome == outcome::miss);
}

TEST_CASE_METHOD(fixture, "never-cached requests and answers bypass every tier",
                 "[cache][actor][bypass]") {
  auto c = node();
  CHECK(hit(c, contact_reply("hi")).outcome == outcome::bypass);
  CHECK(hit(c, contact_reply("hi")).outcome == outcome::bypass);
  CHECK(gw->calls.size() == 2);

  auto streaming = faq("What are closing costs?");
  streaming.unit.stream = true;
  CHECK(hit(c, streaming).outcome == outcome::bypass);

  gw->stop_reason = "max_tokens";  // a cut answer is returned, not stored
  CHECK(hit(c, faq("How do I get pre-approved?")).outcome == outcome::miss);
  gw->stop_reason = "end_turn";
  CHECK(hit(c, faq("How do I get pre-approved?")).outcome == outcome::miss);
  CHECK(hit(c, faq("How do I get pre-approved?")).outcome == outcome::l1);
  // The entry is in L1, but the rules the key does not cover still apply
  // before it: a streaming request with the same key, or a request whose
  // question is not among the keyed inputs, is checked, and bypasses.
  auto same_key_streaming = faq("How do I get pre-approved?");
  same_key_streaming.unit.stream = true;
  CHECK(hit(c, same_key_streaming).outcome == outcome::bypass);
  auto unkeyed_question = faq("How do I get pre-approved?");
  unkeyed_question.question = "hi";  // a greeting: never cached
  CHECK(hit(c, unkeyed_question).outcome == outcome::bypass);

  gw->model_override = "claude-haiku-4-5";  // downgraded by a budget: not stored
  auto reply = contact_reply("Looking in Fontana, 4 beds");
  CHECK(hit(c, reply).outcome == outcome::miss);
  CHECK(hit(c, reply).outcome == outcome::miss);
  CHECK(redis->entries.size() == 1);
}

TEST_CASE_METHOD(fixture, "the audit names the lead of every request that bypassed the cache",
                 "[cache][actor][bypass][audit]") {
  // The replay's stale and leak checks read the contact off every record; a
  // call moved into the gateway request must not take the contact with it.
  std::vector<cache_audit_record> records;
  cache_deps deps;
  deps.config = cfg;
  deps.time = wall;
  deps.gateway = gateway;
  deps.l2 = l2;
  deps.metrics = metrics;
  deps.audit = [&records](const cache_audit_record& r) { records.push_back(r); };
  auto c = spawn_cache(sys, std::move(deps));
  sched.run();

  CHECK(hit(c, contact_reply("hi")).outcome == outcome::bypass);
  auto streaming = faq("Do you charge for a home valuation?");
  streaming.unit.stream = true;
  streaming.call.contact = "+19515550188";
  CHECK(hit(c, streaming).outcome == outcome::bypass);
  REQUIRE(records.size() == 2);
  CHECK(records[0].contact == "+19095551234");
  CHECK(records[1].contact == "+19515550188");
}

TEST_CASE_METHOD(fixture, "a key can be erased from every tier", "[cache][actor][invalidation]") {
  auto c = node();
  auto first = hit(c, faq("What is a 1031 exchange?"));
  auto h = self->request(c, caf::infinite, erase_atom_v, first.key);
  sched.run();
  h.receive([](bool existed) { CHECK(existed); }, [](const caf::error& e) { FAIL(to_string(e)); });
  CHECK(redis->entries.empty());
  CHECK(hit(c, faq("What is a 1031 exchange?")).outcome == outcome::miss);
}

TEST_CASE_METHOD(fixture, "requests and lookups are counted by task and outcome",
                 "[cache][actor][metrics]") {
  auto c = node();
  hit(c, faq("What are HOA fees like?"));
  hit(c, faq("What are HOA fees like?"));
  const auto text = metrics->render();
  CHECK_THAT(text,
             Catch::Contains(R"(openhouse_cache_requests_total{outcome="miss",task="faq"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(openhouse_cache_requests_total{outcome="l1",task="faq"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(openhouse_cache_lookup_seconds_count{tier="l1"} 1)"));
}

TEST_CASE_METHOD(fixture, "a paraphrased market question is an L3 hit; other entities are not",
                 "[cache][actor][l3]") {
  auto c = node(true, faq_tier());
  auto stored = faq("What are the HOA fees in Fontana?");
  stored.source_sid = "SM10";
  CHECK(hit(c, stored).outcome == outcome::miss);

  auto paraphrase = faq("how much r the hoa fees in fontana");
  paraphrase.source_sid = "SM11";
  auto l3 = hit(c, paraphrase);
  CHECK(l3.outcome == outcome::l3);
  CHECK(l3.source_sid == "SM10");
  CHECK(l3.similarity >= 0.72);
  CHECK(l3.answer.response.text == "answer #1");
  // Back-filled under its own key: the same wording again is exact.
  CHECK(hit(c, paraphrase).outcome == outcome::l1);

  // Another city is another answer: the entity guard makes it a miss.
  CHECK(hit(c, faq("What are the HOA fees in Ontario?")).outcome == outcome::miss);
  CHECK(gw->calls.size() == 2);
  CHECK_THAT(metrics->render(),
             Catch::Contains(R"(openhouse_cache_l3_similarity_count{task="faq"} 1)"));
}

TEST_CASE_METHOD(fixture, "a lead's own units are never matched by similarity",
                 "[cache][actor][l3]") {
  auto c = node(true, faq_tier());
  auto mine = contact_reply("What are the HOA fees in Fontana?");
  mine.unit.task = "faq";
  mine.semantic_input = "message";
  hit(c, mine);
  auto close = contact_reply("how much r the hoa fees in fontana");
  close.unit.task = "faq";
  close.semantic_input = "message";
  CHECK(hit(c, close).outcome == outcome::miss);
}

TEST_CASE_METHOD(fixture, "a market bump moves L3 to a new partition", "[cache][actor][l3]") {
  auto c = node(true, faq_tier());
  hit(c, faq("What are the HOA fees in Fontana?"));
  bump(c, "market");
  auto h = self->request(c, caf::infinite, generations_atom_v, std::string{"ie"}, std::string{},
                         std::string{"faq"});
  sched.run();
  auto r = faq("how much r the hoa fees in fontana");
  h.receive([&](const generations& g, bool) { r.unit.generation = g; },
            [](const caf::error& e) { FAIL(to_string(e)); });
  CHECK(hit(c, r).outcome == outcome::miss);
}

TEST_CASE_METHOD(fixture,
                 "Redis restarted empty: a node with higher old counters never serves its "
                 "old entries after another node's bump",
                 "[cache][actor][invalidation][epoch]") {
  auto a = node();
  auto b = node();
  // Both nodes cached the lead's reply at contact generation 5.
  for (int i = 0; i < 5; ++i) {
    bump(a, "contact");
  }
  auto [g5, verified5] = gens(b);
  REQUIRE(verified5);
  REQUIRE(g5.contact == 5);
  REQUIRE(g5.epoch == redis->epoch);
  const auto old_epoch = g5.epoch;
  auto filled = hit(a, contact_reply("3bd in Riverside?", g5));
  REQUIRE(filled.outcome == outcome::miss);
  REQUIRE(hit(b, contact_reply("3bd in Riverside?", g5)).outcome == outcome::l2);
  auto [ga5, verified_a5] = gens(a);
  REQUIRE(verified_a5);
  REQUIRE(hit(a, contact_reply("3bd in Riverside?", ga5)).outcome == outcome::l1);

  // Redis restarts with nothing; B changes the lead: Redis says 1.
  redis->restart_empty();
  CHECK(bump(b, "contact") == 1);

  // A's next turn: the counters of the new life, not max(5, 1).
  auto [g1, verified1] = gens(a);
  CHECK(verified1);
  CHECK(g1.epoch == redis->epoch);
  CHECK(g1.epoch != old_epoch);
  CHECK(g1.contact == 1);
  auto after = hit(a, contact_reply("3bd in Riverside?", g1));
  CHECK(after.outcome == outcome::miss);
  CHECK(after.answer.response.text != filled.answer.response.text);
  CHECK(after.key != filled.key);
  CHECK(gw->calls.size() == 2);
  CHECK_THAT(metrics->render(), Catch::Contains("redis_epoch_change"));

  // A caller still holding the old life's snapshot is keyed in the new one:
  // it gets the new answer, never the one from before the restart.
  auto late = hit(a, contact_reply("3bd in Riverside?", g5));
  CHECK(late.outcome == outcome::l1);
  CHECK(late.key == after.key);
  CHECK(late.answer.response.text == after.answer.response.text);
  // And B, which bumped, agrees: the new value is not max-merged with 5.
  auto [gb, verified_b] = gens(b);
  CHECK(verified_b);
  CHECK(gb.contact == 1);
  CHECK(gb.epoch == g1.epoch);
  CHECK(hit(b, contact_reply("3bd in Riverside?", gb)).outcome == outcome::l2);
  CHECK(gw->calls.size() == 2);
}

TEST_CASE_METHOD(fixture,
                 "Redis restarted empty: a bump is the first to see it, and the node keeps "
                 "no old-life counter",
                 "[cache][actor][invalidation][epoch]") {
  auto a = node();
  auto b = node();
  for (int i = 0; i < 5; ++i) {
    bump(a, "contact");
  }
  auto [g5, ok5] = gens(a);
  REQUIRE(g5.contact == 5);
  hit(a, contact_reply("3bd in Riverside?", g5));
  redis->restart_empty();
  // A bumps first on the new Redis: 1, and A adopts it rather than keeping 6.
  CHECK(bump(a, "contact") == 1);
  auto [g1, ok1] = gens(a);
  CHECK(ok1);
  CHECK(g1.contact == 1);
  CHECK(g1.epoch == redis->epoch);
  // B then bumps to 2; A follows, so nothing A cached at 1 is served after it.
  hit(a, contact_reply("3bd in Riverside?", g1));
  CHECK(bump(b, "contact") == 2);
  auto [g2, ok2] = gens(a);
  CHECK(g2.contact == 2);
  CHECK(hit(a, contact_reply("3bd in Riverside?", g2)).outcome == outcome::miss);
  CHECK(gw->calls.size() == 3);
}

TEST_CASE_METHOD(fixture, "within one epoch, an old snapshot is still upgraded",
                 "[cache][actor][invalidation][epoch]") {
  auto c = node();
  auto [g0, ok0] = gens(c);
  REQUIRE(g0.epoch == redis->epoch);
  hit(c, contact_reply("3bd in Riverside?", g0));
  bump(c, "contact");
  auto late = hit(c, contact_reply("3bd in Riverside?", g0));
  CHECK(late.outcome == outcome::miss);
  CHECK(late.entry_generation.contact == 1);
  CHECK(late.entry_generation.epoch == g0.epoch);
}

TEST_CASE_METHOD(fixture,
                 "with a blocking embedder, L3 embeds through the worker, never on the cache",
                 "[cache][actor][l3][embedding]") {
  auto lex = market_lexicon(*cfg);
  auto local = std::make_shared<const local_embedder>(lex);
  auto guarded = std::make_shared<blocking_embedder>(*local);
  auto tier =
      std::make_shared<semantic_tier>(guarded, lex, std::map<std::string, double>{{"faq", 0.72}});
  auto script = std::make_shared<embedding_script>();

  SECTION("lookups and inserts get their vectors from the worker") {
    cache_deps deps;
    deps.config = cfg;
    deps.time = wall;
    deps.gateway = gateway;
    deps.l2 = l2;
    deps.metrics = metrics;
    deps.semantic = tier;
    deps.embedding = sys.spawn(fake_embedding, script, local);
    auto c = spawn_cache(sys, std::move(deps));
    sched.run();

    auto stored = faq("What are the HOA fees in Fontana?");
    stored.source_sid = "SM10";
    CHECK(hit(c, stored).outcome == outcome::miss);
    sched.run();
    // An empty partition needs no lookup embedding; the insert needs one.
    CHECK(script->calls == 1);
    CHECK(tier->size() == 1);

    auto paraphrase = faq("how much r the hoa fees in fontana");
    auto l3 = hit(c, paraphrase);
    CHECK(l3.outcome == outcome::l3);
    CHECK(l3.source_sid == "SM10");
    CHECK(script->calls == 2);

    // A miss whose lookup embedded reuses that vector for its insert.
    CHECK(hit(c, faq("What are the HOA fees in Ontario?")).outcome == outcome::miss);
    sched.run();
    CHECK(script->calls == 3);
    CHECK(tier->size() == 2);

    // The embedder down: L3 is a miss, the provider answers, nothing breaks.
    script->fail = true;
    const auto calls_before = gw->calls.size();
    CHECK(hit(c, faq("how much are hoa fees in fontana?")).outcome == outcome::miss);
    CHECK(gw->calls.size() == calls_before + 1);
    CHECK_THAT(metrics->render(), Catch::Contains(R"(event="l3_embed_error")"));
    CHECK(guarded->called_on_cache == 0);
  }

  SECTION("without a worker, L3 is not used at all") {
    auto c = node(true, tier);
    hit(c, faq("What are the HOA fees in Fontana?"));
    CHECK(hit(c, faq("how much r the hoa fees in fontana")).outcome == outcome::miss);
    CHECK(tier->size() == 0);
    CHECK(guarded->called_on_cache == 0);
  }
}

TEST_CASE_METHOD(fixture, "sampled L3 hits are checked against a fresh answer: the estimate",
                 "[cache][actor][l3][verify]") {
  cfg->cache.semantic.verify_every = 2;  // the 1st, 3rd, 5th ... L3 hit
  auto c = node(true, faq_tier());
  gw->answer_text = "HOA fees in Fontana are about $150 a month.";
  CHECK(hit(c, faq("What are the HOA fees in Fontana?")).outcome == outcome::miss);
  CHECK(gw->calls.size() == 1);

  CHECK(hit(c, faq("how much r the hoa fees in fontana")).outcome == outcome::l3);
  sched.run();
  CHECK(gw->calls.size() == 2);  // the check, in the background
  auto text = metrics->render();
  CHECK_THAT(text, Catch::Contains(
                       R"(openhouse_cache_l3_verifications_total{task="faq",verdict="agree"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(openhouse_cache_l3_estimated_false_hit_rate{task="faq"} 0)"));

  CHECK(hit(c, faq("what are the hoa fees in fontana")).outcome == outcome::l3);
  sched.run();
  CHECK(gw->calls.size() == 2);  // not sampled

  // The provider now names another figure: the served answer disagrees.
  gw->answer_text = "HOA fees in Fontana are about $300 a month.";
  CHECK(hit(c, faq("hoa fees in fontana?")).outcome == outcome::l3);
  sched.run();
  CHECK(gw->calls.size() == 3);
  text = metrics->render();
  CHECK_THAT(text,
             Catch::Contains(
                 R"(openhouse_cache_l3_verifications_total{task="faq",verdict="disagree"} 1)"));
  CHECK_THAT(text,
             Catch::Contains(R"(openhouse_cache_l3_estimated_false_hit_rate{task="faq"} 0.5)"));
}

TEST_CASE_METHOD(fixture, "verify_every 0 makes no extra call", "[cache][actor][l3][verify]") {
  cfg->cache.semantic.verify_every = 0;
  auto c = node(true, faq_tier());
  hit(c, faq("What are the HOA fees in Fontana?"));
  CHECK(hit(c, faq("how much r the hoa fees in fontana")).outcome == outcome::l3);
  sched.run();
  CHECK(gw->calls.size() == 1);
}

// --- serve-time name check ------------------------------------------------------

namespace {

/// Prefixes every L2 entry's answer with `greeting`, as a node running
/// before answers naming a person were refused might have stored it.
void greet_in_l2(redis_script& redis, const std::string& greeting) {
  for (auto& [key, value] : redis.entries) {
    auto entry = decode_answer(value);
    REQUIRE(entry);
    entry->text = greeting + entry->text;
    value = encode(*entry);
  }
}

/// The semantic writer's stand-in: keeps what the cache hands it.
semantic_writer_actor::behavior_type recording_writer(
    semantic_writer_actor::pointer, std::shared_ptr<std::vector<semantic_entry>> written) {
  return {
      [written](semantic_entry& e) { written->push_back(std::move(e)); },
      [](erase_atom, const std::string&) {},
      [](runtime::tick_atom) {},
      [](runtime::flush_atom) -> std::uint64_t { return 0; },
  };
}

constexpr const char* foreign_name_bypasses =
    R"(openhouse_cache_bypasses_total{reason="foreign_name",task="faq"} )";

}  // namespace

TEST_CASE_METHOD(fixture,
                 "a shared L2 or L1 hit naming someone the lead did not name is served as a miss",
                 "[cache][actor][names]") {
  gw->answer_text = "Escrow usually takes 30 to 45 days.";
  auto a = node();
  CHECK(hit(a, faq("how long does escrow take")).outcome == outcome::miss);
  CHECK(hit(a, faq("escrow timeline for maria")).outcome == outcome::miss);
  REQUIRE(redis->entries.size() == 2);
  greet_in_l2(*redis, "Hi Maria! ");

  auto b = node();  // another node: its L1 is empty, the entries come from L2
  auto other = hit(b, faq("how long does escrow take"));
  CHECK(other.outcome == outcome::miss);
  CHECK(other.answer.response.text == "Escrow usually takes 30 to 45 days.");
  CHECK(gw->calls.size() == 3);
  CHECK_THAT(metrics->render(), Catch::Contains(std::string{foreign_name_bypasses} + "1"));
  // The fresh answer replaced the entry: the next lead gets it, from L1.
  CHECK(hit(b, faq("how long does escrow take")).answer.response.text ==
        "Escrow usually takes 30 to 45 days.");
  CHECK(gw->calls.size() == 3);

  // The lead whose own text names Maria learns nothing new from it.
  auto own = hit(b, faq("escrow timeline for maria"));
  CHECK(own.outcome == outcome::l2);
  CHECK(own.answer.response.text == "Hi Maria! Escrow usually takes 30 to 45 days.");

  // L1 now holds that entry; a request whose question the key does not
  // cover is checked there as well (and in L2 after it).
  auto unkeyed = faq("escrow timeline for maria");
  unkeyed.question = "how long is escrow";
  CHECK(hit(b, unkeyed).outcome == outcome::miss);
  CHECK(gw->calls.size() == 4);
  CHECK_THAT(metrics->render(), Catch::Contains(std::string{foreign_name_bypasses} + "3"));
}

TEST_CASE_METHOD(fixture, "a lead's own entry is not checked for names at serve time",
                 "[cache][actor][names]") {
  gw->answer_text = "Noted: 4 bedrooms.";
  auto a = node();
  CHECK(hit(a, contact_reply("need 4 bedrooms")).outcome == outcome::miss);
  greet_in_l2(*redis, "Thanks, Dave! ");
  auto b = node();
  auto out = hit(b, contact_reply("need 4 bedrooms"));
  CHECK(out.outcome == outcome::l2);  // the lead's own scope: nobody else's answer
  CHECK_THAT(metrics->render(), !Catch::Contains("foreign_name"));
}

TEST_CASE_METHOD(fixture, "an L3 match naming someone the lead did not name is a miss",
                 "[cache][actor][l3][names]") {
  auto tier = faq_tier();
  auto written = std::make_shared<std::vector<semantic_entry>>();
  cache_deps deps;
  deps.config = cfg;
  deps.time = wall;
  deps.gateway = gateway;
  deps.l2 = l2;
  deps.metrics = metrics;
  deps.semantic = tier;
  deps.semantic_writer = sys.spawn(recording_writer, written);
  auto c = spawn_cache(sys, std::move(deps));
  sched.run();

  gw->answer_text = "HOA fees in Fontana run $100 to $300 a month.";
  CHECK(hit(c, faq("What are the HOA fees in Fontana?")).outcome == outcome::miss);
  REQUIRE(written->size() == 1);
  // The same entry, as another node stored it before names were refused.
  const auto& e = written->front();
  auto old = decode_answer(e.value);
  REQUIRE(old);
  old->text = "Thanks, Dave! " + old->text;
  tier->insert(e.partition, e.task, e.text, encode(*old), e.source_sid, wall->now() + 1h,
               wall->now());

  auto out = hit(c, faq("how much r the hoa fees in fontana"));
  CHECK(out.outcome == outcome::miss);
  CHECK(out.answer.response.text == "HOA fees in Fontana run $100 to $300 a month.");
  CHECK(gw->calls.size() == 2);
  CHECK_THAT(metrics->render(), Catch::Contains(std::string{foreign_name_bypasses} + "1"));
}

namespace {

/// The message the bump script publishes for the fake Redis's last bump.
std::string sequenced_contact_bump(const redis_script& r, std::uint64_t value) {
  invalidation inv;
  inv.what = invalidation::kind::contact;
  inv.market = "ie";
  inv.contact = "+19095551234";
  inv.generation = value;
  inv.seq = r.seq;
  inv.epoch = r.epoch;
  return encode(inv);
}

std::int64_t ns(std::chrono::steady_clock::time_point t) {
  return static_cast<std::int64_t>(t.time_since_epoch().count());
}

}  // namespace

TEST_CASE_METHOD(fixture, "a synced, fenced copy answers generations without Redis",
                 "[cache][actor][generation_sync]") {
  // A window far longer than the test: what is trusted must not depend on
  // how fast the test runs.
  auto b = node(true, nullptr, std::chrono::hours{1});
  auto a = node();
  self->send(b, subscribed_atom_v, true);
  sched.run();
  CHECK(gens(b).second);
  CHECK(redis->generation_reads == 1);  // the sync read
  // No fence yet: still read from Redis.
  CHECK(gens(b).second);
  CHECK(redis->generation_reads == 2);
  self->send(b, subscribed_atom_v, ns(std::chrono::steady_clock::now()));
  sched.run();
  const auto [before, verified] = gens(b);
  CHECK(verified);
  CHECK(redis->generation_reads == 2);  // answered from the copy

  // Another node bumps; its message reaches b in order, then a fence.
  const auto value = bump(a, "contact");
  self->send(b, invalidate_atom_v, sequenced_contact_bump(*redis, value));
  self->send(b, subscribed_atom_v, ns(std::chrono::steady_clock::now()));
  sched.run();
  const auto after = gens(b).first;
  CHECK(after.contact == before.contact + 1);
  CHECK(redis->generation_reads == 2);
}

TEST_CASE_METHOD(fixture, "a gap, a lost subscription or an old fence sends reads back to Redis",
                 "[cache][actor][generation_sync]") {
  auto b = node(true, nullptr, std::chrono::hours{1});
  auto a = node();
  auto sync_and_fence = [&] {
    self->send(b, subscribed_atom_v, true);
    sched.run();
    gens(b);
    self->send(b, subscribed_atom_v, ns(std::chrono::steady_clock::now()));
    sched.run();
  };
  sync_and_fence();
  const int synced_reads = redis->generation_reads;
  gens(b);
  REQUIRE(redis->generation_reads == synced_reads);

  SECTION("a bump message that skips a sequence number") {
    bump(a, "contact");
    const auto value = bump(a, "contact");  // b never hears of the first one
    self->send(b, invalidate_atom_v, sequenced_contact_bump(*redis, value));
    sched.run();
    const auto g = gens(b);
    CHECK(redis->generation_reads == synced_reads + 1);
    CHECK(g.first.contact == value);
  }
  SECTION("the subscription drops") {
    self->send(b, subscribed_atom_v, false);
    sched.run();
    gens(b);
    CHECK(redis->generation_reads == synced_reads + 1);
  }
  SECTION("the last fence is older than the trust window") {
    auto c = node(true, nullptr, 50ms);
    self->send(c, subscribed_atom_v, true);
    sched.run();
    gens(c);
    const int reads = redis->generation_reads;
    self->send(c, subscribed_atom_v, ns(std::chrono::steady_clock::now() - 1h));
    sched.run();
    gens(c);
    CHECK(redis->generation_reads == reads + 1);
  }
}
