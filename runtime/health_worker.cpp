#include "runtime/health_worker.hpp"

#include "integrations/postgres/store.hpp"
#include "integrations/redis/client.hpp"

#include <caf/all.hpp>

namespace openhouse::runtime {

namespace {

struct health_state {
  std::unique_ptr<redis::client> redis;  ///< null when the URL does not parse
  std::unique_ptr<postgres::store> db;
};

health_actor::behavior_type health_worker(health_actor::stateful_pointer<health_state> self,
                                          config::storage_settings settings, std::string market) {
  if (auto ep = redis::parse_url(settings.redis_url)) {
    self->state.redis = std::make_unique<redis::client>(*ep);
  }
  self->state.db = std::make_unique<postgres::store>(settings.database_url, std::move(market));
  return {
      [self](ping_atom) -> caf::result<bool, bool> {
        const bool redis_ok = self->state.redis && self->state.redis->ping();
        const bool pg_ok = self->state.db->ping();
        return {redis_ok, pg_ok};
      },
  };
}

}  // namespace

health_actor spawn_health_worker(caf::actor_system& sys, const config::storage_settings& settings,
                                 const std::string& market) {
  return sys.spawn<caf::detached>(health_worker, settings, market);
}

}  // namespace openhouse::runtime
