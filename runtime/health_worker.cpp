#include "runtime/health_worker.hpp"

#include "integrations/postgres/store.hpp"
#include "integrations/redis/client.hpp"

#include <caf/all.hpp>

namespace openhouse::runtime {

namespace {

struct health_state {
  std::unique_ptr<redis::client> redis;  ///< null when the URL does not parse
  std::string redis_refusal;             ///< why the URL does not parse
  std::unique_ptr<postgres::store> db;
};

health_actor::behavior_type health_worker(health_actor::stateful_pointer<health_state> self,
                                          config::storage_settings settings, std::string market) {
  auto parsed = redis::parse_url_checked(settings.redis_url);
  if (parsed.value) {
    self->state.redis = std::make_unique<redis::client>(*parsed.value);
  } else {
    self->state.redis_refusal = "storage.redis_url: " + parsed.error;
  }
  self->state.db = std::make_unique<postgres::store>(settings.database_url, std::move(market));
  return {
      [self](ping_atom) -> caf::result<bool, bool, std::string> {
        auto& st = self->state;
        const bool redis_ok = st.redis && st.redis->ping();
        std::string why;
        if (!redis_ok) {
          why = st.redis ? st.redis->last_error() : st.redis_refusal;
        }
        const bool pg_ok = st.db->ping();
        return {redis_ok, pg_ok, std::move(why)};
      },
  };
}

}  // namespace

health_actor spawn_health_worker(caf::actor_system& sys, const config::storage_settings& settings,
                                 const std::string& market) {
  return sys.spawn<caf::detached>(health_worker, settings, market);
}

}  // namespace openhouse::runtime
