#include "runtime/conversation_router.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

namespace openhouse::runtime {

namespace {

/// The contact's conversation, activated when needed, counted as forwarded to.
conversation_actor& conversation_of(router_actor::stateful_pointer<router_state> self,
                                    const std::string& contact) {
  auto& convs = self->state.conversations;
  auto i = convs.find(contact);
  if (i == convs.end()) {
    auto actor = self->spawn<caf::linked>(conversation, contact, self->state.deps,
                                          caf::actor_cast<passivation_actor>(self));
    i = convs.emplace(contact, router_state::entry{std::move(actor), 0}).first;
  }
  ++i->second.forwarded;
  return i->second.actor;
}

}  // namespace

router_actor::behavior_type conversation_router(router_actor::stateful_pointer<router_state> self,
                                                conversation_deps deps) {
  self->state.deps = std::move(deps);
  // Conversations are linked so that the router's exit (node shutdown) ends
  // them too. Their own exits arrive here: a passivated one has already been
  // removed and leaves normally; one that failed is forgotten (its next
  // message spawns a fresh one from the store) and never takes the router down.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    auto& convs = self->state.conversations;
    for (auto i = convs.begin(); i != convs.end(); ++i) {
      if (i->second.actor.address() == msg.source) {
        spdlog::error("a conversation actor failed: {}", to_string(msg.reason));
        convs.erase(i);
        return;
      }
    }
    if (msg.reason) {
      self->quit(msg.reason);
    }
  });
  return {
      [self](inbound_sms& msg) -> caf::delegated<turn_result> {
        auto& target = conversation_of(self, msg.from);
        return self->delegate(target, std::move(msg));
      },
      // CRM changes go to the same actor, so they are ordered with the
      // lead's messages.
      [self](crm_event& ev) -> caf::delegated<crm_result> {
        auto& target = conversation_of(self, ev.contact);
        return self->delegate(target, std::move(ev));
      },
      [self](passivate_atom, const std::string& contact, std::uint64_t handled) -> bool {
        auto& convs = self->state.conversations;
        auto i = convs.find(contact);
        if (i == convs.end() || i->second.forwarded != handled) {
          return false;  // a message is on its way to it: stay
        }
        convs.erase(i);
        return true;
      },
      [self](count_atom) -> std::uint64_t { return self->state.conversations.size(); },
  };
}

}  // namespace openhouse::runtime
