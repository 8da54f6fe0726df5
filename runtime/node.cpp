#include "runtime/node.hpp"

#include "cache/llm_cache.hpp"
#include "integrations/http/routes.hpp"
#include "integrations/http/server.hpp"
#include "integrations/postgres/outbox.hpp"
#include "integrations/postgres/store.hpp"
#include "runtime/drain_timing.hpp"
#include "runtime/follow_up_worker.hpp"
#include "runtime/node_parts.hpp"
#include "runtime/outbox_worker.hpp"
#include "runtime/shutdown_signal.hpp"

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

int run_serve(std::shared_ptr<const config::market_config> cfg, std::ostream& out) {
  if (const int rc = run_migrate(*cfg, out, std::cerr); rc != 0) {
    return rc;
  }
  node_config caf_cfg;
  caf::actor_system sys{caf_cfg};

  node_options options;
  options.time = std::make_shared<system_clock>();
  options.metrics = std::make_shared<runtime::metrics>();
  options.outbox = true;
  node_parts parts{sys, cfg, std::move(options)};
  // Sends the outbox rows replies write (REST mode, CRM calls); it also polls,
  // so rows a crashed node left are sent after a restart (by any node).
  auto outbox = spawn_outbox_worker(sys, outbox_deps{cfg, parts.time, parts.metrics});
  // Follow-ups to leads who left the bot unanswered (follow_up.enabled, which
  // the loader allows only in REST mode): written by this worker on its own
  // poll, sent by the outbox worker it wakes.
  follow_up_actor follow_ups;
  if (cfg->follow_up.enabled) {
    follow_ups = spawn_follow_up_worker(
        sys, follow_up_deps{cfg, parts.time, parts.zone, parts.metrics, outbox, true});
  }
  auto router = parts.router;
  auto health = parts.health;
  auto llm_cache = parts.cache;
  auto metrics = parts.metrics;
  auto shutdown = [&parts, outbox, follow_ups] {
    if (follow_ups) caf::anon_send_exit(follow_ups, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(outbox, caf::exit_reason::user_shutdown);
    parts.shutdown();
  };

  http::front_deps front;
  front.config = cfg;
  front.time = parts.time;
  front.metrics = metrics;
  const auto deadline = turn_deadline(*cfg);
  // Without REST sends or a CRM no turn writes outbox rows; waking the worker
  // after each would only run its claim query against PostgreSQL.
  const bool wake_outbox = postgres::replies_queue_rows(postgres::outbox_policy_of(*cfg));
  front.submit_sms = [&sys, router, deadline, outbox, wake_outbox](
                         inbound_sms msg, std::function<void(http::submit_outcome)> done) {
    // A short-lived actor bridges the I/O thread and the router: the I/O
    // thread never waits, and the answer comes back through `done`.
    sys.spawn([router, deadline, outbox, wake_outbox, msg = std::move(msg),
               done = std::move(done)](caf::event_based_actor* self) mutable {
      self->request(router, deadline, std::move(msg))
          .then(
              [done, outbox, wake_outbox](const turn_result& r) {
                // The reply (and its outbox rows) is committed: send now.
                if (wake_outbox && !r.duplicate) {
                  caf::anon_send(outbox, tick_atom_v);
                }
                done(r);
              },
              [done](const caf::error& e) { done(unexpected{to_string(e)}); });
    });
  };
  front.submit_crm = [&sys, router, deadline](crm_event ev,
                                              std::function<void(http::crm_outcome)> done) {
    sys.spawn([router, deadline, ev = std::move(ev),
               done = std::move(done)](caf::event_based_actor* self) mutable {
      self->request(router, deadline, std::move(ev))
          .then([done](const crm_result& r) { done(r); },
                [done](const caf::error& e) { done(unexpected{to_string(e)}); });
    });
  };
  front.check_ready = [&sys, health](std::function<void(http::readiness)> done) {
    sys.spawn([health, done = std::move(done)](caf::event_based_actor* self) {
      self->request(health, std::chrono::seconds{3}, ping_atom_v)
          .then(
              [done](bool redis_ok, bool pg_ok, std::string& redis_error) {
                done({redis_ok, pg_ok, std::move(redis_error)});
              },
              [done](const caf::error&) {
                done({false, false, "the health probe did not answer"});
              });
    });
  };
  auto draining = std::make_shared<std::atomic<bool>>(false);
  front.draining = draining;

  front.invalidate_cache = [&sys, llm_cache, market = cfg->market.id](
                               http::cache_invalidation inv,
                               std::function<void(http::invalidation_outcome)> done) {
    sys.spawn([llm_cache, market, inv = std::move(inv),
               done = std::move(done)](caf::event_based_actor* self) {
      const auto timeout = std::chrono::seconds{5};
      auto fail = [done](const caf::error& e) { done(unexpected{to_string(e)}); };
      if (inv.scope == "key") {
        self->request(llm_cache, timeout, cache::erase_atom_v, inv.key)
            .then(
                [done](bool existed) {
                  done(http::invalidation_done{0, existed});
                },
                fail);
        return;
      }
      self->request(llm_cache, timeout, cache::bump_atom_v, inv.scope, market, inv.contact,
                    inv.task)
          .then(
              [done](std::uint64_t generation) {
                done(http::invalidation_done{generation, false});
              },
              fail);
    });
  };

  front.release_contact = [&sys, store = parts.store](
                              std::string contact,
                              std::function<void(bool found, std::string error)> done) {
    sys.spawn([store, contact = std::move(contact),
               done = std::move(done)](caf::event_based_actor* self) {
      // The store clears the mute; the conversation reads it fresh with the
      // lead's next message, so no actor needs telling.
      self->request(store, std::chrono::seconds{5}, release_atom_v, contact)
          .then([done](bool found) { done(found, {}); },
                [done](const caf::error& e) { done(false, to_string(e)); });
    });
  };

  front.contact_transcript = [&sys, store = parts.store](
                                 std::string contact,
                                 std::function<void(agents::lead_transcript, std::string)> done) {
    sys.spawn([store, contact = std::move(contact),
               done = std::move(done)](caf::event_based_actor* self) {
      self->request(store, std::chrono::seconds{5}, transcript_atom_v, contact)
          .then([done](agents::lead_transcript& t) { done(std::move(t), {}); },
                [done](const caf::error& e) { done({}, to_string(e)); });
    });
  };

  front.record_delivery = [&sys, outbox](std::string sid, std::string status,
                                         std::function<void(bool, std::string)> done) {
    sys.spawn([outbox, sid = std::move(sid), status = std::move(status),
               done = std::move(done)](caf::event_based_actor* self) {
      self->request(outbox, std::chrono::seconds{10}, delivery_atom_v, sid, status)
          .then([done](bool found) { done(found, {}); },
                [done](const caf::error& e) { done(false, to_string(e)); });
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
  const auto drain = drain_timing_of(*cfg, sig);
  // Out of rotation first: /readyz fails at once, answers close their
  // connections, and the node keeps serving while the balancer notices.
  draining->store(true);
  server.drain();
  spdlog::info("signal {}: draining: /readyz answers 503, serving {} ms more", sig,
               drain.delay.count());
  if (drain.delay.count() > 0) {
    if (const auto again = wait_for_shutdown_signal_for(drain.delay)) {
      spdlog::info("signal {}: the rest of the drain delay is skipped", *again);
    }
  }
  spdlog::info("closing the listener; up to {} ms for the turns in flight", drain.grace.count());
  server.stop(drain.grace);

  shutdown();
  return 0;
}

}  // namespace openhouse::runtime
