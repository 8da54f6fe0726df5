#include "runtime/node_parts.hpp"

#include "agents/market_data_source.hpp"
#include "cache/cache_error.hpp"
#include "cache/invalidation.hpp"
#include "cache/l2_reader.hpp"
#include "cache/market_lexicon.hpp"
#include "cache/semantic_setup.hpp"
#include "cache/semantic_writer.hpp"
#include "integrations/redis/subscriber.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace openhouse::runtime {

namespace {

// CAF 0.17.6's add_error_category<T> does not compile; this is its intent.
template <class Enum>
void add_named_errors(caf::actor_system_config& cfg, caf::atom_value category) {
  cfg.add_error_category(
      category, [](std::uint8_t code, caf::atom_value cat, const caf::message& context) {
        auto out = caf::to_string(cat) + ": " + std::string{to_string(static_cast<Enum>(code))};
        if (!context.empty()) {
          out += " (" + caf::to_string(context) + ")";
        }
        return out;
      });
}

}  // namespace

node_config::node_config() {
  add_message_types<caf::id_block::openhouse>();
  // Errors render with their names ("llm: overloaded") in logs.
  add_named_errors<llm::client_errc>(*this, llm::error_category);
  add_named_errors<store_errc>(*this, store_error_category);
  add_named_errors<gateway_errc>(*this, gateway_error_category);
  add_named_errors<cache::cache_errc>(*this, cache::error_category);
  // Two cores on the reference machine: more scheduler threads only contend.
  set("scheduler.max-threads", 2);
  // CAF's own logger and console output stay quiet; the node logs with spdlog.
  set("logger.console", caf::atom("none"));
}

std::chrono::milliseconds turn_deadline(const config::market_config& cfg) {
  // The turn's units end by reply.budget; the margin covers its writes.
  return std::max(cfg.llm.timeout, cfg.reply.budget) + std::chrono::seconds{10};
}

node_parts::node_parts(caf::actor_system& sys, std::shared_ptr<const config::market_config> cfg,
                       node_options options)
    : config(std::move(cfg)), time(std::move(options.time)), metrics(std::move(options.metrics)) {
  zone = std::make_shared<const time_zone>(time_zone::load(config->market.timezone));
  start_llm(sys);
  start_cache(sys, options);
  try {
    start_conversations(sys, options);
  } catch (...) {
    shutdown();  // the actors started so far, or the system never stops
    throw;
  }
  health = spawn_health_worker(sys, config->storage, config->market.id);
}

void node_parts::start_llm(caf::actor_system& sys) {
  // Rate limits are the provider's real minutes, not replay's virtual time.
  workers = spawn_llm_client(sys, config->llm, metrics);
  ledger = spawn_ledger_writer(sys, config->storage.database_url, config->market.id);
  gateway_deps gw;
  gw.config = config;
  gw.time = time;
  gw.zone = zone;
  gw.workers = workers;
  gw.ledger = ledger;
  gw.metrics = metrics;
  // One router for the gateway and the cache: the model a unit's key names
  // is the model the gateway calls.
  gw.router = models = std::make_shared<const llm::model_router>(config->llm);
  // Daily caps count the fleet's spending, in Redis (each node's own while
  // Redis is down).
  gw.budget_store = budget_store = spawn_budget_store(
      sys,
      budget_store_settings{config->storage.redis_url, config->cache.redis_prefix,
                            config->market.id, config->cache.redis_timeout},
      metrics);
  gateway = spawn_gateway(sys, gw);
}

void node_parts::start_cache(caf::actor_system& sys, node_options& options) {
  cache::l2_settings l2s;
  l2s.redis_url = config->storage.redis_url;
  l2s.prefix = config->cache.redis_prefix;
  l2s.timeout = config->cache.redis_timeout;
  cache::cache_deps cd;
  cd.config = config;
  cd.time = time;
  cd.gateway = gateway;
  cd.l2 = l2 = cache::spawn_l2(sys, l2s);
  cd.metrics = metrics;
  cd.router = models;
  cd.audit = std::move(options.audit);
  if ((cd.semantic = cache::make_semantic_tier(*config))) {
    if (options.restore_semantic) {
      try {
        const auto restored = cache::restore_semantic_tier(*cd.semantic, *config, time->now());
        spdlog::info("cache: semantic tier rebuilt with {} entries from PostgreSQL", restored);
      } catch (const std::exception& e) {
        // An empty tier only costs hits; the node still serves.
        spdlog::warn("cache: semantic entries not restored: {}", e.what());
      }
    }
    cache::semantic_writer_options writer_options;
    writer_options.metrics = metrics;  // rows PostgreSQL refuses are counted
    cd.semantic_writer = semantic_writer = cache::spawn_semantic_writer(
        sys, config->storage.database_url, config->market.id, writer_options);
    if (cd.semantic->embedding().blocking()) {
      cd.embedding = embedding =
          cache::spawn_embedding_workers(sys, cache::embedding_factory(*config));
      cd.embed_timeout = config->llm.timeout;
    }
  }
  cache = cache::spawn_cache(sys, cd);
  // Invalidations from every node evict this node's L1 (the generation read
  // at each turn keeps it correct even when a message is lost).
  if (auto ep = redis::parse_url(config->storage.redis_url); ep && config->cache.subscribe) {
    auto target = cache;
    // Fences let the cache answer generations from its own copy (see
    // cache::generation_sync); the three callbacks reach it in order.
    redis::subscriber_settings sub;
    sub.fence_interval = cache::default_fence_interval;
    invalidations_ = std::make_unique<redis::subscriber>(
        *ep, cache::redis_keys{config->cache.redis_prefix}.channel(),
        [target](std::string payload) {
          caf::anon_send(target, cache::invalidate_atom_v, std::move(payload));
        },
        [target](bool up) { caf::anon_send(target, cache::subscribed_atom_v, up); }, sub,
        [target](std::chrono::steady_clock::time_point sent) {
          caf::anon_send(target, cache::subscribed_atom_v,
                         static_cast<std::int64_t>(sent.time_since_epoch().count()));
        });
  }
}

void node_parts::start_conversations(caf::actor_system& sys, const node_options& options) {
  conversation_deps deps;
  if (!config->market.data.file.empty()) {
    // A data file that does not parse stops the start, with its line.
    auto source = agents::market_data_source::open(config->market.data.file);
    if (!source) throw std::runtime_error("market data: " + config::to_string(source.error()));
    deps.market_data = std::move(source).value();
  }
  deps.config = config;
  deps.time = time;
  deps.store = store = spawn_store_pool(
      sys, config->storage, config->market.id, config->runtime.history_limit,
      options.outbox ? postgres::outbox_policy_of(*config) : postgres::outbox_policy{},
      config->runtime.turn_lease);
  deps.cache = cache;
  deps.bots = bots = spawn_bots(sys, bot_deps{config, cache});
  deps.zone = zone;
  deps.metrics = metrics;
  deps.opt_out = std::make_shared<const agents::opt_out_rule>(config->compliance);
  deps.delay = sys.spawn(delay);
  {
    // A topic's answer is shared per city, so every place name the market's
    // leads use is a city of its own: the market's, then the lexicon's.
    std::vector<std::string> cities;
    for (const auto& c : config->market.cities) cities.push_back(c.name);
    for (const auto& c : config->cache.semantic.cities) cities.push_back(c);
    for (const auto& c : cache::market_lexicon(*config).cities) cities.push_back(c);
    deps.faq = std::make_shared<const agents::faq_catalog>(config->faq, cities);
    if (deps.market_data) {
      deps.market_questions =
          std::make_shared<const agents::market_question_matcher>(*config, std::move(cities));
    }
  }
  router = sys.spawn(conversation_router, deps);
  if (options.outbox) orphans = spawn_orphan_worker(sys, {config, time, metrics, router, {}, true});
}

node_parts::~node_parts() { shutdown(); }

void node_parts::shutdown() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  if (invalidations_) {
    invalidations_->stop();
  }
  // Conversations first, then what they use; the ledger last so that it
  // writes the rows of the final calls.
  for (const auto& a :
       {caf::actor_cast<caf::actor>(orphans), caf::actor_cast<caf::actor>(router),
        caf::actor_cast<caf::actor>(bots.lead), caf::actor_cast<caf::actor>(bots.buyer),
        caf::actor_cast<caf::actor>(bots.seller), caf::actor_cast<caf::actor>(cache),
        caf::actor_cast<caf::actor>(l2), caf::actor_cast<caf::actor>(semantic_writer),
        caf::actor_cast<caf::actor>(embedding), caf::actor_cast<caf::actor>(gateway),
        caf::actor_cast<caf::actor>(budget_store), caf::actor_cast<caf::actor>(store),
        caf::actor_cast<caf::actor>(workers), caf::actor_cast<caf::actor>(health),
        caf::actor_cast<caf::actor>(ledger)}) {
    if (a) {
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    }
  }
}

}  // namespace openhouse::runtime
