#pragma once

#include "runtime/conversation.hpp"

#include <caf/typed_actor.hpp>

#include <unordered_map>

namespace openhouse::runtime {

/// Routes each inbound message to its contact's conversation actor, spawning
/// (activating) it on demand and letting idle ones passivate.
using router_actor = passivation_actor::extend<
    caf::replies_to<inbound_sms>::with<turn_result>, caf::replies_to<crm_event>::with<crm_result>,
    caf::replies_to<count_atom>::with<std::uint64_t>>;  ///< active conversations

struct router_state {
  static inline const char* name = "conversation_router";

  struct entry {
    conversation_actor actor;
    std::uint64_t forwarded = 0;
  };

  conversation_deps deps;
  std::unordered_map<std::string, entry> conversations;
};

router_actor::behavior_type conversation_router(router_actor::stateful_pointer<router_state> self,
                                                conversation_deps deps);

}  // namespace openhouse::runtime
