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

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <vector>

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

/// One market of the node: its actors and its serve workers.
struct market_node {
  std::unique_ptr<node_parts> parts;
  serve_workers workers;
};

using market_nodes = std::vector<market_node>;

/// The market whose number leads texted (Twilio's `To`); a node of one
/// market also takes a message without `To`. Null: none of this node's.
const market_node* market_of_number(const market_nodes& markets, const std::string& to) {
  if (to.empty() && markets.size() == 1) return &markets[0];
  for (const auto& m : markets)
    if (m.parts->config->market.phone_number == to) return &m;
  return nullptr;
}

/// Calls `ask(market, done_one)` for every market and `done(results)` once
/// all answered: an operator's action on a contact or the cache reaches
/// every market, since the request names none.
template <class Result>
void ask_every_market(
    const market_nodes& markets,
    const std::function<void(const market_node&, std::function<void(Result)>)>& ask,
    std::function<void(std::vector<Result>)> done) {
  struct pending {
    std::mutex m;
    std::vector<std::optional<Result>> results;  // Result need not be default-constructible
    std::size_t left;
    std::function<void(std::vector<Result>)> done;
  };
  auto p = std::make_shared<pending>();
  p->results.resize(markets.size());
  p->left = markets.size();
  p->done = std::move(done);
  for (std::size_t i = 0; i < markets.size(); ++i) {
    ask(markets[i], [p, i](Result r) {
      std::unique_lock lock{p->m};
      p->results[i].emplace(std::move(r));
      if (--p->left == 0) {
        lock.unlock();
        std::vector<Result> all;
        for (auto& one : p->results) all.push_back(std::move(*one));
        p->done(std::move(all));
      }
    });
  }
}

/// The HTTP front's dependencies: each hands its request to the actor of
/// the market it belongs to over one bridge and answers through the route's
/// callback. The node settings (server, Twilio, CRM secrets) are every
/// market's alike; the first market's config carries them to the front.
http::front_deps front_deps_of(std::shared_ptr<actor_bridge> bridge, const market_nodes& markets,
                               std::shared_ptr<const std::atomic<bool>> draining) {
  const auto& first = *markets.front().parts;
  http::front_deps front;
  front.config = first.config;
  front.time = first.time;
  front.metrics = first.metrics;
  front.draining = std::move(draining);
  front.submit_sms = [bridge, &markets](inbound_sms msg,
                                        std::function<void(http::submit_outcome)> done) {
    const auto* market = market_of_number(markets, msg.to);
    if (market == nullptr) {
      // Not ours (a number moved to another deployment, a misrouted
      // webhook): acknowledged with an empty answer so Twilio does not
      // retry, and nothing is stored.
      spdlog::warn("sms {} from {} to {}: no market of this node has that number; ignored", msg.sid,
                   msg.from, msg.to);
      turn_result ignored;
      ignored.sid = msg.sid;
      return done(ignored);
    }
    const auto& parts = *market->parts;
    const auto deadline = turn_deadline(*parts.config);
    const auto outbox = market->workers.outbox;
    // Without REST sends or a CRM no turn writes outbox rows; waking the
    // worker after each would only run its claim query against PostgreSQL.
    const bool wake_outbox =
        postgres::replies_queue_rows(postgres::outbox_policy_of(*parts.config));
    bridge->request(
        parts.router, deadline,
        [done, outbox, wake_outbox](const turn_result& r) {
          // The reply (and its outbox rows) is committed: send now.
          if (wake_outbox && !r.duplicate) {
            caf::anon_send(outbox, tick_atom_v);
          }
          done(r);
        },
        [done](const caf::error& e) { done(unexpected{to_string(e)}); }, std::move(msg));
  };
  std::map<std::string, std::string> number_of_location;
  for (const auto& m : markets) {
    const auto& info = m.parts->config->market;
    if (!info.crm_location_id.empty()) number_of_location[info.crm_location_id] = info.phone_number;
  }
  if (markets.size() > 1 || !number_of_location.empty()) {
    const std::string only =
        markets.size() == 1 ? markets.front().parts->config->market.phone_number : std::string{};
    front.market_number_of_location = [number_of_location, only](std::string_view location) {
      // A lone market also takes events that name no location.
      if (location.empty()) return only;
      auto i = number_of_location.find(std::string{location});
      return i == number_of_location.end() ? std::string{} : i->second;
    };
  }
  front.submit_crm = [bridge, &markets](crm_event ev, std::function<void(http::crm_outcome)> done) {
    // The front let only a known location through (or this is the only market).
    const market_node* market = &markets.front();
    for (const auto& m : markets) {
      if (m.parts->config->market.crm_location_id == ev.location_id) market = &m;
    }
    bridge->request(
        market->parts->router, turn_deadline(*market->parts->config),
        [done](const crm_result& r) { done(r); },
        [done](const caf::error& e) { done(unexpected{to_string(e)}); }, std::move(ev));
  };
  front.check_ready = [bridge, health = first.health](std::function<void(http::readiness)> done) {
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
  front.invalidate_cache = [bridge, &markets](
                               const http::cache_invalidation& inv,
                               std::function<void(http::invalidation_outcome)> done) {
    using one = http::invalidation_outcome;
    ask_every_market<one>(
        markets,
        [bridge, inv](const market_node& m, std::function<void(one)> answer) {
          const auto timeout = std::chrono::seconds{5};
          const auto fail = [answer](const caf::error& e) { answer(unexpected{to_string(e)}); };
          const auto& parts = *m.parts;
          if (inv.scope == "key") {
            bridge->request(
                parts.cache, timeout,
                [answer](bool existed) {
                  answer(http::invalidation_done{0, existed});
                },
                fail, cache::erase_atom_v, inv.key);
            return;
          }
          bridge->request(
              parts.cache, timeout,
              [answer](std::uint64_t generation) {
                answer(http::invalidation_done{generation, false});
              },
              fail, cache::bump_atom_v, inv.scope, parts.config->market.id, inv.contact, inv.task);
        },
        [done](std::vector<one> all) {
          http::invalidation_done merged;
          for (auto& r : all) {
            if (!r) return done(std::move(r));
            merged.generation = std::max(merged.generation, r->generation);
            merged.existed = merged.existed || r->existed;
          }
          done(merged);
        });
  };
  using found_error = std::pair<bool, std::string>;
  front.release_contact = [bridge, &markets](
                              std::string contact,
                              std::function<void(bool found, std::string error)> done) {
    // The store clears the mute; the conversation reads it fresh with the
    // lead's next message, so no actor needs telling.
    ask_every_market<found_error>(
        markets,
        [bridge, contact](const market_node& m, std::function<void(found_error)> answer) {
          bridge->request(
              m.parts->store, std::chrono::seconds{5},
              [answer](bool found) {
                answer({found, {}});
              },
              [answer](const caf::error& e) {
                answer({false, to_string(e)});
              },
              release_atom_v, contact);
        },
        [done](std::vector<found_error> all) {
          bool found = false;
          for (auto& [f, error] : all) {
            if (!error.empty()) return done(false, error);
            found = found || f;
          }
          done(found, {});
        });
  };
  using transcript_error = std::pair<agents::lead_transcript, std::string>;
  front.contact_transcript = [bridge, &markets](
                                 std::string contact,
                                 std::function<void(agents::lead_transcript, std::string)> done) {
    ask_every_market<transcript_error>(
        markets,
        [bridge, contact](const market_node& m, std::function<void(transcript_error)> answer) {
          bridge->request(
              m.parts->store, std::chrono::seconds{5},
              [answer](agents::lead_transcript& t) {
                answer({std::move(t), {}});
              },
              [answer](const caf::error& e) {
                answer({{}, to_string(e)});
              },
              transcript_atom_v, contact);
        },
        [done](std::vector<transcript_error> all) {
          // The first market that knows the lead (a lead of two markets is
          // two conversations; `openhouse conversation --market` reads either).
          for (auto& [t, error] : all) {
            if (!error.empty()) return done({}, error);
            if (t.found) return done(std::move(t), {});
          }
          done({}, {});
        });
  };
  front.record_delivery = [bridge, &markets](std::string sid, std::string status,
                                             std::function<void(bool, std::string)> done) {
    ask_every_market<found_error>(
        markets,
        [bridge, sid, status](const market_node& m, std::function<void(found_error)> answer) {
          bridge->request(
              m.workers.outbox, std::chrono::seconds{10},
              [answer](bool found) {
                answer({found, {}});
              },
              [answer](const caf::error& e) {
                answer({false, to_string(e)});
              },
              delivery_atom_v, sid, status);
        },
        [done](std::vector<found_error> all) {
          bool found = false;
          for (auto& [f, error] : all) {
            if (!error.empty()) return done(false, error);
            found = found || f;
          }
          done(found, {});
        });
  };
  return front;
}

/// Start HTTP: binds and prints "listening on ..."; false (said on stderr)
/// when the address cannot be bound.
bool start_http(http::server& server, const http::server_options& opts,
                const config::deployment& node, std::ostream& out) {
  try {
    server.start();
  } catch (const std::exception& e) {
    std::cerr << "serve: cannot listen on " << opts.address << ':' << opts.port << ": " << e.what()
              << '\n';
    return false;
  }
  out << "listening on http://" << opts.address << ':' << server.port() << std::endl;
  for (const auto& m : node.markets) {
    spdlog::info("serving market '{}' ({}) on port {}", m->market.id, m->market.phone_number,
                 server.port());
  }
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

int run_serve(config::deployment node, std::ostream& out) {
  const auto& cfg = node.markets.front();
  if (!start_storage(*cfg, out)) {
    return 1;
  }
  node_config caf_cfg;
  caf::actor_system sys{caf_cfg};
  const auto time = std::make_shared<system_clock>();
  const auto metrics = std::make_shared<runtime::metrics>();
  // Each market gets its own cache, bots, conversations and workers (all
  // keyed by its id); they share the actor system, the clock, the metrics
  // and the HTTP front.
  market_nodes markets;
  for (const auto& market : node.markets) {
    node_options options;
    options.time = time;
    options.metrics = metrics;
    options.outbox = true;
    market_node m;
    m.parts = std::make_unique<node_parts>(sys, market, std::move(options));
    m.workers = start_workers(sys, *m.parts);
    markets.push_back(std::move(m));
  }
  auto shutdown = [&markets] {
    for (auto& m : markets) {
      m.workers.stop();
      m.parts->shutdown();
    }
  };

  auto draining = std::make_shared<std::atomic<bool>>(false);
  auto bridge = std::make_shared<actor_bridge>(sys, bridge_actors, markets.front().parts->metrics);
  auto routes = http::front_routes(front_deps_of(bridge, markets, draining));
  auto opts = front_server_options(cfg->server, metrics);
  opts.body_limit = [routes](boost::beast::http::verb method, std::string_view target) {
    return routes->body_limit(method, target);
  };
  http::server server{opts, http::make_front(routes, metrics)};
  if (!start_http(server, opts, node, out)) {
    shutdown();
    return 1;
  }

  drain(server, *draining, *cfg, wait_for_shutdown_signal());
  shutdown();
  return 0;
}

}  // namespace openhouse::runtime
