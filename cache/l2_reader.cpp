#include "cache/l2_reader.hpp"

#include "cache/cache_error.hpp"
#include "cache/invalidation.hpp"
#include "cache/l2_commands.hpp"
#include "core/type_ids.hpp"
#include "integrations/redis/fd_watcher.hpp"
#include "integrations/redis/pipeline.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace openhouse::cache {

namespace {

using steady = std::chrono::steady_clock;

/// The reader's own interface: the L2 one plus the watcher's wake-up.
using reader_actor = l2_actor::extend<caf::reacts_to<runtime::tick_atom>>;

/// One read in flight: what to do with its reply, or with the failure of
/// the link or the timeout. Replies come back in send order (one connection).
struct pending_read {
  steady::time_point sent;
  std::function<void(redis::reply&)> on_reply;
  std::function<void(const caf::error&)> on_error;
};

struct reader_state {
  l2_settings settings;
  /// Null when the URL is malformed: every read then fails as unavailable.
  std::unique_ptr<redis::pipeline> link;
  std::unique_ptr<redis_keys> keys;
  std::string epoch_key;
  l2_actor writers;  ///< the detached pool: writes, bumps, epoch creation
  std::deque<pending_read> pending;
  std::vector<redis::reply> replies;  ///< reused by every poll
  /// Wakes this actor (tick) when the socket is ready or a read times out.
  std::unique_ptr<redis::fd_watcher> watcher;

  static inline const char* name = "l2_reader";
};

using self_ptr = reader_actor::stateful_pointer<reader_state>;

/// Fails every read in flight and drops the link (their replies, if any
/// still come, could no longer be matched to them).
void fail_all(self_ptr self, const caf::error& err) {
  auto& st = self->state;
  if (st.link) {
    st.link->drop();
  }
  st.watcher->disarm();
  auto failed = std::move(st.pending);
  st.pending.clear();
  for (auto& p : failed) {
    p.on_error(err);
  }
}

/// Delivers what has arrived; fails everything on a broken link or when the
/// oldest read is past the timeout.
void progress(self_ptr self) {
  auto& st = self->state;
  if (st.pending.empty()) {
    return;
  }
  try {
    st.replies.clear();
    st.link->poll(st.replies);
  } catch (const redis::error& e) {
    spdlog::debug("l2 reader: {}", e.what());
    fail_all(self, make_error(cache_errc::redis_unavailable, e.what()));
    return;
  }
  for (auto& r : st.replies) {
    auto p = std::move(st.pending.front());
    st.pending.pop_front();
    p.on_reply(r);
  }
  if (!st.pending.empty() && steady::now() - st.pending.front().sent > st.settings.timeout) {
    fail_all(self,
             make_error(cache_errc::redis_unavailable,
                        "timed out after " + std::to_string(st.settings.timeout.count()) + " ms"));
  }
}

/// Arms the watcher for the replies still due: it wakes this actor when the
/// socket is ready or when the oldest read reaches its timeout.
void await_replies(self_ptr self) {
  auto& st = self->state;
  if (st.pending.empty() || !st.link) {
    return;
  }
  st.watcher->arm(st.link->fd(), st.link->wants_write(),
                  st.pending.front().sent + st.settings.timeout);
}

/// Sends one read; `on_reply` and `on_error` run on this actor later.
void read(self_ptr self, const std::vector<std::string_view>& argv,
          std::function<void(redis::reply&)> on_reply,
          std::function<void(const caf::error&)> on_error) {
  auto& st = self->state;
  if (!st.link) {
    on_error(make_error(cache_errc::redis_unavailable, "malformed Redis URL"));
    return;
  }
  try {
    st.link->send(argv);
  } catch (const redis::error& e) {
    spdlog::debug("l2 reader: {}", e.what());
    // Earlier reads were on the same link: they are lost with it.
    fail_all(self, make_error(cache_errc::redis_unavailable, e.what()));
    on_error(make_error(cache_errc::redis_unavailable, e.what()));
    return;
  }
  st.pending.push_back({steady::now(), std::move(on_reply), std::move(on_error)});
  if (st.pending.size() == 1 || st.link->wants_write()) {
    await_replies(self);  // otherwise the watcher is armed for an earlier read
  }
}

caf::error unexpected(std::string_view what, const redis::reply& r) {
  if (r.type == redis::reply::kind::error) {
    return make_error(cache_errc::redis_unavailable, std::string{what} + ": " + r.text);
  }
  return make_error(cache_errc::redis_unavailable, std::string{what} + ": unexpected reply type " +
                                                       std::to_string(static_cast<int>(r.type)));
}

reader_actor::behavior_type l2_reader(self_ptr self, l2_settings settings, l2_actor writers) {
  auto& st = self->state;
  if (auto ep = redis::parse_url(settings.redis_url)) {
    st.link = std::make_unique<redis::pipeline>(*ep);
  }
  st.keys = std::make_unique<redis_keys>(settings.prefix);
  st.epoch_key = epoch_key(*st.keys);
  st.settings = std::move(settings);
  st.writers = writers;
  // A weak handle: the watcher lives in this actor's state and must not keep
  // the actor alive.
  st.watcher = std::make_unique<redis::fd_watcher>(
      [weak = caf::actor_cast<caf::weak_actor_ptr>(self->ctrl())] {
        if (auto strong = weak.lock()) {
          caf::anon_send(caf::actor_cast<reader_actor>(strong), runtime::tick_atom_v);
        }
      });
  self->link_to(writers);  // the pool lives and dies with the reader
  return {
      [self](get_atom, const std::string& key) -> caf::result<bool, std::string> {
        auto rp = self->make_response_promise<bool, std::string>();
        const auto entry = self->state.keys->entry(key);
        read(
            self, {"GET", entry},
            [rp](redis::reply& r) mutable {
              if (r.type == redis::reply::kind::string) {
                rp.deliver(true, std::move(r.text));
              } else if (r.type == redis::reply::kind::nil) {
                rp.deliver(false, std::string{});
              } else {
                rp.deliver(unexpected("GET", r));
              }
            },
            [rp](const caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
      [self](generations_atom, const std::string& market, const std::string& contact,
             const std::string& task) -> caf::result<generations, std::uint64_t> {
        auto& st = self->state;
        auto rp = self->make_response_promise<generations, std::uint64_t>();
        auto plan = std::make_shared<generation_read>(
            make_generation_read(*st.keys, st.epoch_key, market, contact, task));
        std::vector<std::string_view> argv;
        argv.reserve(plan->keys.size() + 1);
        argv.emplace_back("MGET");
        argv.insert(argv.end(), plan->keys.begin(), plan->keys.end());
        read(
            self, argv,
            [self, rp, plan, market, contact, task](redis::reply& r) mutable {
              if (r.type != redis::reply::kind::array || r.elements.size() != plan->keys.size()) {
                rp.deliver(unexpected("MGET", r));
                return;
              }
              auto value = [&](std::size_t i) -> std::optional<std::string> {
                if (r.elements[i].type == redis::reply::kind::string) {
                  return std::move(r.elements[i].text);
                }
                return std::nullopt;
              };
              generations out;
              std::uint64_t seq = 0;
              try {
                for (std::size_t i = 0; i < plan->slots.size(); ++i) {
                  out.*plan->slots[i] = parse_counter(value(i));
                }
                seq = parse_seq(value(plan->keys.size() - 2));
                auto epoch = value(plan->keys.size() - 1);
                if (!epoch) {
                  // A new Redis life (once per restart): creating the epoch
                  // is a script, left to the workers with the whole read.
                  self->request(self->state.writers, self->state.settings.timeout * 2,
                                generations_atom_v, market, contact, task)
                      .then([rp](generations g, std::uint64_t s) mutable { rp.deliver(g, s); },
                            [rp](caf::error& err) mutable { rp.deliver(err); });
                  return;
                }
                out.epoch = parse_epoch(*epoch);
              } catch (const redis::error& e) {
                rp.deliver(make_error(cache_errc::redis_unavailable, e.what()));
                return;
              }
              rp.deliver(out, seq);
            },
            [rp](const caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
      [self](put_atom, const std::string& key, const std::string& value,
             std::int64_t ttl_ms) -> caf::result<bool> {
        return self->delegate(self->state.writers, put_atom_v, key, value, ttl_ms);
      },
      [self](erase_atom, const std::string& key) -> caf::result<bool> {
        return self->delegate(self->state.writers, erase_atom_v, key);
      },
      [self](bump_atom, const std::string& scope, const std::string& market,
             const std::string& contact,
             const std::string& task) -> caf::result<std::uint64_t, std::uint64_t> {
        return self->delegate(self->state.writers, bump_atom_v, scope, market, contact, task);
      },
      [self](runtime::tick_atom) {
        progress(self);
        await_replies(self);
      },
  };
}

}  // namespace

l2_actor spawn_l2(caf::actor_system& sys, const l2_settings& settings) {
  auto writers = spawn_l2_pool(sys, settings);
  auto handle = sys.spawn(l2_reader, settings, writers);
  return caf::actor_cast<l2_actor>(handle);
}

}  // namespace openhouse::cache
