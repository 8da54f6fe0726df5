#include "runtime/node.hpp"

#include "integrations/http/routes.hpp"
#include "integrations/http/server.hpp"
#include "integrations/postgres/store.hpp"
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

  conversation_deps deps;
  deps.config = cfg;
  deps.time = time;
  deps.store = spawn_store_pool(sys, cfg->storage, cfg->market.id, cfg->runtime.history_limit);
  deps.llm = gateway;
  auto router = sys.spawn(conversation_router, deps);
  auto health = spawn_health_worker(sys, cfg->storage, cfg->market.id);
  // Shutdown order: conversations first, then what they use; the ledger last
  // so that it writes the rows of the final calls.
  auto shutdown = [&] {
    for (const auto& a : {caf::actor_cast<caf::actor>(router), caf::actor_cast<caf::actor>(gateway),
                          caf::actor_cast<caf::actor>(deps.store),
                          caf::actor_cast<caf::actor>(workers),
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
