#pragma once

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <chrono>
#include <utility>

namespace openhouse::runtime {

/// Asks `target` from a short-lived actor and hands the answer to
/// `on_answer` (the reply's values as arguments) or the failure to
/// `on_error(const caf::error&)`, on the actor's thread. The caller, e.g.
/// an HTTP I/O thread, never waits. Exactly one of the two runs, once.
template <class Handle, class OnAnswer, class OnError, class... Ts>
void bridge_request(caf::actor_system& sys, const Handle& target, std::chrono::milliseconds timeout,
                    OnAnswer on_answer, OnError on_error, Ts... message) {
  sys.spawn([target, timeout, on_answer = std::move(on_answer), on_error = std::move(on_error),
             ... message = std::move(message)](caf::event_based_actor* self) mutable {
    self->request(target, timeout, std::move(message)...)
        .then(std::move(on_answer), std::move(on_error));
  });
}

}  // namespace openhouse::runtime
