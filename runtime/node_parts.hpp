#pragma once

#include "cache/llm_cache.hpp"
#include "config/market.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/time_zone.hpp"
#include "runtime/bot.hpp"
#include "runtime/conversation_router.hpp"
#include "runtime/health_worker.hpp"
#include "runtime/ledger_writer.hpp"
#include "runtime/llm_gateway.hpp"
#include "runtime/llm_worker.hpp"
#include "runtime/orphan_worker.hpp"
#include "runtime/store_worker.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/fwd.hpp>

#include <functional>
#include <memory>

namespace openhouse::redis {
class subscriber;
}

namespace openhouse::runtime {

/// The actor system configuration of a node: the openhouse type IDs, named
/// error categories, two scheduler threads, CAF's own logging off.
class node_config : public caf::actor_system_config {
 public:
  node_config();
};

/// What a node's actors are started with besides the market file: `serve`
/// passes the system clock, `replay` a manual (virtual) one and an audit sink.
struct node_options {
  std::shared_ptr<const clock> time;          ///< required
  std::shared_ptr<runtime::metrics> metrics;  ///< required
  /// Called for every answered cache request (see cache_deps::audit); unset in serve.
  std::function<void(const cache::cache_audit_record&)> audit;
  /// Rebuild the semantic tier from PostgreSQL at start. Replay turns it off
  /// so that a run starts from a clean cache.
  bool restore_semantic = true;
  /// Replies write their outbox rows (REST SMS, CRM writes) per the market's
  /// config. `serve` turns it on and runs the outbox worker; replay has no
  /// Twilio nor CRM and leaves it off, so no row waits for a sender.
  bool outbox = false;
};

/// Every actor of a node except the HTTP front, wired the one way both
/// `serve` and `replay` use: LLM workers → gateway (+ ledger) → cache (L1, L2
/// workers, L3 + its writer, pub/sub invalidations) → the three bots →
/// conversation router (+ store workers), and the health worker. Not copyable; shutdown() (also
/// run by the destructor) stops them in dependency order.
class node_parts {
 public:
  node_parts(caf::actor_system& sys, std::shared_ptr<const config::market_config> cfg,
             node_options options);
  ~node_parts();
  node_parts(const node_parts&) = delete;
  node_parts& operator=(const node_parts&) = delete;

  /// Stops the invalidation subscriber and sends every actor an exit,
  /// conversations first and the ledger last (so it writes the final calls'
  /// rows). Idempotent.
  void shutdown();

  std::shared_ptr<const config::market_config> config;
  std::shared_ptr<const clock> time;
  std::shared_ptr<runtime::metrics> metrics;
  std::shared_ptr<const time_zone> zone;  ///< the market's
  /// The model router the gateway and the cache share.
  std::shared_ptr<const llm::model_router> models;
  llm_actor workers;
  ledger_actor ledger;
  gateway_actor gateway;
  budget_store_actor budget_store;  ///< the fleet's daily LLM spending, in Redis
  cache::l2_actor l2;
  cache::semantic_writer_actor semantic_writer;
  cache::embedding_actor embedding;  ///< set only for a blocking (remote) embedder
  cache::cache_actor cache;
  bot_team bots;  ///< Lead, Buyer and Seller
  store_actor store;
  router_actor router;
  health_actor health;
  orphan_actor orphans;  ///< turns a crash cut off (serve only: options.outbox)

 private:
  /// LLM workers, ledger, budget store and gateway.
  void start_llm(caf::actor_system& sys);
  /// L2 workers, the semantic tier and its writer, the cache, and the
  /// invalidation subscriber; takes `options.audit`.
  void start_cache(caf::actor_system& sys, node_options& options);
  /// Store workers, the bots and the conversation router.
  void start_conversations(caf::actor_system& sys, const node_options& options);

  std::unique_ptr<redis::subscriber> invalidations_;
  bool stopped_ = false;
};

/// How long a caller waits for one turn (Twilio gives up at 15 s).
[[nodiscard]] std::chrono::milliseconds turn_deadline(const config::market_config& cfg);

}  // namespace openhouse::runtime
