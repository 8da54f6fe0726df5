#include "cache/l2_worker.hpp"

#include "cache/cache_error.hpp"
#include "cache/invalidation.hpp"
#include "cache/l2_commands.hpp"
#include "integrations/redis/client.hpp"

#include <caf/actor_pool.hpp>
#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>
#include <optional>
#include <random>
#include <thread>

namespace openhouse::cache {

namespace {

struct l2_worker_state {
  /// Null when the URL is malformed: every request then fails as unavailable.
  std::unique_ptr<redis::client> redis;
  std::unique_ptr<redis_keys> keys;
  /// "<prefix>:epoch" (redis_keys names only counters, entries and the channel).
  std::string epoch_key;
  std::string seq_key;  ///< "<prefix>:seq": the bump sequence
  std::chrono::milliseconds settle{0};
  /// Draws the epoch this worker offers when Redis has none. Seeded from the
  /// OS per worker: two nodes must not offer the same one after a restart.
  std::mt19937_64 random{std::random_device{}()};

  /// A random non-zero epoch, in decimal.
  std::string fresh_epoch() {
    std::uint64_t e = 0;
    while (e == 0) {
      e = random();
    }
    return std::to_string(e);
  }
};

/// Runs one Redis call, turning the client's exception into the domain's
/// error at the worker boundary (a throwing handler would kill the actor).
template <class F>
auto guarded(l2_worker_state& st, F&& fn) -> decltype(fn()) {
  if (!st.redis) {
    return make_error(cache_errc::redis_unavailable, "malformed Redis URL");
  }
  try {
    return fn();
  } catch (const redis::error& e) {
    spdlog::debug("l2: {}", e.what());
    return make_error(cache_errc::redis_unavailable, e.what());
  }
}

using self_ptr = l2_actor::stateful_pointer<l2_worker_state>;

caf::result<bool, std::string> on_get(self_ptr self, const std::string& key) {
  auto& st = self->state;
  return guarded(st, [&]() -> caf::result<bool, std::string> {
    if (auto value = st.redis->get(st.keys->entry(key))) {
      return {true, std::move(*value)};
    }
    return {false, std::string{}};
  });
}

caf::result<bool> on_put(self_ptr self, const std::string& key, const std::string& value,
                         std::int64_t ttl_ms) {
  if (ttl_ms <= 0) {
    return make_error(cache_errc::bad_request, "L2 put needs a positive TTL");
  }
  auto& st = self->state;
  return guarded(st, [&]() -> caf::result<bool> {
    st.redis->set_px(st.keys->entry(key), value, ttl_ms);
    return true;
  });
}

caf::result<bool> on_erase(self_ptr self, const std::string& key) {
  auto& st = self->state;
  return guarded(st, [&]() -> caf::result<bool> {
    const bool existed = st.redis->del(st.keys->entry(key));
    // Every node's L1 may hold the entry too: tell them.
    invalidation inv;
    inv.what = invalidation::kind::key;
    inv.key = key;
    st.redis->publish(st.keys->channel(), encode(inv));
    return existed;
  });
}

caf::result<generations, std::uint64_t> on_generations(self_ptr self, const std::string& market,
                                                       const std::string& contact,
                                                       const std::string& task) {
  auto& st = self->state;
  return guarded(st, [&]() -> caf::result<generations, std::uint64_t> {
    generations out;
    const auto read = make_generation_read(*st.keys, st.epoch_key, market, contact, task);
    const auto values = st.redis->mget(read.keys);
    for (std::size_t i = 0; i < read.slots.size(); ++i) {
      out.*read.slots[i] = parse_counter(values[i]);
    }
    const auto seq = parse_seq(values[values.size() - 2]);
    if (const auto& epoch = values.back()) {
      out.epoch = parse_epoch(*epoch);
    } else {
      // A new Redis life (rare: once per restart): create the epoch, or adopt
      // the one another node created meanwhile. The counters read above
      // stand: a bump creates the epoch too, so with none there no bump has
      // run in this life yet and they are at most what the epoch's counters are.
      out.epoch = parse_epoch(st.redis->set_nx_get(st.epoch_key, st.fresh_epoch()));
    }
    return {out, seq};
  });
}

caf::result<std::uint64_t, std::uint64_t> on_bump(self_ptr self, const std::string& scope_name,
                                                  const std::string& market,
                                                  const std::string& contact,
                                                  const std::string& task) {
  auto& st = self->state;
  const auto target = make_bump_target(*st.keys, scope_name, market, contact, task);
  if (!target) {
    return make_error(cache_errc::bad_request,
                      "bump: unknown scope '" + scope_name + "' or a missing id");
  }
  return guarded(st, [&]() -> caf::result<std::uint64_t, std::uint64_t> {
    // The message names the counter's new value; Redis fills it in, in the
    // same atomic step as the INCR, and reads the epoch with it
    // (client::bump_in_epoch): a value without its epoch could be from a
    // Redis that restarted empty.
    const auto parts = encode_sequenced_parts(target->message);
    const auto next =
        st.redis->bump_in_epoch(target->counter, st.epoch_key, st.seq_key, st.fresh_epoch(),
                                st.keys->channel(), parts.head, parts.tail);
    const auto epoch = parse_epoch(next.epoch);
    // Every node that still trusts its own counters received this bump's
    // message by the end of the wait (l2_settings::settle); this is a
    // detached worker, so the wait holds no scheduler thread.
    if (st.settle.count() > 0) {
      std::this_thread::sleep_for(st.settle);
    }
    return {static_cast<std::uint64_t>(next.value), epoch};
  });
}

l2_actor::behavior_type l2_worker(self_ptr self, const std::string& redis_url, std::string prefix,
                                  std::chrono::milliseconds timeout,
                                  std::chrono::milliseconds settle) {
  if (auto ep = redis::parse_url(redis_url)) {
    self->state.redis = std::make_unique<redis::client>(*ep, timeout);
  }
  self->state.keys = std::make_unique<redis_keys>(std::move(prefix));
  self->state.epoch_key = epoch_key(*self->state.keys);
  self->state.seq_key = seq_key(*self->state.keys);
  self->state.settle = settle;
  return {
      [self](get_atom, const std::string& key) { return on_get(self, key); },
      [self](put_atom, const std::string& key, const std::string& value, std::int64_t ttl_ms) {
        return on_put(self, key, value, ttl_ms);
      },
      [self](erase_atom, const std::string& key) { return on_erase(self, key); },
      [self](generations_atom, const std::string& market, const std::string& contact,
             const std::string& task) { return on_generations(self, market, contact, task); },
      [self](bump_atom, const std::string& scope_name, const std::string& market,
             const std::string& contact,
             const std::string& task) { return on_bump(self, scope_name, market, contact, task); },
  };
}

}  // namespace

l2_actor spawn_l2_pool(caf::actor_system& sys, const l2_settings& settings) {
  if (!redis::parse_url(settings.redis_url)) {
    spdlog::error("l2: malformed Redis URL '{}': every L2 request will fail", settings.redis_url);
  }
  auto factory = [&sys, url = settings.redis_url, prefix = settings.prefix,
                  timeout = settings.timeout, settle = settings.settle] {
    return caf::actor_cast<caf::actor>(
        sys.spawn<caf::detached>(l2_worker, url, prefix, timeout, settle));
  };
  auto pool =
      caf::actor_pool::make(sys.dummy_execution_unit(), std::max<std::size_t>(1, settings.workers),
                            factory, caf::actor_pool::round_robin());
  return caf::actor_cast<l2_actor>(pool);
}

}  // namespace openhouse::cache
