#include "cache/llm_cache.hpp"

#include "agents/cacheability.hpp"
#include "cache/cache_error.hpp"
#include "cache/cached_answer.hpp"
#include "cache/entry_tags.hpp"
#include "cache/generation_table.hpp"
#include "cache/invalidation.hpp"
#include "cache/key.hpp"
#include "cache/l1_store.hpp"
#include "cache/llm_cache_rules.hpp"
#include "cache/semantic_tier.hpp"
#include "cache/single_flight.hpp"
#include "cache/ttl_policy.hpp"
#include "integrations/llm/model_router.hpp"
#include "integrations/llm/pricing.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <array>
#include <map>
#include <optional>
#include <utility>

namespace openhouse::cache {

namespace {

using steady = std::chrono::steady_clock;

/// One caller waiting for a key's answer.
struct waiter {
  caf::typed_response_promise<cache_reply> promise;
  steady::time_point started;
  std::string sid;  ///< for the audit: the message that asked
  std::string contact;
  generations keyed;        ///< the generations the request was keyed under
  double baseline_usd = 0;  ///< what it would cost uncached (for hits and coalesced)
};

/// A miss being filled: the first request for the key, carried through the
/// L2, L3 and provider steps.
struct fill {
  cache_request req;
  std::string digest;
  std::string partition;      ///< empty when the task has no semantic matching
  std::string semantic_text;  ///< the input matched by similarity
  /// Its embedding, when a worker computed it for the lookup (blocking
  /// embedders only), so the store does not ask again.
  std::vector<float> vector;
  bool store = true;  ///< false: answer, but keep the answer out of every tier
};

using fill_ptr = std::shared_ptr<fill>;

enum class tier : std::uint8_t { l1, l2, l3, provider };

struct cache_state {
  static inline const char* name = "llm_cache";

  cache_deps deps;
  std::unique_ptr<l1_store> l1;
  std::unique_ptr<ttl_policy> ttl;
  std::shared_ptr<const llm::model_router> router;
  generation_table gens;
  /// The counters as the pub/sub channel keeps them; answers generations
  /// without Redis while trusted (built in llm_cache from deps.trust_window).
  std::unique_ptr<generation_sync> sync;
  single_flight<waiter> flights;
  /// L2 is skipped until then after an error (see cache_deps::l2_retry_after).
  runtime::clock::time_point l2_down_until{};
  bool replaying_bumps = false;
  /// Offline bumps whose replay failed. They were counted locally when they
  /// were made; re-queuing them through gens.bump_offline would count them
  /// again and leave this node's counter ahead of Redis, where the max-merge
  /// would then hide the next bump made on another node.
  std::vector<generation_table::pending_bump> unreplayed;
  std::uint64_t evictions_reported = 0;
  std::uint64_t l3_hits = 0;  ///< served, for sampling the verifications
  /// Verdicts of the sampled L3 hits by task: {agree, disagree}.
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>, std::less<>> verdicts;
  /// Metric handles, looked up once: the hit path must not hash labels.
  std::map<std::string, std::array<prometheus::Counter*, 6>, std::less<>> counters;
  std::array<prometheus::Histogram*, 4> lookup{};
};

using self_ptr = cache_actor::stateful_pointer<cache_state>;

// --- small helpers -------------------------------------------------------------

bool has_l2(const cache_state& st) { return static_cast<bool>(st.deps.l2); }

/// Offline bumps not yet in Redis: waiting, failed once, or being replayed.
bool bumps_pending(const cache_state& st) {
  return st.gens.has_pending() || !st.unreplayed.empty() || st.replaying_bumps;
}

/// L2 may be used: configured, not in its back-off after an error, and no
/// offline bump waiting to be replayed (until then Redis's counters are behind
/// this node's and an L2 entry could be stale).
bool l2_usable(const cache_state& st) {
  return has_l2(st) && st.deps.time->now() >= st.l2_down_until && !bumps_pending(st);
}

std::chrono::milliseconds l2_timeout(const cache_state& st) {
  // The worker gives up after redis_timeout; the margin covers the queue.
  return st.deps.config->cache.redis_timeout * 4;
}

std::chrono::milliseconds gateway_timeout(const cache_state& st) {
  const auto& llm = st.deps.config->llm;
  return llm.retry.deadline + llm.timeout + std::chrono::seconds{5};
}

void event(cache_state& st, std::string_view name, double n = 1) {
  if (st.deps.metrics) {
    st.deps.metrics->count_cache_event(name, n);
  }
}

void count(cache_state& st, const std::string& task, outcome o) {
  if (!st.deps.metrics) {
    return;
  }
  auto it = st.counters.find(task);
  if (it == st.counters.end()) {
    it = st.counters.emplace(task, std::array<prometheus::Counter*, 6>{}).first;
  }
  auto& counter = it->second.at(static_cast<std::size_t>(o));
  if (counter == nullptr) {
    counter = &st.deps.metrics->cache_requests(task, to_string(o));
  }
  counter->Increment();
}

void observe(cache_state& st, tier t, steady::time_point started) {
  if (!st.deps.metrics) {
    return;
  }
  auto& h = st.lookup.at(static_cast<std::size_t>(t));
  if (h == nullptr) {
    static constexpr std::array<std::string_view, 4> names{"l1", "l2", "l3", "provider"};
    h = &st.deps.metrics->cache_lookup(names.at(static_cast<std::size_t>(t)));
  }
  h->Observe(std::chrono::duration<double>(steady::now() - started).count());
}

/// Reports L1 evictions (byte bound) to the metrics as they happen.
void report_evictions(cache_state& st) {
  const auto total = st.l1->stats().evictions;
  if (total > st.evictions_reported) {
    event(st, "l1_eviction", static_cast<double>(total - st.evictions_reported));
    st.evictions_reported = total;
  }
}

void l2_failed(self_ptr self, const caf::error& err) {
  auto& st = self->state;
  if (st.deps.time->now() >= st.l2_down_until) {
    spdlog::warn("cache: Redis unavailable, serving from L1 and the provider: {}",
                 self->system().render(err));
  }
  st.l2_down_until = st.deps.time->now() + st.deps.l2_retry_after;
  event(st, "l2_error");
}

/// Writes an entry to L2 without waiting for it (a failed write only costs a
/// later L2 miss); skipped while L2 is not usable.
void put_l2(self_ptr self, const std::string& digest, const std::string& value,
            std::chrono::milliseconds ttl) {
  auto& st = self->state;
  if (!l2_usable(st)) {
    return;
  }
  self->request(st.deps.l2, l2_timeout(st), put_atom_v, digest, value,
                static_cast<std::int64_t>(ttl.count()))
      .then([](bool) {}, [self](const caf::error& err) { l2_failed(self, err); });
}

/// A shared (market or global) entry whose answer names someone the asking
/// lead's text does not (foreign_name) is not served: it was stored before
/// the answer check knew that name, or by another node, and would greet
/// this lead by another lead's name. The request goes on as a miss; counted
/// as bypass reason "foreign_name".
bool names_someone_else(const cache_state& st, const cache_request& req,
                        const cached_answer& entry) {
  if (has_contact(req.unit.scope) || !foreign_name(entry.text, req.question)) {
    return false;
  }
  if (st.deps.metrics) {
    st.deps.metrics->count_cache_bypass(req.unit.task, "foreign_name");
  }
  return true;
}

/// The text a request may be matched on by similarity, when it is eligible
/// for L3: the tier is there, the task has a threshold, the unit is shared
/// (market or global: PII-free and not personalised; check_request already
/// refused shared units carrying PII) and the named input exists.
std::optional<std::string> semantic_text(const cache_state& st, const cache_request& req) {
  const auto& u = req.unit;
  if (!st.deps.semantic || has_contact(u.scope) || !st.deps.semantic->eligible(u.task) ||
      (st.deps.semantic->embedding().blocking() && !st.deps.embedding)) {
    return std::nullopt;
  }
  return named_input(req);
}

/// What a request would cost with no response cache and no prompt caching:
/// its estimated input plus the answer's output, at the model's list price.
double estimated_baseline(const cache_state& st, const runtime::llm_call& call,
                          std::string_view model, std::string_view answer) {
  const auto& prices = st.deps.config->llm.prices;
  auto it = prices.find(std::string{model});
  if (it == prices.end()) {
    return 0;
  }
  llm::usage tokens;
  tokens.input_tokens = static_cast<std::int64_t>(llm::estimate_input_tokens(call.request));
  tokens.output_tokens = static_cast<std::int64_t>(llm::estimate_tokens(answer));
  return llm::baseline_cost_usd(it->second, tokens);
}

void audit(const cache_state& st, const std::string& sid, const std::string& contact,
           const std::string& task, cache::scope unit_scope, const generations& keyed,
           const cache_reply& out, double baseline_usd) {
  if (!st.deps.audit) {
    return;
  }
  cache_audit_record r;
  r.sid = sid;
  r.contact = contact;
  r.task = task;
  r.unit_scope = unit_scope;
  r.outcome = out.outcome;
  r.source_sid = out.source_sid;
  r.similarity = out.similarity;
  r.request_generation = keyed;
  r.entry_generation = out.entry_generation;
  r.cost_usd = out.answer.cost_usd;
  r.baseline_cost_usd = out.outcome == outcome::miss || out.outcome == outcome::bypass
                            ? out.answer.baseline_cost_usd
                            : baseline_usd;
  st.deps.audit(r);
}

/// Evicts from L1 what an invalidation made unreachable.
std::size_t evict(cache_state& st, const invalidation& inv) {
  switch (inv.what) {
    case invalidation::kind::global:
      return st.l1->erase_if([](std::string_view, std::span<const std::string>) { return true; });
    case invalidation::kind::market:
      return st.l1->erase_tag(market_tag(inv.market));
    case invalidation::kind::contact:
      return st.l1->erase_tag(contact_tag(inv.market, inv.contact));
    case invalidation::kind::task:
      return st.l1->erase_tag(task_tag(inv.task));
    case invalidation::kind::key:
      return st.l1->erase(inv.key) ? 1 : 0;
  }
  return 0;
}

/// Redis reported `epoch` (with a generations read or a bump). A new one means
/// Redis restarted empty: its counters started again from 0, and this node's
/// counters of the old life are forgotten (generation_table::adopt_epoch).
/// Entries of the old life are unreachable already — the epoch is part of
/// every key — so dropping L1 only frees their memory at once.
void learn_epoch(self_ptr self, std::uint64_t epoch) {
  auto& st = self->state;
  const auto before = st.gens.epoch();
  if (!st.gens.adopt_epoch(epoch)) {
    return;
  }
  const auto dropped =
      st.l1->erase_if([](std::string_view, std::span<const std::string>) { return true; });
  if (before != 0) {
    // The first epoch a node learns is no change: nothing was keyed with one.
    spdlog::warn(
        "cache: Redis restarted empty (epoch {} -> {}): counters reset, {} L1 "
        "entries dropped",
        before, epoch, dropped);
    event(st, "redis_epoch_change");
  }
}

// --- completing flights ------------------------------------------------------------

/// Delivers a hit found below L1 to everyone waiting for the key: the first
/// caller gets the tier's outcome, the others `coalesced`.
void complete_hit(self_ptr self, const fill& f, const cached_answer& entry, outcome o, tier t,
                  double similarity = 0) {
  auto& st = self->state;
  auto waiters = st.flights.complete(f.digest);
  for (std::size_t i = 0; i < waiters.size(); ++i) {
    const auto served = i == 0 ? o : outcome::coalesced;
    count(st, f.req.unit.task, served);
    observe(st, t, waiters[i].started);
    auto out = hit_reply(entry, served, f.digest, similarity);
    audit(st, waiters[i].sid, waiters[i].contact, f.req.unit.task, f.req.unit.scope,
          waiters[i].keyed, out, waiters[i].baseline_usd);
    waiters[i].promise.deliver(std::move(out));
  }
}

/// Delivers the provider's answer: the first caller gets it with its cost, the
/// others `coalesced` at no cost (one call was made, and is billed once).
void complete_miss(self_ptr self, const fill& f, const runtime::llm_answer& answer,
                   const generations& stored_under) {
  auto& st = self->state;
  auto waiters = st.flights.complete(f.digest);
  for (std::size_t i = 0; i < waiters.size(); ++i) {
    auto out = flight_reply(answer, i, f.req.source_sid, stored_under, f.digest);
    count(st, f.req.unit.task, out.outcome);
    observe(st, tier::provider, waiters[i].started);
    audit(st, waiters[i].sid, waiters[i].contact, f.req.unit.task, f.req.unit.scope,
          waiters[i].keyed, out, answer.baseline_cost_usd);
    waiters[i].promise.deliver(std::move(out));
  }
}

void complete_error(self_ptr self, const fill& f, const caf::error& err) {
  for (auto& w : self->state.flights.complete(f.digest)) {
    w.promise.deliver(err);
  }
}

// --- the miss path -------------------------------------------------------------------

/// The tier's embedder blocks (an HTTP call): vectors come from the worker.
bool remote_embedding(const cache_state& st) {
  return st.deps.semantic && st.deps.semantic->embedding().blocking();
}

/// Puts a stored answer into L3 and hands it to the writer (PostgreSQL).
void insert_l3(self_ptr self, const std::string& partition, const std::string& task,
               const std::string& text, std::vector<float> vector, const std::string& value,
               const std::string& source_sid, runtime::clock::time_point expires_at,
               runtime::clock::time_point now) {
  auto& st = self->state;
  auto stored = vector.empty() ? st.deps.semantic->insert(partition, task, text, value, source_sid,
                                                          expires_at, now)
                               : st.deps.semantic->insert(partition, task, text, std::move(vector),
                                                          value, source_sid, expires_at, now);
  if (st.deps.semantic_writer) {
    self->send(st.deps.semantic_writer, std::move(stored));
  }
}

/// Puts a stored answer into L3: at once when its vector is known or the
/// embedder is local; otherwise once the worker has embedded it.
void store_l3(self_ptr self, const fill& f, const std::string& value,
              runtime::clock::time_point now, runtime::clock::time_point expires_at) {
  auto& st = self->state;
  const auto& task = f.req.unit.task;
  if (!remote_embedding(st) || !f.vector.empty()) {
    insert_l3(self, f.partition, task, f.semantic_text, f.vector, value, f.req.source_sid,
              expires_at, now);
    return;
  }
  // Nothing was embedded for the lookup (an empty partition): embed now,
  // insert when the vector comes. A bump meanwhile moved the partition name
  // on, so a late insert can never be served stale.
  self->request(st.deps.embedding, st.deps.embed_timeout, embed_atom_v, f.semantic_text)
      .then(
          [self, partition = f.partition, task, text = f.semantic_text, value,
           sid = f.req.source_sid, expires_at](std::vector<float>& vector) {
            try {
              insert_l3(self, partition, task, text, std::move(vector), value, sid, expires_at,
                        self->state.deps.time->now());
            } catch (const std::invalid_argument& e) {
              spdlog::warn("cache: L3 insert refused: {}", e.what());
            }
          },
          [self](const caf::error& err) {
            event(self->state, "l3_embed_error");
            spdlog::debug("cache: no embedding for an L3 insert: {}", to_string(err));
          });
}

/// Stores a provider's answer in every tier, under the flight's key.
void store(self_ptr self, const fill& f, const runtime::llm_answer& answer) {
  auto& st = self->state;
  const auto& u = f.req.unit;
  if (u.generation.epoch != st.gens.epoch()) {
    // Keyed in a Redis life that ended while the provider answered: nobody
    // can ask for this key again, so storing it would only take space.
    event(st, "store_skipped_old_epoch");
    return;
  }
  const auto now = st.deps.time->now();
  const auto ttl = st.ttl->ttl(u.task, u.scope, {});
  const auto ttl_ms = std::chrono::duration_cast<std::chrono::milliseconds>(ttl);
  auto value =
      encode(entry_for(answer, f.req.source_sid, u.generation, st.deps.time->now_ms(), ttl_ms));
  put_l2(self, f.digest, value, ttl_ms);
  if (!f.partition.empty()) {
    store_l3(self, f, value, now, now + ttl);
  }
  st.l1->put(f.digest, std::move(value), now, ttl, entry_tags(u));
  report_evictions(st);
}

/// The provider answered a flight: stored when the never-cached rules allow
/// it, then delivered to every waiter.
void on_provider_answer(self_ptr self, const fill& f, const runtime::llm_answer& answer) {
  auto& st = self->state;
  const auto& u = f.req.unit;
  if (f.store) {
    const auto verdict = answer_verdict(u, answer, f.req.known_pii);
    if (verdict.cacheable()) {
      store(self, f, answer);
    } else if (st.deps.metrics) {
      st.deps.metrics->count_cache_bypass(u.task, verdict.reason);
    }
  }
  complete_miss(self, f, answer, u.generation);
}

void call_provider(self_ptr self, const fill_ptr& f) {
  auto& st = self->state;
  self->request(st.deps.gateway, gateway_timeout(st), runtime::complete_atom_v, f->req.call)
      .then([self, f](runtime::llm_answer& answer) { on_provider_answer(self, *f, answer); },
            [self, f](const caf::error& err) { complete_error(self, *f, err); });
}

/// A sampled L3 hit's fresh answer is in: does it agree with the one served?
void record_check(self_ptr self, const std::string& task, const std::string& sid,
                  const std::string& contact, const std::string& served,
                  const runtime::llm_answer& fresh) {
  auto& st = self->state;
  auto& [agree, disagree] = st.verdicts[task];
  const bool same = st.deps.semantic->answers_agree(served, fresh.response.text);
  ++(same ? agree : disagree);
  if (!same) {
    spdlog::warn("cache: a checked L3 hit for {} disagrees with a fresh answer", sid);
  }
  if (st.deps.metrics) {
    st.deps.metrics->count_l3_verification(task, same ? "agree" : "disagree",
                                           false_hit_rate(agree, disagree));
  }
  if (st.deps.audit) {
    cache_audit_record r;
    r.sid = sid;
    r.contact = contact;
    r.task = task;
    r.outcome = outcome::miss;
    r.cost_usd = fresh.cost_usd;
    r.verification = true;
    st.deps.audit(r);
  }
}

/// Asks the provider the request an L3 hit answered, in the background, and
/// compares the answers (semantic_tier::answers_agree): the estimated
/// false-hit rate. Its cost is real and is reported as such; its answer is
/// not stored (the hit's entry stays as it is).
void verify_l3(self_ptr self, const fill& f, std::string served) {
  auto& st = self->state;
  const auto every = st.deps.config->cache.semantic.verify_every;
  if (every == 0 || !sampled_for_check(st.l3_hits++, every)) {
    return;
  }
  self->request(st.deps.gateway, gateway_timeout(st), runtime::complete_atom_v, f.req.call)
      .then(
          [self, served = std::move(served), task = f.req.unit.task, sid = f.req.source_sid,
           contact = f.req.call.contact](runtime::llm_answer& fresh) {
            record_check(self, task, sid, contact, served, fresh);
          },
          [self, task = f.req.unit.task](const caf::error& err) {
            auto& st = self->state;
            spdlog::debug("cache: an L3 check failed: {}", to_string(err));
            if (st.deps.metrics) {
              const auto& [agree, disagree] = st.verdicts[task];
              st.deps.metrics->count_l3_verification(task, "error",
                                                     false_hit_rate(agree, disagree));
            }
          });
}

void lookup_l3(self_ptr self, fill_ptr f);

/// The lookup needs the request's vector from the embedding worker first.
void embed_for_l3(self_ptr self, const fill_ptr& f) {
  auto& st = self->state;
  if (st.deps.semantic->partition_size(f->partition) == 0) {
    call_provider(self, f);  // nothing to match: no embedding needed yet
    return;
  }
  self->request(st.deps.embedding, st.deps.embed_timeout, embed_atom_v, f->semantic_text)
      .then(
          [self, f](std::vector<float>& vector) {
            if (vector.empty()) {
              call_provider(self, f);
              return;
            }
            f->vector = std::move(vector);
            lookup_l3(self, f);
          },
          [self, f](const caf::error& err) {
            // An embedder outage costs L3 its hits, never an answer.
            event(self->state, "l3_embed_error");
            spdlog::debug("cache: no embedding for an L3 lookup: {}", to_string(err));
            call_provider(self, f);
          });
}

/// Serves an L3 match to the flight, back-filling the exact tiers under this
/// request's own key: the same wording is then an L1/L2 hit, and still
/// carries the entry's source.
void serve_l3(self_ptr self, const fill& f, const semantic_match& match, const cached_answer& entry,
              runtime::clock::time_point now, std::chrono::milliseconds left,
              steady::time_point started) {
  auto& st = self->state;
  st.l1->put(f.digest, match.value, now, left, entry_tags(f.req.unit));
  report_evictions(st);
  put_l2(self, f.digest, match.value, left);
  observe(st, tier::l3, started);
  if (st.deps.metrics) {
    st.deps.metrics->cache_similarity(f.req.unit.task).Observe(match.similarity);
  }
  complete_hit(self, f, entry, outcome::l3, tier::l3, match.similarity);
  verify_l3(self, f, entry.text);
}

void lookup_l3(self_ptr self, fill_ptr f) {
  auto& st = self->state;
  if (f->partition.empty()) {
    call_provider(self, f);
    return;
  }
  if (remote_embedding(st) && f->vector.empty()) {
    embed_for_l3(self, f);
    return;
  }
  const auto started = steady::now();
  const auto now = st.deps.time->now();
  auto match = f->vector.empty()
                   ? st.deps.semantic->lookup(f->partition, f->req.unit.task, f->semantic_text, now)
                   : st.deps.semantic->lookup(f->partition, f->req.unit.task, f->semantic_text,
                                              f->vector, now);
  if (!match) {
    call_provider(self, f);
    return;
  }
  auto entry = decode_answer(match->value);
  const auto left = entry ? time_left(*entry, st.deps.time->now_ms()) : std::nullopt;
  if (!left) {
    event(st, "l3_rejected");
    call_provider(self, f);
    return;
  }
  if (names_someone_else(st, f->req, *entry)) {
    call_provider(self, f);
    return;
  }
  serve_l3(self, *f, *match, *entry, now, *left, started);
}

/// L2 answered a flight's key: a servable entry is a hit (back-filled into
/// L1); anything else goes on to L3.
void on_l2_value(self_ptr self, fill_ptr f, steady::time_point started, bool found,
                 std::string& value) {
  auto& st = self->state;
  if (found) {
    auto entry = decode_answer(value);
    const auto now_ms = st.deps.time->now_ms();
    if (entry && l2_entry_servable(*entry, f->req.unit.generation, now_ms) &&
        !names_someone_else(st, f->req, *entry)) {
      st.l1->put(f->digest, std::move(value), st.deps.time->now(),
                 std::chrono::milliseconds{entry->expires_at_ms - now_ms}, entry_tags(f->req.unit));
      report_evictions(st);
      observe(st, tier::l2, started);
      complete_hit(self, *f, *entry, outcome::l2, tier::l2);
      return;
    }
    event(st, "l2_rejected");
  }
  lookup_l3(self, std::move(f));
}

void lookup_l2(self_ptr self, fill_ptr f) {
  auto& st = self->state;
  if (!l2_usable(st)) {
    if (has_l2(st)) {
      event(st, "l2_skipped");
    }
    lookup_l3(self, std::move(f));
    return;
  }
  const auto started = steady::now();
  self->request(st.deps.l2, l2_timeout(st), get_atom_v, f->digest)
      .then([self, f, started](bool found,
                               std::string& value) { on_l2_value(self, f, started, found, value); },
            [self, f](const caf::error& err) {
              l2_failed(self, err);
              lookup_l3(self, f);
            });
}

/// A request the never-cached rules (or unverifiable generations) keep out of
/// the cache: one provider call, nothing looked up, nothing stored.
caf::result<cache_reply> call_through(self_ptr self, cache_request req, outcome o,
                                      steady::time_point started) {
  auto& st = self->state;
  auto rp = self->make_response_promise<cache_reply>();
  const auto task = req.unit.task;
  // Taken before the call is moved into the request: the audit names the lead.
  auto contact = req.call.contact;
  self->request(st.deps.gateway, gateway_timeout(st), runtime::complete_atom_v, std::move(req.call))
      .then(
          [self, rp, task, o, started, sid = req.source_sid, contact = std::move(contact),
           unit_scope = req.unit.scope,
           keyed = req.unit.generation](runtime::llm_answer& answer) mutable {
            auto& st = self->state;
            count(st, task, o);
            observe(st, tier::provider, started);
            cache_reply out;
            out.answer = std::move(answer);
            out.outcome = o;
            audit(st, sid, contact, task, unit_scope, keyed, out, out.answer.baseline_cost_usd);
            rp.deliver(std::move(out));
          },
          [rp](const caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

// --- invalidation --------------------------------------------------------------------

void schedule_replay(self_ptr self) {
  self->delayed_send(self, self->state.deps.l2_retry_after, runtime::tick_atom_v);
}

/// The last answer of a replay is in: anything left (a failed bump, or one
/// made meanwhile) is tried again after the back-off.
void replay_done(self_ptr self) {
  auto& st = self->state;
  st.replaying_bumps = false;
  if (bumps_pending(st)) {
    schedule_replay(self);
  } else {
    spdlog::info("cache: Redis is back; offline invalidations replayed");
  }
}

void replay_bumps(self_ptr self) {
  auto& st = self->state;
  if (st.replaying_bumps || !bumps_pending(st) || !has_l2(st) ||
      st.deps.time->now() < st.l2_down_until) {
    return;
  }
  st.replaying_bumps = true;
  auto pending = std::make_shared<std::vector<generation_table::pending_bump>>(
      std::exchange(st.unreplayed, {}));
  for (auto& b : st.gens.take_pending()) {
    pending->push_back(std::move(b));
  }
  auto left = std::make_shared<std::size_t>(pending->size());
  for (const auto& b : *pending) {
    self->request(st.deps.l2, l2_timeout(st), bump_atom_v, b.scope, b.market, b.contact, b.task)
        .then(
            [self, b, left](std::uint64_t value, std::uint64_t epoch) {
              auto& st = self->state;
              // Replayed into whatever Redis life is current: a bump made
              // offline may postdate a restart, so it still has to
              // invalidate what other nodes cached since.
              learn_epoch(self, epoch);
              st.gens.advance(b.scope, b.market, b.contact, b.task, value);
              if (--*left == 0) {
                replay_done(self);
              }
            },
            [self, b, left](const caf::error& err) {
              auto& st = self->state;
              // Still down: keep the bump (already counted here) for the
              // next attempt, which comes by itself: no request may ever
              // come to trigger it, and other nodes read Redis.
              st.unreplayed.push_back(b);
              l2_failed(self, err);
              if (--*left == 0) {
                replay_done(self);
              }
            });
  }
}

// --- the handlers ----------------------------------------------------------------------

/// Settles the request's model and generations before its key is built: the
/// router picks the model when the caller did not, and the key names it (so
/// the gateway must not route elsewhere); a generation older than one this
/// node knows is never keyed with.
void settle_unit(self_ptr self, cache_request& req) {
  auto& st = self->state;
  auto& u = req.unit;
  if (req.call.task.empty()) {
    req.call.task = u.task;
  }
  if (u.model.empty()) {
    u.model = st.router->route(u.task, llm::estimate_input_tokens(req.call.request));
  }
  req.call.request.model = u.model;
  if (st.gens.epoch() == 0) {
    // Not heard from Redis yet, but the caller has: take its epoch
    // (generation_table::upgrade would too; this also frees L1).
    learn_epoch(self, u.generation.epoch);
  }
  const auto known = st.gens.upgrade(u.market_id, u.contact_id, u.task, u.generation);
  if (known != u.generation) {
    // The caller's snapshot is older than an invalidation this node has
    // seen, or from a Redis life that has ended.
    if (snapshot_outdated(known, u.generation)) {
      event(st, "generation_upgrade");
    }
    u.generation = known;
  }
}

/// The never-cached rules keep the request out of the cache (counted by reason).
bool bypassed(cache_state& st, const cache_request& req) {
  const auto verdict = check_request(req.unit, req.question);
  if (!verdict.cacheable() && st.deps.metrics) {
    st.deps.metrics->count_cache_bypass(req.unit.task, verdict.reason);
  }
  return !verdict.cacheable();
}

/// An L1 hit for `digest`, if L1 holds a servable one. L1 holds answers
/// check_response let through (it refuses every name) or hits that passed
/// names_someone_else on their way up from L2 or L3 for this key; when the
/// key covers the question (`keyed_verdict`), that check's answer is this
/// one's too, and the hit path stays cheap.
std::optional<cache_reply> lookup_l1(self_ptr self, const cache_request& req, std::string& digest,
                                     bool keyed_verdict, steady::time_point started) {
  auto& st = self->state;
  const auto& u = req.unit;
  const auto* value = st.l1->get(digest, st.deps.time->now());
  if (value == nullptr) {
    return std::nullopt;
  }
  auto entry = decode_answer(*value);
  if (!entry || (!keyed_verdict && names_someone_else(st, req, *entry))) {
    st.l1->erase(digest);
    return std::nullopt;
  }
  count(st, u.task, outcome::l1);
  observe(st, tier::l1, started);
  auto out = hit_reply(*entry, outcome::l1, std::move(digest));
  if (st.deps.audit) {
    audit(st, req.source_sid, req.call.contact, u.task, u.scope, u.generation, out,
          estimated_baseline(st, req.call, entry->model, entry->text));
  }
  return out;
}

/// Waits for the key's flight when one is in the air (single flight), or
/// starts one: L2, then L3, then the provider.
caf::result<cache_reply> join_or_fill(self_ptr self, cache_request req, std::string digest,
                                      steady::time_point started) {
  auto& st = self->state;
  auto rp = self->make_response_promise<cache_reply>();
  waiter w{rp, started, req.source_sid, req.call.contact, req.unit.generation, 0};
  if (st.deps.audit) {
    // A hit or coalesced wait saves about what this request would cost.
    w.baseline_usd = estimated_baseline(st, req.call, req.unit.model, {});
  }
  if (st.flights.join(digest, std::move(w))) {
    return rp;  // a call for this key is in flight: wait for its answer
  }
  auto f = std::make_shared<fill>();
  f->digest = std::move(digest);
  if (auto text = semantic_text(st, req)) {
    f->partition = partition(req.unit, req.semantic_input);
    f->semantic_text = std::move(*text);
  }
  f->req = std::move(req);
  lookup_l2(self, std::move(f));
  return rp;
}

caf::result<cache_reply> on_lookup(self_ptr self, cache_request& req) {
  auto& st = self->state;
  const auto started = steady::now();
  settle_unit(self, req);
  // Most of an L1 hit's own cost would be the never-cached rules. When their
  // verdict follows from the key, an entry under this key was stored by a
  // request they let through, so an L1 hit skips them.
  const bool keyed_verdict = verdict_follows_key(req.unit, req.question);
  if (!keyed_verdict && bypassed(st, req)) {
    return call_through(self, std::move(req), outcome::bypass, started);
  }
  if (has_l2(st) && !req.generations_verified && has_contact(req.unit.scope)) {
    // Redis could not confirm this lead's generation: another node may have
    // changed the lead. Serve nothing cached, store nothing.
    event(st, "unverified_generations");
    return call_through(self, std::move(req), outcome::miss, started);
  }
  auto digest = key_digest(req.unit);
  if (auto hit = lookup_l1(self, req, digest, keyed_verdict, started)) {
    return std::move(*hit);
  }
  if (keyed_verdict && bypassed(st, req)) {
    return call_through(self, std::move(req), outcome::bypass, started);
  }
  return join_or_fill(self, std::move(req), std::move(digest), started);
}

caf::result<generations, bool> on_generations(self_ptr self, const std::string& market,
                                              const std::string& contact, const std::string& task) {
  auto& st = self->state;
  if (!has_l2(st)) {
    return caf::result<generations, bool>{st.gens.get(market, contact, task), true};
  }
  if (!l2_usable(st)) {
    replay_bumps(self);
    return caf::result<generations, bool>{st.gens.get(market, contact, task), false};
  }
  if (auto local = st.sync->lookup(steady::now(), market, contact, task)) {
    event(st, "generations_local");
    learn_epoch(self, local->epoch);
    return caf::result<generations, bool>{st.gens.merge(market, contact, task, *local), true};
  }
  event(st, "generations_redis_read");
  const auto ticket = st.sync->begin_read();
  auto rp = self->make_response_promise<generations, bool>();
  self->request(st.deps.l2, l2_timeout(st), generations_atom_v, market, contact, task)
      .then(
          [self, rp, market, contact, task, ticket](const generations& g,
                                                    std::uint64_t seq) mutable {
            auto& st = self->state;
            learn_epoch(self, g.epoch);
            const auto was = st.sync->current();
            if (!st.sync->read(ticket, market, contact, task, g, seq)) {
              event(st, "generations_sync_reset_by_read");
            } else if (was != st.sync->current()) {
              event(st, "generations_synced");
            }
            rp.deliver(st.gens.merge(market, contact, task, g), true);
          },
          [self, rp, market, contact, task](const caf::error& err) mutable {
            l2_failed(self, err);
            rp.deliver(self->state.gens.get(market, contact, task), false);
          });
  return rp;
}

/// Bumps the counter in Redis (INCR + PUBLISH); offline when Redis fails.
caf::result<std::uint64_t> bump_in_redis(self_ptr self, const std::string& scope,
                                         const std::string& market, const std::string& contact,
                                         const std::string& task) {
  auto& st = self->state;
  auto rp = self->make_response_promise<std::uint64_t>();
  self->request(st.deps.l2, l2_timeout(st), bump_atom_v, scope, market, contact, task)
      .then(
          [self, rp, scope, market, contact, task](std::uint64_t value,
                                                   std::uint64_t epoch) mutable {
            // A bump on a Redis that restarted empty must not leave this node
            // max-merging the new value into old-life counters.
            learn_epoch(self, epoch);
            self->state.gens.advance(scope, market, contact, task, value);
            rp.deliver(value);
          },
          [self, rp, scope, market, contact, task](const caf::error& err) mutable {
            l2_failed(self, err);
            rp.deliver(self->state.gens.bump_offline(scope, market, contact, task));
            schedule_replay(self);
          });
  return rp;
}

caf::result<std::uint64_t> on_bump(self_ptr self, const std::string& scope,
                                   const std::string& market, const std::string& contact,
                                   const std::string& task) {
  auto& st = self->state;
  const auto kind = parse_invalidation_kind(scope);
  if (!kind || *kind == invalidation::kind::key) {  // a key has no counter: erase it
    return make_error(cache_errc::bad_request, "unknown scope \"" + scope + "\"");
  }
  invalidation inv;
  inv.what = *kind;
  inv.market = market;
  inv.contact = contact;
  inv.task = task;
  // This node stops serving the old entries before anything else happens.
  event(st, "l1_invalidated", static_cast<double>(evict(st, inv)));
  event(st, "invalidation_" + scope);
  if (!has_l2(st)) {
    const auto next = next_local_generation(*kind, st.gens.get(market, contact, task));
    st.gens.advance(scope, market, contact, task, next);
    return next;
  }
  if (!l2_usable(st)) {
    const auto next = st.gens.bump_offline(scope, market, contact, task);
    schedule_replay(self);
    return next;
  }
  return bump_in_redis(self, scope, market, contact, task);
}

caf::result<bool> on_erase(self_ptr self, const std::string& key) {
  auto& st = self->state;
  const bool local = st.l1->erase(key);
  event(st, "invalidation_key");
  if (!l2_usable(st)) {
    return local;
  }
  auto rp = self->make_response_promise<bool>();
  self->request(st.deps.l2, l2_timeout(st), erase_atom_v, key)
      .then([rp, local](bool existed) mutable { rp.deliver(local || existed); },
            [self, rp, local](const caf::error& err) mutable {
              l2_failed(self, err);
              rp.deliver(local);
            });
  return rp;
}

/// An invalidation from the pub/sub channel: learn the counter, evict L1.
void on_invalidate(self_ptr self, const std::string& payload) {
  auto& st = self->state;
  auto inv = decode(payload);
  if (!inv) {
    event(st, "invalidation_malformed");
    return;
  }
  if (inv->what != invalidation::kind::key) {
    // A sequenced message names its Redis life; the channel delivers in
    // order, so it is the current one.
    learn_epoch(self, inv->epoch);
    st.gens.advance(to_string(inv->what), inv->market, inv->contact, inv->task, inv->generation);
  }
  switch (st.sync->message(*inv)) {
    case generation_sync::effect::gap:
      event(st, "generations_sync_gap");
      break;
    case generation_sync::effect::epoch_change:
      event(st, "generations_sync_epoch_change");
      break;
    case generation_sync::effect::unsequenced:
      event(st, "generations_sync_unsequenced");
      break;
    default:
      break;
  }
  event(st, "pubsub_eviction", static_cast<double>(evict(st, *inv)));
}

void on_tick(self_ptr self) {
  replay_bumps(self);
  // A replay under way reschedules itself if it fails.
  if (!self->state.replaying_bumps && bumps_pending(self->state)) {
    schedule_replay(self);
  }
}

cache_actor::behavior_type llm_cache(self_ptr self, cache_deps deps) {
  auto& st = self->state;
  st.deps = std::move(deps);
  const auto& cfg = *st.deps.config;
  st.l1 = std::make_unique<l1_store>(cfg.cache.l1_max_bytes);
  st.ttl = std::make_unique<ttl_policy>(ttl_policy::from_settings(cfg.cache));
  st.router = st.deps.router ? st.deps.router : std::make_shared<const llm::model_router>(cfg.llm);
  st.sync = std::make_unique<generation_sync>(st.deps.trust_window);
  self->set_down_handler([](const caf::down_msg&) {});
  return {
      [self](lookup_atom, cache_request& req) { return on_lookup(self, req); },
      [self](generations_atom, std::string& market, std::string& contact, std::string& task) {
        return on_generations(self, market, contact, task);
      },
      [self](bump_atom, std::string& scope, std::string& market, std::string& contact,
             std::string& task) { return on_bump(self, scope, market, contact, task); },
      [self](erase_atom, std::string& key) { return on_erase(self, key); },
      [self](invalidate_atom, const std::string& payload) { on_invalidate(self, payload); },
      [self](subscribed_atom, bool up) {
        // Messages may have been lost while away: the copy starts over.
        self->state.sync->subscribed(up);
        event(self->state, up ? "pubsub_connected" : "pubsub_disconnected");
      },
      [self](subscribed_atom, std::int64_t ping_sent_ns) {
        self->state.sync->fence(steady::time_point{std::chrono::nanoseconds{ping_sent_ns}});
      },
      [self](runtime::tick_atom) { on_tick(self); },
  };
}

}  // namespace

cache_actor spawn_cache(caf::actor_system& sys, cache_deps deps) {
  return sys.spawn(llm_cache, std::move(deps));
}

}  // namespace openhouse::cache
