// The cache's exact tiers measured through the cache actor, each beside the
// floor it cannot beat, in the same run and interleaved in rounds (so that no
// path always runs on a colder CPU or a busier moment of the shared machine):
//
//   L1 hit through the actor   vs  std::unordered_map::find of the 64-char key,
//                              and a bare CAF request/reply to a trivial actor
//                              (int -> int, and the cache's own message types)
//                              so that the actor hop is visible on its own.
//   L2 hit through the actor   vs  redis::client::get of the same Redis key.
//                              The measuring node's L1 is 1024 bytes (the
//                              config minimum) and the entry is ~1.3 KB, so
//                              l1_store::put rejects the back-fill and every
//                              lookup goes to Redis. A second variant uses
//                              SMS-sized answers under distinct keys on a node
//                              with a normal L1: each key is read once, so each
//                              lookup is an L2 hit *and* the L1 back-fill, the
//                              path a node takes for an entry another node made.
//   key_digest, check_request, decode_answer alone, for context.
//
// Every actor path is asked twice: from a caf::scoped_actor (a blocking
// thread outside the scheduler: every reply wakes a parked thread) and from an
// event-based driver actor on the scheduler, which is how the conversation
// actor asks the cache in production.
//
// The gateway is a fake that answers at once: it only serves the misses that
// fill the entries, never a measured lookup (every measured reply's outcome is
// checked). L2 is the real L2 actor (cache::spawn_l2: reads over the polling
// pipelined connection, writes through the detached workers) on the Redis named
// by OPENHOUSE_REDIS_URL, under a per-run prefix "bench_<pid>"; the keys this
// run wrote are deleted at the end, nothing else is touched.
//
// Usage: bench_cache_bench [iterations=20000] [warmup=iterations/10]
// Output: a table, then one line "JSON: {...}" for scripts to collect.

#include "agents/cacheability.hpp"
#include "cache/cached_answer.hpp"
#include "cache/invalidation.hpp"
#include "cache/key.hpp"
#include "cache/l2_reader.hpp"
#include "cache/llm_cache.hpp"
#include "core/cache_messages.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/type_ids.hpp"
#include "integrations/redis/client.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

using namespace openhouse;
using namespace std::chrono_literals;

namespace {

using steady = std::chrono::steady_clock;

/// Event-based requesters (the driver actors) use a finite timeout, as every
/// production request does: arming and cancelling it is part of the hop.
/// The scoped_actor uses caf::infinite: in CAF 0.17 a blocking actor that
/// makes many requests with a finite timeout keeps every later-firing timeout
/// message in its mailbox, and each receive() scans past them, so its latency
/// grows with the run (measured: 60 us at 2k requests, 5-7 ms at 22k).
constexpr auto request_timeout = std::chrono::seconds{10};

/// Keeps a value "used" without costing anything, so that the compiler can
/// neither drop nor hoist the lookups being timed (GCC/Clang extended asm).
template <class T>
void keep(const T& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

/// One measured path. `run(n, out)` performs n timed operations, appending one
/// sample in microseconds per operation (p99 needs per-operation samples).
struct bench_case {
  std::string name;
  std::string baseline;  ///< name of the case this one is compared to; empty: none
  std::string note;
  std::function<void(std::size_t, std::vector<double>&)> run;
  std::vector<double> samples;
  double p50 = 0;
  double p99 = 0;
};

/// Wraps `op` in a timing loop; `op` is a template parameter so that it is
/// inlined between the two clock reads (only the outer call is indirect).
template <class Op>
std::function<void(std::size_t, std::vector<double>&)> timed(Op op) {
  return [op = std::move(op)](std::size_t n, std::vector<double>& us) mutable {
    for (std::size_t i = 0; i < n; ++i) {
      const auto t0 = steady::now();
      op();
      const auto t1 = steady::now();
      us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
  };
}

/// Warms every case, then runs them in `rounds` interleaved rounds.
void run_cases(std::vector<bench_case>& cases, std::size_t iterations, std::size_t warmup,
               std::size_t rounds) {
  std::vector<double> scratch;
  for (auto& c : cases) {
    scratch.clear();
    c.run(warmup, scratch);
    c.samples.reserve(iterations);
  }
  for (std::size_t r = 0; r < rounds; ++r) {
    const auto n = iterations / rounds + (r < iterations % rounds ? 1 : 0);
    for (auto& c : cases) {
      c.run(n, c.samples);
    }
  }
  for (auto& c : cases) {
    std::sort(c.samples.begin(), c.samples.end());
    const auto at = [&](double q) {
      return c.samples[static_cast<std::size_t>(q * static_cast<double>(c.samples.size() - 1))];
    };
    c.p50 = at(0.50);
    c.p99 = at(0.99);
  }
}

const bench_case& find_case(const std::vector<bench_case>& cases, const std::string& name) {
  for (const auto& c : cases) {
    if (c.name == name) {
      return c;
    }
  }
  std::fprintf(stderr, "internal: no case %s\n", name.c_str());
  std::exit(1);
}

/// A case whose samples are taken inside a driver actor (see driver()).
std::function<void(std::size_t, std::vector<double>&)> driven(caf::scoped_actor& self,
                                                              caf::actor drv) {
  return [&self, drv](std::size_t n, std::vector<double>& us) {
    self->request(drv, caf::infinite, static_cast<std::int32_t>(n),
                  static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&us)))
        .receive([](std::int32_t) {},
                 [](const caf::error& e) {
                   std::fprintf(stderr, "driver failed: %s\n", to_string(e).c_str());
                   std::exit(1);
                 });
  };
}

// --- actors -----------------------------------------------------------------------

/// The gateway's stand-in: answers every call at once with `text`. Counts the
/// calls, which must equal the number of fills (a measured lookup never gets here).
runtime::gateway_actor::behavior_type fake_gateway(std::string text,
                                                   std::shared_ptr<std::atomic<int>> calls) {
  return {
      [text, calls](runtime::complete_atom, runtime::llm_call& call) -> runtime::llm_answer {
        ++*calls;
        runtime::llm_answer a;
        a.response.text = text;
        a.response.stop_reason = "end_turn";
        a.response.model = call.request.model;
        a.model = call.request.model;
        a.cost_usd = 0.001;
        a.baseline_cost_usd = 0.001;
        a.attempts = 1;
        return a;
      },
  };
}

/// The smallest CAF request/reply: one int each way.
using echo_actor = caf::typed_actor<caf::replies_to<std::int32_t>::with<std::int32_t>>;

echo_actor::behavior_type echo() {
  return {[](std::int32_t x) { return x + 1; }};
}

/// A request/reply with the cache's own message types and nothing else: the
/// same cache_request in, a canned cache_reply out. The gap between this and
/// the real L1 hit is what the cache actor itself does.
using canned_actor = caf::typed_actor<
    caf::replies_to<cache::lookup_atom, cache::cache_request>::with<cache::cache_reply>>;

canned_actor::behavior_type canned(cache::cache_reply reply) {
  return {[reply](cache::lookup_atom, const cache::cache_request&) { return reply; }};
}

/// One sequential run of a driver actor: how many requests are left, where
/// the samples go, and whom to tell when it is done.
struct drive {
  std::size_t left = 0;
  std::vector<double>* out = nullptr;
  caf::response_promise done;
};

/// Issues one request from inside an event-based actor and calls `next` when
/// its reply (or error) is handled.
using issue_fn = std::function<void(caf::event_based_actor*, std::function<void()> next)>;

void drive_step(caf::event_based_actor* self, const std::shared_ptr<issue_fn>& issue,
                const std::shared_ptr<drive>& d) {
  if (d->left == 0) {
    d->done.deliver(std::int32_t{0});
    return;
  }
  --d->left;
  const auto t0 = steady::now();
  (*issue)(self, [self, issue, d, t0] {
    d->out->push_back(std::chrono::duration<double, std::micro>(steady::now() - t0).count());
    drive_step(self, issue, d);
  });
}

/// The requester as production has it: an event-based actor on the scheduler
/// (the conversation actor asks the cache like this), making sequential
/// requests and timing each from send to reply handler. Told "run n" (with
/// the sample vector's address, valid until it answers) by the main thread.
caf::behavior driver(caf::event_based_actor* self, std::shared_ptr<issue_fn> issue) {
  return {
      [self, issue](std::int32_t n, std::uint64_t out) -> caf::result<std::int32_t> {
        auto d = std::make_shared<drive>();
        d->left = static_cast<std::size_t>(n);
        d->out = reinterpret_cast<std::vector<double>*>(out);  // NOLINT: same process
        d->done = self->make_response_promise();
        drive_step(self, issue, d);
        return d->done;
      },
  };
}

// --- setup --------------------------------------------------------------------------

std::shared_ptr<config::market_config> market(const std::string& redis_url,
                                              const std::string& prefix, std::size_t l1_bytes) {
  auto cfg = std::make_shared<config::market_config>();
  cfg->market.id = "bench";
  cfg->storage.redis_url = redis_url;
  cfg->llm.routing = {{"faq", "claude-haiku-4-5"}};
  cfg->llm.prices["claude-haiku-4-5"] = {1.0, 5.0, 1.25, 0.10, 2048};
  cfg->cache.ttl = {{"faq", 86400s}};
  cfg->cache.l1_max_bytes = l1_bytes;
  cfg->cache.redis_prefix = prefix;
  return cfg;
}

/// A market-scoped FAQ unit, as the FAQ bot builds it (generations read and
/// verified for the turn; all zero on a fresh prefix).
cache::cache_request faq(const std::string& question) {
  cache::cache_request r;
  r.unit.task = "faq";
  r.unit.template_version = "faq@1";
  r.unit.system_prompt =
      "You answer questions about buying and selling homes in this market. Be brief, factual "
      "and friendly; never promise a price or a date; suggest a call with an agent when unsure.";
  r.unit.scope = cache::scope::market;
  r.unit.market_id = "bench";
  r.unit.max_tokens = 200;
  r.unit.with("question", question);
  r.call.task = "faq";
  r.call.request.max_tokens = 200;
  r.call.request.messages.push_back({"user", question});
  r.question = question;
  r.source_sid = "SM00000000000000000000000000000000";
  r.generations_verified = true;
  return r;
}

/// Lower case, no digits, names, addresses or times: an answer the
/// never-cached rules accept, so that the fill is stored.
std::string answer_text(std::size_t size) {
  static const std::string sentence =
      "hoa fees in this area usually cover the pool, the landscaping of shared areas and "
      "exterior insurance; your agent can confirm the exact figure for a given listing. ";
  std::string out;
  while (out.size() < size) {
    out += sentence;
  }
  out.resize(size);
  return out;
}

struct checked_ask {
  std::size_t unexpected = 0;
  std::size_t errors = 0;
};

/// One lookup, outside the timed loops: the outcome or exits on an error.
cache::cache_reply ask(caf::scoped_actor& self, const cache::cache_actor& node,
                       const cache::cache_request& req) {
  cache::cache_reply out;
  bool ok = false;
  self->request(node, caf::infinite, cache::lookup_atom_v, req)
      .receive(
          [&](cache::cache_reply& reply) {
            out = std::move(reply);
            ok = true;
          },
          [&](caf::error& err) {
            std::fprintf(stderr, "cache lookup failed: %s\n", to_string(err).c_str());
          });
  if (!ok) {
    std::exit(1);
  }
  return out;
}

/// Waits until the fire-and-forget L2 put of a fill is visible in Redis.
bool wait_for_key(redis::client& raw, const std::string& key) {
  const auto deadline = steady::now() + 5s;
  while (steady::now() < deadline) {
    if (raw.get(key)) {
      return true;
    }
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::openhouse>();
  // As runtime/node.cpp: two cores, two scheduler threads. CAF's own options
  // (--work-stealing.moderate-poll-attempts=0, ...) may follow on the command
  // line, to compare scheduler settings; positional arguments are ours.
  cfg.set("scheduler.max-threads", 2);
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "bad arguments: %s\n", to_string(err).c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed) {
    return 0;
  }
  const auto& args = cfg.remainder;
  const std::size_t iterations =
      !args.empty() ? std::strtoull(args[0].c_str(), nullptr, 10) : 20000;
  const std::size_t warmup =
      args.size() > 1 ? std::strtoull(args[1].c_str(), nullptr, 10) : iterations / 10;
  if (iterations < 100) {
    std::fprintf(stderr,
                 "usage: bench_cache_bench [iterations>=100] [warmup] [--caf.options...]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);

  const char* url_env = std::getenv("OPENHOUSE_REDIS_URL");
  if (url_env == nullptr || *url_env == '\0') {
    std::fprintf(stderr,
                 "OPENHOUSE_REDIS_URL is not set: start the services (scripts/services start) "
                 "and source var/services.env (set -a; source var/services.env; set +a)\n");
    return 2;
  }
  const std::string redis_url = url_env;
  const auto endpoint = redis::parse_url(redis_url);
  if (!endpoint) {
    std::fprintf(stderr, "OPENHOUSE_REDIS_URL is not a redis:// URL: %s\n", redis_url.c_str());
    return 2;
  }
  redis::client raw{*endpoint, 500ms};
  if (!raw.ping()) {
    std::fprintf(stderr, "Redis at %s does not answer PING: start it (scripts/services start)\n",
                 redis_url.c_str());
    return 2;
  }
  const std::string prefix = "bench_" + std::to_string(::getpid());
  const cache::redis_keys keys{prefix};

  caf::actor_system sys{cfg};

  const auto big = market(redis_url, prefix, 64 * 1024 * 1024);
  const auto tiny = market(redis_url, prefix, 1024);
  const auto time = std::make_shared<runtime::system_clock>();
  const auto metrics = std::make_shared<runtime::metrics>();
  cache::l2_settings l2s;
  l2s.redis_url = redis_url;
  l2s.prefix = prefix;
  l2s.timeout = big->cache.redis_timeout;
  auto l2 = cache::spawn_l2(sys, l2s);

  // SMS-sized answers for the realistic paths; ~1.3 KB for the forced-L2 path
  // (it must not fit the 1024-byte L1: checked below, every lookup must be l2).
  const auto short_text = answer_text(300);
  const auto long_text = answer_text(1300);
  auto fills = std::make_shared<std::atomic<int>>(0);
  auto gw_short = sys.spawn(fake_gateway, short_text, fills);
  auto gw_long = sys.spawn(fake_gateway, long_text, fills);

  const auto node = [&](std::shared_ptr<config::market_config> c, runtime::gateway_actor gw) {
    cache::cache_deps d;
    d.config = std::move(c);
    d.time = time;
    d.gateway = std::move(gw);
    d.l2 = l2;
    d.metrics = metrics;
    return cache::spawn_cache(sys, std::move(d));
  };
  auto node_a = node(big, gw_short);  // L1 measurement; warms the distinct keys
  auto node_w = node(big, gw_long);   // warms the long entry in L2
  auto node_b = node(tiny, gw_long);  // forced-L2 measurement
  auto node_c = node(big, gw_short);  // L2 hit + back-fill measurement
  auto echo_a = sys.spawn(echo);

  caf::scoped_actor self{sys};
  std::vector<std::string> written;  // L2 keys this run created, deleted at the end

  // --- fills ---------------------------------------------------------------------
  const auto l1_req = faq("what do the hoa fees usually cover around here?");
  const auto first = ask(self, node_a, l1_req);
  if (first.outcome != cache::outcome::miss) {
    std::fprintf(stderr, "expected the first lookup to miss, got %s\n",
                 std::string{to_string(first.outcome)}.c_str());
    return 1;
  }
  const auto digest = first.key;
  written.push_back(keys.entry(digest));
  if (const auto again = ask(self, node_a, l1_req); again.outcome != cache::outcome::l1) {
    std::fprintf(stderr, "the fill was not stored in L1 (outcome %s): a never-cached rule?\n",
                 std::string{to_string(again.outcome)}.c_str());
    return 1;
  }

  const auto l2_req = faq("what does the hoa fee include in a typical community here?");
  const auto long_fill = ask(self, node_w, l2_req);
  written.push_back(keys.entry(long_fill.key));
  if (long_fill.outcome != cache::outcome::miss || !wait_for_key(raw, keys.entry(long_fill.key)) ||
      !wait_for_key(raw, keys.entry(digest))) {
    std::fprintf(stderr, "the fills did not reach L2 (Redis)\n");
    return 1;
  }
  const std::string short_value = *raw.get(keys.entry(digest));
  const std::string long_value = *raw.get(keys.entry(long_fill.key));
  const std::string long_redis_key = keys.entry(long_fill.key);

  // Distinct SMS-sized entries, each read once by node_c (then it is in its L1).
  const std::size_t distinct = warmup + iterations;
  std::vector<cache::cache_request> distinct_reqs;
  std::vector<std::string> distinct_keys;
  distinct_reqs.reserve(distinct);
  distinct_keys.reserve(distinct);
  for (std::size_t i = 0; i < distinct; ++i) {
    distinct_reqs.push_back(
        faq("what do the hoa fees cover in community number " + std::to_string(i) + "?"));
    const auto r = ask(self, node_a, distinct_reqs.back());
    if (r.outcome != cache::outcome::miss) {
      std::fprintf(stderr, "distinct fill %zu did not miss\n", i);
      return 1;
    }
    distinct_keys.push_back(keys.entry(r.key));
    written.push_back(distinct_keys.back());
  }
  for (const auto& k : distinct_keys) {
    if (!wait_for_key(raw, k)) {
      std::fprintf(stderr, "distinct fill %s did not reach L2\n", k.c_str());
      return 1;
    }
  }
  const int fills_done = fills->load();

  // --- baselines' fixtures --------------------------------------------------------
  std::unordered_map<std::string, std::string> raw_map;
  raw_map.emplace(digest, short_value);
  auto canned_a = sys.spawn(canned, first);  // the reply an L1 hit sends, near enough
  auto unit_with_model = l1_req.unit;
  unit_with_model.model = big->llm.routing.at("faq");  // as the cache routes it
  if (cache::key_digest(unit_with_model) != digest) {
    std::fprintf(stderr, "key_digest disagrees with the cache's key\n");
    return 1;
  }

  // --- cases ------------------------------------------------------------------------
  checked_ask l1_check;
  checked_ask l2_check;
  checked_ask c_check;
  std::size_t cursor_actor = 0;
  std::size_t cursor_raw = 0;
  const auto lookup_expect = [&self](const cache::cache_actor& n, const cache::cache_request& req,
                                     cache::outcome want, checked_ask& check) {
    self->request(n, caf::infinite, cache::lookup_atom_v, req)
        .receive(
            [&](const cache::cache_reply& reply) {
              check.unexpected += reply.outcome == want ? 0 : 1;
              keep(reply.answer.response.text.size());
            },
            [&](const caf::error&) { ++check.errors; });
  };

  // The same paths asked from an event-based actor on the scheduler, the way
  // the conversation actor asks the cache (see driver()).
  checked_ask l1_check_drv;
  checked_ask l2_check_drv;
  const auto lookup_issue = [](const cache::cache_actor& n, const cache::cache_request& req,
                               cache::outcome want, checked_ask* check) {
    return std::make_shared<issue_fn>(
        [n, req, want, check](caf::event_based_actor* s, std::function<void()> next) {
          s->request(n, request_timeout, cache::lookup_atom_v, req)
              .then(
                  [check, want, next](const cache::cache_reply& reply) {
                    check->unexpected += reply.outcome == want ? 0 : 1;
                    keep(reply.answer.response.text.size());
                    next();
                  },
                  [check, next](const caf::error&) {
                    ++check->errors;
                    next();
                  });
        });
  };
  auto drv_echo = sys.spawn(
      driver,
      std::make_shared<issue_fn>([echo_a](caf::event_based_actor* s, std::function<void()> next) {
        s->request(echo_a, request_timeout, std::int32_t{1})
            .then(
                [next](std::int32_t x) {
                  keep(x);
                  next();
                },
                [next](const caf::error&) { next(); });
      }));
  auto drv_canned =
      sys.spawn(driver, std::make_shared<issue_fn>([canned_a, l1_req](caf::event_based_actor* s,
                                                                      std::function<void()> next) {
                  s->request(canned_a, request_timeout, cache::lookup_atom_v, l1_req)
                      .then(
                          [next](const cache::cache_reply& r) {
                            keep(r.outcome);
                            next();
                          },
                          [next](const caf::error&) { next(); });
                }));
  auto drv_l1 = sys.spawn(driver, lookup_issue(node_a, l1_req, cache::outcome::l1, &l1_check_drv));
  auto drv_l2 = sys.spawn(driver, lookup_issue(node_b, l2_req, cache::outcome::l2, &l2_check_drv));

  std::vector<bench_case> cases;
  cases.push_back({"timer_overhead",
                   "",
                   "two steady_clock reads, in every sample below",
                   timed([] {}),
                   {},
                   0,
                   0});
  cases.push_back({"unordered_map_find",
                   "",
                   "64-char key, std::string value",
                   timed([&] {
                     auto it = raw_map.find(digest);
                     keep(it->second.size());
                   }),
                   {},
                   0,
                   0});
  cases.push_back({"caf_round_trip_int",
                   "",
                   "scoped_actor -> trivial actor, int each way",
                   timed([&] {
                     self->request(echo_a, caf::infinite, std::int32_t{1})
                         .receive([](std::int32_t x) { keep(x); }, [](const caf::error&) {});
                   }),
                   {},
                   0,
                   0});
  cases.push_back({"caf_round_trip_cache_msgs",
                   "caf_round_trip_int",
                   "same hop, cache_request in, canned cache_reply out",
                   timed([&] {
                     self->request(canned_a, caf::infinite, cache::lookup_atom_v, l1_req)
                         .receive([](const cache::cache_reply& r) { keep(r.outcome); },
                                  [](const caf::error&) {});
                   }),
                   {},
                   0,
                   0});
  cases.push_back({"l1_hit_actor",
                   "unordered_map_find",
                   "market faq unit, verified generations",
                   timed([&] { lookup_expect(node_a, l1_req, cache::outcome::l1, l1_check); }),
                   {},
                   0,
                   0});
  cases.push_back({"redis_get_1k",
                   "",
                   "redis::client::get, same key and value as below",
                   timed([&] { keep(raw.get(long_redis_key)->size()); }),
                   {},
                   0,
                   0});
  cases.push_back({"l2_hit_actor_1k",
                   "redis_get_1k",
                   "l1_max_bytes=1024: every lookup is L2",
                   timed([&] { lookup_expect(node_b, l2_req, cache::outcome::l2, l2_check); }),
                   {},
                   0,
                   0});
  cases.push_back({"caf_round_trip_int_actor",
                   "",
                   "event-based requester -> trivial actor",
                   driven(self, drv_echo),
                   {},
                   0,
                   0});
  cases.push_back({"caf_round_trip_msgs_actor",
                   "caf_round_trip_int_actor",
                   "event-based requester, cache_request in, canned cache_reply out",
                   driven(self, drv_canned),
                   {},
                   0,
                   0});
  cases.push_back({"l1_hit_from_actor",
                   "unordered_map_find",
                   "event-based requester, as the conversation asks",
                   driven(self, drv_l1),
                   {},
                   0,
                   0});
  cases.push_back({"l2_hit_1k_from_actor",
                   "redis_get_1k",
                   "event-based requester, l1_max_bytes=1024",
                   driven(self, drv_l2),
                   {},
                   0,
                   0});
  cases.push_back({"redis_get_distinct",
                   "",
                   "redis::client::get, each key once",
                   timed([&] { keep(raw.get(distinct_keys[cursor_raw++])->size()); }),
                   {},
                   0,
                   0});
  cases.push_back({"l2_hit_backfill_actor",
                   "redis_get_distinct",
                   "300-char answers, each key once: L2 hit + L1 back-fill",
                   timed([&] {
                     lookup_expect(node_c, distinct_reqs[cursor_actor++], cache::outcome::l2,
                                   c_check);
                   }),
                   {},
                   0,
                   0});
  cases.push_back({"key_digest",
                   "",
                   "canonical encoding + SHA-256 of the faq unit",
                   timed([&] { keep(cache::key_digest(unit_with_model).size()); }),
                   {},
                   0,
                   0});
  cases.push_back(
      {"check_request",
       "",
       "never-cached rules on the faq question (hit path)",
       timed([&] { keep(cache::check_request(unit_with_model, l1_req.question).cacheable()); }),
       {},
       0,
       0});
  cases.push_back({"decode_answer",
                   "",
                   "the stored 300-char entry",
                   timed([&] { keep(cache::decode_answer(short_value)->text.size()); }),
                   {},
                   0,
                   0});

  run_cases(cases, iterations, warmup, 4);

  // --- checks ------------------------------------------------------------------------
  int rc = 0;
  const auto report = [&rc](const char* what, const checked_ask& c) {
    if (c.unexpected != 0 || c.errors != 0) {
      std::fprintf(stderr, "%s: %zu replies with an unexpected outcome, %zu errors\n", what,
                   c.unexpected, c.errors);
      rc = 1;
    }
  };
  report("l1_hit_actor", l1_check);
  report("l2_hit_actor_1k", l2_check);
  report("l2_hit_backfill_actor", c_check);
  report("l1_hit_from_actor", l1_check_drv);
  report("l2_hit_1k_from_actor", l2_check_drv);
  if (fills->load() != fills_done) {
    std::fprintf(stderr, "the gateway was called during the measurement\n");
    rc = 1;
  }

  // --- cleanup: only the keys this run wrote -------------------------------------------
  std::size_t deleted = 0;
  for (const auto& k : written) {
    deleted += raw.del(k) ? 1 : 0;
  }
  for (auto* a : {&node_a, &node_w, &node_b, &node_c}) {
    caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
  }
  caf::anon_send_exit(gw_short, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(gw_long, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(echo_a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(canned_a, caf::exit_reason::user_shutdown);
  for (auto* a : {&drv_echo, &drv_canned, &drv_l1, &drv_l2}) {
    caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
  }
  caf::anon_send_exit(l2, caf::exit_reason::user_shutdown);

  // --- output ------------------------------------------------------------------------
  std::printf(
      "cache tiers through the cache actor vs their floors: %zu samples per path "
      "(4 interleaved rounds), %zu warm-up, scheduler.max-threads=2, Redis %s, "
      "prefix %s\n",
      iterations, warmup, redis_url.c_str(), prefix.c_str());
  std::printf(
      "value sizes: L1/backfill entry %zu B, forced-L2 entry %zu B; fills %d; "
      "deleted %zu of %zu keys written\n\n",
      short_value.size(), long_value.size(), fills_done, deleted, written.size());
  std::printf("%-26s %10s %10s  %-22s %9s %9s  %s\n", "path", "p50 us", "p99 us", "baseline",
              "p50 x", "p99 x", "note");
  std::string json = "{\"bench\":\"cache_bench\",\"iterations\":" + std::to_string(iterations) +
                     ",\"warmup\":" + std::to_string(warmup) + ",\"results\":[";
  const auto row = [&](const bench_case& c, const std::string& base_name) {
    const bench_case* base = base_name.empty() ? nullptr : &find_case(cases, base_name);
    const double r50 = base != nullptr ? c.p50 / base->p50 : 1.0;
    const double r99 = base != nullptr ? c.p99 / base->p99 : 1.0;
    std::printf("%-26s %10.3f %10.3f  %-22s %9.2f %9.2f  %s\n", c.name.c_str(), c.p50, c.p99,
                base_name.empty() ? "-" : base_name.c_str(), r50, r99, c.note.c_str());
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "%s{\"name\":\"%s\",\"p50_us\":%.3f,\"p99_us\":%.3f,\"baseline\":%s%s%s,"
                  "\"ratio\":%.3f,\"ratio_p99\":%.3f}",
                  json.back() == '[' ? "" : ",", c.name.c_str(), c.p50, c.p99,
                  base_name.empty() ? "" : "\"", base_name.empty() ? "null" : base_name.c_str(),
                  base_name.empty() ? "" : "\"", r50, r99);
    json += buf;
  };
  for (const auto& c : cases) {
    row(c, c.baseline);
  }
  // The L1 hit against the bare hop too: the table's second comparison.
  bench_case l1_vs_hop = find_case(cases, "l1_hit_actor");
  l1_vs_hop.name = "l1_hit_actor_vs_hop";
  l1_vs_hop.note = "same samples as l1_hit_actor";
  row(l1_vs_hop, "caf_round_trip_int");
  bench_case l1_drv_vs_hop = find_case(cases, "l1_hit_from_actor");
  l1_drv_vs_hop.name = "l1_hit_from_actor_vs_hop";
  l1_drv_vs_hop.note = "same samples as l1_hit_from_actor";
  row(l1_drv_vs_hop, "caf_round_trip_int_actor");

  const auto& l1 = find_case(cases, "l1_hit_actor");
  const auto& hop = find_case(cases, "caf_round_trip_int");
  const auto& l1d = find_case(cases, "l1_hit_from_actor");
  const auto& hopd = find_case(cases, "caf_round_trip_int_actor");
  const auto& l2h = find_case(cases, "l2_hit_actor_1k");
  const auto& l2d = find_case(cases, "l2_hit_1k_from_actor");
  const auto& get1k = find_case(cases, "redis_get_1k");
  const auto met = [](bool ok) { return ok ? "MET" : "NOT MET"; };
  std::printf(
      "\ncache actor's own work on an L1 hit (over the bare hop, p50): %.2f us from a "
      "scoped_actor, %.2f us from an event-based actor\n",
      l1.p50 - hop.p50, l1d.p50 - hopd.p50);
  std::printf(
      "an L2 hit over the raw GET (p50): %.2f us from a scoped_actor, %.2f us from an "
      "event-based actor\n",
      l2h.p50 - get1k.p50, l2d.p50 - get1k.p50);
  std::printf("target L1 hit p50 <= 5 us:  scoped_actor %.2f us %s; event-based %.2f us %s\n",
              l1.p50, met(l1.p50 <= 5.0), l1d.p50, met(l1d.p50 <= 5.0));
  std::printf("target L2 hit p50 <= 1.5x:  scoped_actor %.2fx %s; event-based %.2fx %s\n",
              l2h.p50 / get1k.p50, met(l2h.p50 <= 1.5 * get1k.p50), l2d.p50 / get1k.p50,
              met(l2d.p50 <= 1.5 * get1k.p50));
  std::string targets = "],\"targets\":[";
  const auto target = [&targets](const char* name, double value, double limit) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "%s{\"name\":\"%s\",\"value\":%.3f,\"limit\":%.1f,\"met\":%s}",
                  targets.back() == '[' ? "" : ",", name, value, limit,
                  value <= limit ? "true" : "false");
    targets += buf;
  };
  target("l1_hit_actor_p50_us", l1.p50, 5.0);
  target("l1_hit_from_actor_p50_us", l1d.p50, 5.0);
  target("l2_hit_actor_1k_p50_ratio", l2h.p50 / get1k.p50, 1.5);
  target("l2_hit_1k_from_actor_p50_ratio", l2d.p50 / get1k.p50, 1.5);
  targets += "]}";
  json += targets;
  std::printf("JSON: %s\n", json.c_str());
  return rc;
}
