#pragma once

#include "core/bridge_job.hpp"
#include "core/metrics.hpp"
#include "core/type_ids.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace openhouse::runtime {

/// Carries requests from threads outside the actor system (the HTTP I/O
/// threads) to actors, through a few long-lived actors: no actor is spawned
/// per request. The caller never waits; the answer or the failure reaches
/// its callback on a bridge actor's thread.
class actor_bridge {
 public:
  /// Spawns `actors` bridge actors (at least one), used in turn. `metrics`
  /// (optional) counts each request's timer in openhouse_timers_set_total.
  actor_bridge(caf::actor_system& sys, std::size_t actors,
               std::shared_ptr<runtime::metrics> metrics = nullptr);
  ~actor_bridge();
  actor_bridge(const actor_bridge&) = delete;
  actor_bridge& operator=(const actor_bridge&) = delete;

  /// Asks `target` and hands the answer to `on_answer` (the reply's values as
  /// arguments) or the failure to `on_error(const caf::error&)`. `timeout` is
  /// the request's one timer (the HTTP request's deadline). Exactly one of
  /// the two callbacks runs, once.
  template <class Handle, class OnAnswer, class OnError, class... Ts>
  void request(const Handle& target, std::chrono::milliseconds timeout, OnAnswer on_answer,
               OnError on_error, Ts... message) {
    bridge_job job;
    job.run = [target, timeout, on_answer = std::move(on_answer), on_error = std::move(on_error),
               ... message = std::move(message)](caf::event_based_actor* self) mutable {
      self->request(target, timeout, std::move(message)...)
          .then(std::move(on_answer), std::move(on_error));
    };
    if (metrics_) metrics_->count_timer("http_deadline");
    caf::anon_send(next_actor(), std::move(job));
  }

  /// Ends the bridge actors (node shutdown); requests in flight get no answer.
  void stop();

 private:
  const caf::actor& next_actor() noexcept;

  std::vector<caf::actor> actors_;
  std::atomic<std::size_t> next_{0};
  std::shared_ptr<runtime::metrics> metrics_;
};

}  // namespace openhouse::runtime
