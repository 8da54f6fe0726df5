#pragma once

#include "cache/embedding_worker.hpp"
#include "cache/generation_sync.hpp"
#include "cache/l2_worker.hpp"
#include "cache/semantic_writer.hpp"
#include "config/market.hpp"
#include "core/cache_messages.hpp"
#include "core/clock.hpp"
#include "core/gateway_actor.hpp"
#include "core/metrics.hpp"
#include "core/type_ids.hpp"
#include "integrations/llm/model_router.hpp"

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace openhouse::cache {

class semantic_tier;

/// The shared LLM cache (DESIGN.md "Cache semantics"): the only path from the
/// bots to the gateway.
///
/// - lookup(request) -> reply: the unit's key is built from the request; L1
///   (in this actor's state), then L2 (Redis, through the L2 workers), then
///   L3 (the semantic tier, for tasks with a threshold) are asked in turn; a
///   lower hit back-fills the upper tiers; a miss calls the gateway once per
///   key however many requests wait for it (single flight), and stores the
///   answer unless the never-cached rules say otherwise.
/// - generations(market, contact, task) -> (counters, verified): the current
///   counters — `verified` — from this node's copy kept by the pub/sub
///   channel when that copy is trusted and knows them (generation_sync: no
///   Redis round trip), else read from Redis (one MGET) when it answers, else
///   this node's own knowledge, unverified. Callers put them in every unit
///   of the turn. Either verified source is current up to every bump that
///   has completed (a bump answers only after the trust window), so no node
///   serves an entry made stale by another node.
/// - bump(scope, market, contact, task) -> new value: invalidates every entry
///   depending on that counter, on every node (INCR + PUBLISH); evicts this
///   node's L1 at once. With Redis down the bump is applied locally and
///   replayed into Redis when it is back, before L2 is used again.
/// - erase(key) -> existed: drops one entry from L1 and L2.
/// - invalidate(message): an invalidation from the pub/sub channel.
/// - subscribed(up): the subscriber's connection state.
/// - subscribed(ns), a fence: the subscriber's PING sent at that steady-clock time (ns since
///   the clock's epoch) was answered: every message published before it was
///   delivered (see generation_sync).
using cache_actor = caf::typed_actor<
    caf::replies_to<lookup_atom, cache_request>::with<cache_reply>,
    caf::replies_to<generations_atom, std::string, std::string, std::string>::with<generations,
                                                                                   bool>,
    caf::replies_to<bump_atom, std::string, std::string, std::string,
                    std::string>::with<std::uint64_t>,
    caf::replies_to<erase_atom, std::string>::with<bool>,
    caf::reacts_to<invalidate_atom, std::string>, caf::reacts_to<subscribed_atom, bool>,
    caf::reacts_to<subscribed_atom, std::int64_t>, caf::reacts_to<runtime::tick_atom>>;

/// One answered cache request, as `openhouse replay --audit` reports it.
struct cache_audit_record {
  std::string sid;  ///< the message that asked
  std::string contact;
  std::string task;
  /// The unit's scope: only contact- and conversation-scoped hits can be
  /// stale for a lead (a shared unit does not read the lead's state).
  cache::scope unit_scope = cache::scope::contact;
  cache::outcome outcome = outcome::miss;
  std::string source_sid;          ///< for hits: the message whose request filled the entry
  double similarity = 0;           ///< for l3 hits
  generations request_generation;  ///< the generations the request was keyed under
  generations entry_generation;    ///< for hits: the generations the entry was stored under
  double cost_usd = 0;             ///< what this request cost (0 for hits and coalesced)
  double baseline_cost_usd =
      0;  ///< what it would cost with no response cache and no prompt caching
  /// Not a request: the background check of a sampled L3 hit (`sid` is the
  /// hit's message), reported for its cost, which is real spending.
  bool verification = false;
};

struct cache_deps {
  std::shared_ptr<const config::market_config> config;
  std::shared_ptr<const runtime::clock> time;
  runtime::gateway_actor gateway;
  /// The L2 workers; a default-constructed handle means no L2 (every
  /// generation is then this node's own and always "verified").
  l2_actor l2;
  /// The semantic tier, owned by the actor from then on; null: no L3. Its
  /// lookups run in the actor (the local embedder and an HNSW search take
  /// well under a millisecond). With a blocking embedder (embedder::blocking,
  /// the OpenAI-compatible endpoint) the actor never embeds: it asks
  /// `embedding` for the vector, and without that worker L3 stays unused.
  std::shared_ptr<semantic_tier> semantic;
  /// Embeds for a blocking embedder, off this actor; unset otherwise.
  embedding_actor embedding;
  /// How long a lookup waits for an embedding before L3 counts as a miss.
  std::chrono::milliseconds embed_timeout{2000};
  /// Persists new L3 entries (PostgreSQL), so the tier survives a restart; optional.
  semantic_writer_actor semantic_writer;
  std::shared_ptr<runtime::metrics> metrics;  ///< optional
  /// After a Redis error, L2 is left alone this long before it is tried
  /// again, so that an outage costs one timeout, not one per request.
  std::chrono::milliseconds l2_retry_after{1000};
  /// Called on the cache's thread for every answered request (replay's audit
  /// and report); must be quick. Unset in serve.
  std::function<void(const cache_audit_record&)> audit;
  /// How long after the subscriber's last fence this node still answers
  /// generations from its own copy; must not exceed the bump settle time of
  /// every node's L2 (l2_settings::settle). Zero: always read Redis.
  std::chrono::milliseconds trust_window = default_trust_window;
  /// Chooses each unit's model (it is part of the key); the node shares one
  /// with the gateway. Unset: built from `config`.
  std::shared_ptr<const llm::model_router> router;
};

cache_actor spawn_cache(caf::actor_system& sys, cache_deps deps);

}  // namespace openhouse::cache
