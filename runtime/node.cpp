#include "runtime/node.hpp"

#include "cache/llm_cache.hpp"
#include "core/shutdown_signal.hpp"
#include "integrations/http/routes.hpp"
#include "integrations/http/server.hpp"
#include "integrations/postgres/outbox.hpp"
#include "integrations/postgres/store.hpp"
#include "runtime/actor_bridge.hpp"
#include "runtime/drain_timing.hpp"
#include "runtime/follow_up_worker.hpp"
#include "runtime/http_limits.hpp"
#include "runtime/node_parts.hpp"
#include "runtime/outbox_worker.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <atomic>
#include <ostream>

namespace openhouse::runtime {

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

namespace {

/// Long-lived actors carrying the HTTP front's requests; each only sends a
/// request and runs a callback, so two keep up with the 2-core scheduler.
constexpr std::size_t bridge_actors = 2;

/// What `serve` runs besides node_parts: the senders of the outbox rows and
/// the follow-up writer.
struct serve_workers {
  outbox_actor outbox;
  follow_up_actor follow_ups;  ///< unset unless follow_up.enabled

  void stop() const {
    if (follow_ups) caf::anon_send_exit(follow_ups, caf::exit_reason::user_shutdown);
    if (outbox) caf::anon_send_exit(outbox, caf::exit_reason::user_shutdown);
  }
};

/// Start storage: migrations first, so no actor meets an old schema.
bool start_storage(const config::market_config& cfg, std::ostream& out) {
  return run_migrate(cfg, out, std::cerr) == 0;
}

/// Start the workers `serve` adds to node_parts (cache, bots, conversations).
serve_workers start_workers(caf::actor_system& sys, const node_parts& parts) {
  serve_workers w;
  // Sends the outbox rows replies write (REST mode, CRM calls); it also polls,
  // so rows a crashed node left are sent after a restart (by any node).
  w.outbox = spawn_outbox_worker(sys, outbox_deps{parts.config, parts.time, parts.metrics});
  // Follow-ups to leads who left the bot unanswered (follow_up.enabled, which
  // the loader allows only in REST mode): written by this worker on its own
  // poll, sent by the outbox worker it wakes.
  if (parts.config->follow_up.enabled) {
    w.follow_ups = spawn_follow_up_worker(
        sys, follow_up_deps{parts.config, parts.time, parts.zone, parts.metrics, w.outbox, true});
  }
  return w;
}

/// The HTTP front's dependencies: each hands its request to an actor over
/// the node's bridge (no actor spawned per request) and answers through the
/// route's callback.
http::front_deps front_deps_of(std::shared_ptr<actor_bridge> bridge, const node_parts& parts,
                               const serve_workers& workers,
                               std::shared_ptr<const std::atomic<bool>> draining) {
  const auto& cfg = *parts.config;
  http::front_deps front;
  front.config = parts.config;
  front.time = parts.time;
  front.metrics = parts.metrics;
  front.draining = std::move(draining);
  const auto deadline = turn_deadline(cfg);
  const auto outbox = workers.outbox;
  // Without REST sends or a CRM no turn writes outbox rows; waking the worker
  // after each would only run its claim query against PostgreSQL.
  const bool wake_outbox = postgres::replies_queue_rows(postgres::outbox_policy_of(cfg));
  front.submit_sms = [bridge, router = parts.router, deadline, outbox, wake_outbox](
                         inbound_sms msg, std::function<void(http::submit_outcome)> done) {
    bridge->request(
        router, deadline,
        [done, outbox, wake_outbox](const turn_result& r) {
          // The reply (and its outbox rows) is committed: send now.
          if (wake_outbox && !r.duplicate) {
            caf::anon_send(outbox, tick_atom_v);
          }
          done(r);
        },
        [done](const caf::error& e) { done(unexpected{to_string(e)}); }, std::move(msg));
  };
  front.submit_crm = [bridge, router = parts.router, deadline](
                         crm_event ev, std::function<void(http::crm_outcome)> done) {
    bridge->request(
        router, deadline, [done](const crm_result& r) { done(r); },
        [done](const caf::error& e) { done(unexpected{to_string(e)}); }, std::move(ev));
  };
  front.check_ready = [bridge, health = parts.health](std::function<void(http::readiness)> done) {
    bridge->request(
        health, std::chrono::seconds{3},
        [done](bool redis_ok, bool pg_ok, std::string& redis_error) {
          done({redis_ok, pg_ok, std::move(redis_error)});
        },
        [done](const caf::error&) {
          done({false, false, "the health probe did not answer"});
        },
        ping_atom_v);
  };
  front.invalidate_cache = [bridge, cache = parts.cache, market = cfg.market.id](
                               const http::cache_invalidation& inv,
                               std::function<void(http::invalidation_outcome)> done) {
    const auto timeout = std::chrono::seconds{5};
    const auto fail = [done](const caf::error& e) { done(unexpected{to_string(e)}); };
    if (inv.scope == "key") {
      bridge->request(
          cache, timeout,
          [done](bool existed) {
            done(http::invalidation_done{0, existed});
          },
          fail, cache::erase_atom_v, inv.key);
      return;
    }
    bridge->request(
        cache, timeout,
        [done](std::uint64_t generation) {
          done(http::invalidation_done{generation, false});
        },
        fail, cache::bump_atom_v, inv.scope, market, inv.contact, inv.task);
  };
  front.release_contact = [bridge, store = parts.store](
                              std::string contact,
                              std::function<void(bool found, std::string error)> done) {
    // The store clears the mute; the conversation reads it fresh with the
    // lead's next message, so no actor needs telling.
    bridge->request(
        store, std::chrono::seconds{5}, [done](bool found) { done(found, {}); },
        [done](const caf::error& e) { done(false, to_string(e)); }, release_atom_v,
        std::move(contact));
  };
  front.contact_transcript = [bridge, store = parts.store](
                                 std::string contact,
                                 std::function<void(agents::lead_transcript, std::string)> done) {
    bridge->request(
        store, std::chrono::seconds{5},
        [done](agents::lead_transcript& t) { done(std::move(t), {}); },
        [done](const caf::error& e) { done({}, to_string(e)); }, transcript_atom_v,
        std::move(contact));
  };
  front.record_delivery = [bridge, outbox](std::string sid, std::string status,
                                           std::function<void(bool, std::string)> done) {
    bridge->request(
        outbox, std::chrono::seconds{10}, [done](bool found) { done(found, {}); },
        [done](const caf::error& e) { done(false, to_string(e)); }, delivery_atom_v, std::move(sid),
        std::move(status));
  };
  return front;
}

/// Start HTTP: binds and prints "listening on ..."; false (said on stderr)
/// when the address cannot be bound.
bool start_http(http::server& server, const http::server_options& opts,
                const config::market_config& cfg, std::ostream& out) {
  try {
    server.start();
  } catch (const std::exception& e) {
    std::cerr << "serve: cannot listen on " << opts.address << ':' << opts.port << ": " << e.what()
              << '\n';
    return false;
  }
  out << "listening on http://" << opts.address << ':' << server.port() << std::endl;
  spdlog::info("serving market '{}' on port {}", cfg.market.id, server.port());
  return true;
}

/// Drain after signal `sig`: out of rotation first (/readyz fails at once,
/// answers close their connections) while the node keeps serving for the
/// drain delay, then the listener closes and the turns in flight finish.
void drain(http::server& server, std::atomic<bool>& draining, const config::market_config& cfg,
           int sig) {
  const auto timing = drain_timing_of(cfg, sig);
  draining.store(true);
  server.drain();
  spdlog::info("signal {}: draining: /readyz answers 503, serving {} ms more", sig,
               timing.delay.count());
  if (timing.delay.count() > 0) {
    if (const auto again = wait_for_shutdown_signal_for(timing.delay)) {
      spdlog::info("signal {}: the rest of the drain delay is skipped", *again);
    }
  }
  spdlog::info("closing the listener; up to {} ms for the turns in flight", timing.grace.count());
  server.stop(timing.grace);
}

}  // namespace

int run_serve(std::shared_ptr<const config::market_config> cfg, std::ostream& out) {
  if (!start_storage(*cfg, out)) {
    return 1;
  }
  node_config caf_cfg;
  caf::actor_system sys{caf_cfg};
  node_options options;
  options.time = std::make_shared<system_clock>();
  options.metrics = std::make_shared<runtime::metrics>();
  options.outbox = true;
  // Start the cache, the bots and the conversations (node_parts), then the workers.
  node_parts parts{sys, cfg, std::move(options)};
  const auto workers = start_workers(sys, parts);
  auto shutdown = [&parts, &workers] {
    workers.stop();
    parts.shutdown();
  };

  auto draining = std::make_shared<std::atomic<bool>>(false);
  auto bridge = std::make_shared<actor_bridge>(sys, bridge_actors, parts.metrics);
  auto routes = http::front_routes(front_deps_of(bridge, parts, workers, draining));
  auto opts = front_server_options(cfg->server, parts.metrics);
  opts.body_limit = [routes](boost::beast::http::verb method, std::string_view target) {
    return routes->body_limit(method, target);
  };
  http::server server{opts, http::make_front(routes, parts.metrics)};
  if (!start_http(server, opts, *cfg, out)) {
    shutdown();
    return 1;
  }

  drain(server, *draining, *cfg, wait_for_shutdown_signal());
  shutdown();
  return 0;
}

}  // namespace openhouse::runtime
