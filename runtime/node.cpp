#include "runtime/node.hpp"

#include "cache/cache_error.hpp"
#include "cache/invalidation.hpp"
#include "cache/l2_worker.hpp"
#include "cache/llm_cache.hpp"
#include "cache/semantic_setup.hpp"
#include "cache/semantic_writer.hpp"
#include "integrations/http/routes.hpp"
#include "integrations/http/server.hpp"
#include "integrations/postgres/store.hpp"
#include "integrations/redis/subscriber.hpp"
#include "runtime/conversation_router.hpp"
#include "runtime/health_worker.hpp"
#include "runtime/ledger_writer.hpp"
#include "runtime/llm_gateway.hpp"
#include "runtime/llm_worker.hpp"
#include "runtime/shutdown_signal.hpp"
#include "runtime/store_worker.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <ostream>

namespace openhouse::runtime {

namespace {

class node_config : public caf::actor_system_config {
public:
  node_config() {
    add_message_types<caf::id_block::openhouse>();
    // Errors render with their names ("llm: overloaded") in logs.
    add_named_errors<llm::client_errc>(llm::error_category);
    add_named_errors<store_errc>(store_error_category);
    add_named_errors<gateway_errc>(gateway_error_category);
    add_named_errors<cache::cache_errc>(cache::error_category);
    // Two cores on the reference machine: more scheduler threads only contend.
    set("scheduler.max-threads", 2);
    // CAF's own logger and console output stay quiet; the node logs with spdlog.
    set("logger.console", caf::atom("none"));
  }

private:
  // CAF 0.17.6's add_error_category<T> does not compile; this is its intent.
  template <class Enum>
  void add_named_errors(caf::atom_value category) {
    add_error_category(category, [](std::uint8_t code, caf::atom_value cat,
                                     const caf::message& context) {
      auto out = caf::to_string(cat) + ": " + std::string{to_string(static_cast<Enum>(code))};
      if (!context.empty()) {
        out += " (" + caf::to_string(context) + ")";
      }
      return out;
    });
  }
};

/// How long the front waits for a turn before answering 503 (Twilio gives up at 15 s).
std::chrono::milliseconds turn_deadline(const config::market_config& cfg) {
  return cfg.llm.timeout + std::chrono::seconds{10};
}

}  // namespace

int run_migrate(const config::market_config& cfg, std::ostream& out, std::ostream& err) {
  try {
    postgres::store db{cfg.storage.database_url, cfg.market.id};
    const int ran = db.migrate();
    out << "migrations applied: " << ran << '\n';
    return 0;
  } catch (const std::exception& e) {
    err << "migrate: " << e.what() << '\n';
    return 1;
  }
}

int run_serve(std::shared_ptr<const config::market_config> cfg, std::ostream& out) {
  if (const int rc = run_migrate(*cfg, out, std::cerr); rc != 0) {
    return rc;
  }
  node_config caf_cfg;
  caf::actor_system sys{caf_cfg};

  auto metrics = std::make_shared<runtime::metrics>();
  auto time = std::make_shared<system_clock>();
  auto workers = spawn_llm_pool(sys, cfg->llm);
  auto ledger = spawn_ledger_writer(sys, cfg->storage.database_url, cfg->market.id);
  gateway_deps gw;
  gw.config = cfg;
  gw.time = time;
  gw.zone = std::make_shared<const time_zone>(time_zone::load(cfg->market.timezone));
  gw.workers = workers;
  gw.ledger = ledger;
  gw.metrics = metrics;
  auto gateway = spawn_gateway(sys, gw);

  cache::l2_settings l2;
  l2.redis_url = cfg->storage.redis_url;
  l2.prefix = cfg->cache.redis_prefix;
  l2.timeout = cfg->cache.redis_timeout;
  cache::cache_deps cd;
  cd.config = cfg;
  cd.time = time;
  cd.gateway = gateway;
  cd.l2 = cache::spawn_l2_pool(sys, l2);
  cd.metrics = metrics;
  if ((cd.semantic = cache::make_semantic_tier(*cfg))) {
    try {
      const auto restored = cache::restore_semantic_tier(*cd.semantic, *cfg, time->now());
      spdlog::info("cache: semantic tier rebuilt with {} entries from PostgreSQL", restored);
    } catch (const std::exception& e) {
      // An empty tier only costs hits; the node still serves.
      spdlog::warn("cache: semantic entries not restored: {}", e.what());
    }
    cd.semantic_writer =
        cache::spawn_semantic_writer(sys, cfg->storage.database_url, cfg->market.id);
  }
  auto llm_cache = cache::spawn_cache(sys, cd);
  // Invalidations from every node evict this node's L1 (the generation read
  // at each turn keeps it correct even when a message is lost).
  std::unique_ptr<redis::subscriber> invalidations;
  if (auto ep = redis::parse_url(cfg->storage.redis_url); ep && cfg->cache.subscribe) {
    invalidations = std::make_unique<redis::subscriber>(
        *ep, cache::redis_keys{cfg->cache.redis_prefix}.channel(),
        [llm_cache](std::string payload) {
          caf::anon_send(llm_cache, cache::invalidate_atom_v, std::move(payload));
        },
        [llm_cache](bool up) { caf::anon_send(llm_cache, cache::subscribed_atom_v, up); });
  }

  conversation_deps deps;
  deps.config = cfg;
  deps.time = time;
  deps.store = spawn_store_pool(sys, cfg->storage, cfg->market.id, cfg->runtime.history_limit);
  deps.cache = llm_cache;
  deps.zone = gw.zone;
  deps.metrics = metrics;
  auto router = sys.spawn(conversation_router, deps);
  auto health = spawn_health_worker(sys, cfg->storage, cfg->market.id);
  // Shutdown order: conversations first, then what they use; the ledger last
  // so that it writes the rows of the final calls.
  auto shutdown = [&] {
    if (invalidations) {
      invalidations->stop();
    }
    for (const auto& a :
         {caf::actor_cast<caf::actor>(router), caf::actor_cast<caf::actor>(llm_cache),
          caf::actor_cast<caf::actor>(cd.l2), caf::actor_cast<caf::actor>(cd.semantic_writer),
          caf::actor_cast<caf::actor>(gateway),
          caf::actor_cast<caf::actor>(deps.store), caf::actor_cast<caf::actor>(workers),
          caf::actor_cast<caf::actor>(health), caf::actor_cast<caf::actor>(ledger)}) {
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    }
  };

  http::front_deps front;
  front.config = cfg;
  front.time = deps.time;
  front.metrics = metrics;
  const auto deadline = turn_deadline(*cfg);
  front.submit_sms = [&sys, router, deadline](inbound_sms msg,
                                              std::function<void(http::submit_outcome)> done) {
    // A short-lived actor bridges the I/O thread and the router: the I/O
    // thread never waits, and the answer comes back through `done`.
    sys.spawn([router, deadline, msg = std::move(msg),
               done = std::move(done)](caf::event_based_actor* self) mutable {
      self->request(router, deadline, std::move(msg))
          .then(
              [done](const turn_result& r) { done({true, r, {}}); },
              [done](const caf::error& e) { done({false, {}, to_string(e)}); });
    });
  };
  front.check_ready = [&sys, health](std::function<void(http::readiness)> done) {
    sys.spawn([health, done = std::move(done)](caf::event_based_actor* self) {
      self->request(health, std::chrono::seconds{3}, ping_atom_v)
          .then([done](bool redis_ok, bool pg_ok) { done({redis_ok, pg_ok}); },
                [done](const caf::error&) { done({false, false}); });
    });
  };

  front.invalidate_cache = [&sys, llm_cache, market = cfg->market.id](
                               http::cache_invalidation inv,
                               std::function<void(http::invalidation_outcome)> done) {
    sys.spawn([llm_cache, market, inv = std::move(inv),
               done = std::move(done)](caf::event_based_actor* self) {
      const auto timeout = std::chrono::seconds{5};
      auto fail = [done](const caf::error& e) { done({false, 0, false, to_string(e)}); };
      if (inv.scope == "key") {
        self->request(llm_cache, timeout, cache::erase_atom_v, inv.key)
            .then([done](bool existed) { done({true, 0, existed, {}}); }, fail);
        return;
      }
      self->request(llm_cache, timeout, cache::bump_atom_v, inv.scope, market, inv.contact,
                    inv.task)
          .then([done](std::uint64_t generation) { done({true, generation, false, {}}); }, fail);
    });
  };

  http::server_options opts;
  opts.address = cfg->server.bind_address;
  opts.port = cfg->server.port;
  opts.io_threads = cfg->server.io_threads;
  opts.max_body_bytes = cfg->server.max_body_bytes;
  http::server server{opts, http::make_front(std::move(front))};
  try {
    server.start();
  } catch (const std::exception& e) {
    std::cerr << "serve: cannot listen on " << opts.address << ':' << opts.port << ": " << e.what()
              << '\n';
    shutdown();
    return 1;
  }
  out << "listening on http://" << opts.address << ':' << server.port() << std::endl;
  spdlog::info("serving market '{}' on port {}", cfg->market.id, server.port());

  const int sig = wait_for_shutdown_signal();
  spdlog::info("signal {}: finishing in-flight requests", sig);
  server.stop(std::chrono::seconds{10});

  shutdown();
  return 0;
}

}  // namespace openhouse::runtime
