#pragma once

#include "core/type_ids.hpp"

#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <cstdint>
#include <unordered_map>

namespace openhouse::runtime {

/// Answers a request after a delay on the actor clock: lets an actor that
/// keeps its messages in order with `await` wait without taking the next
/// message (a conversation waiting for another node's turn of the same lead).
/// The test coordinator's clock drives it like any other timer.
using delay_actor = caf::typed_actor<caf::replies_to<wait_atom, std::int64_t>::with<bool>,
                                     caf::reacts_to<fire_atom, std::uint64_t>>;

struct delay_state {
  static inline const char* name = "delay";
  std::uint64_t next = 0;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<bool>> waiting;
};

/// (wait_atom, ms) -> true, `ms` milliseconds later.
delay_actor::behavior_type delay(delay_actor::stateful_pointer<delay_state> self);

}  // namespace openhouse::runtime
