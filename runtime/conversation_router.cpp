#include "runtime/conversation_router.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

namespace openhouse::runtime {

router_actor::behavior_type conversation_router(router_actor::stateful_pointer<router_state> self,
                                                conversation_deps deps) {
  self->state.deps = std::move(deps);
  // A conversation that dies (it should not) must not keep receiving messages.
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& convs = self->state.conversations;
    for (auto i = convs.begin(); i != convs.end(); ++i) {
      if (i->second.actor.address() == down.source) {
        if (down.reason) {
          spdlog::error("conversation for a contact died: {}", to_string(down.reason));
        }
        convs.erase(i);
        return;
      }
    }
  });
  return {
      [self](inbound_sms& msg) -> caf::delegated<turn_result> {
        auto& convs = self->state.conversations;
        auto i = convs.find(msg.from);
        if (i == convs.end()) {
          auto actor = self->spawn(conversation, msg.from, self->state.deps,
                                   caf::actor_cast<passivation_actor>(self));
          self->monitor(actor);
          i = convs.emplace(msg.from, router_state::entry{std::move(actor), 0}).first;
        }
        ++i->second.forwarded;
        return self->delegate(i->second.actor, std::move(msg));
      },
      [self](passivate_atom, const std::string& contact, std::uint64_t handled) -> bool {
        auto& convs = self->state.conversations;
        auto i = convs.find(contact);
        if (i == convs.end() || i->second.forwarded != handled) {
          return false;  // a message is on its way to it: stay
        }
        self->demonitor(i->second.actor.address());
        convs.erase(i);
        return true;
      },
      [self](count_atom) -> std::uint64_t { return self->state.conversations.size(); },
  };
}

}  // namespace openhouse::runtime
