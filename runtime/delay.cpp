#include "runtime/delay.hpp"

#include <caf/all.hpp>

#include <chrono>

namespace openhouse::runtime {

delay_actor::behavior_type delay(delay_actor::stateful_pointer<delay_state> self) {
  return {
      [self](wait_atom, std::int64_t ms) -> caf::result<bool> {
        auto& st = self->state;
        const auto id = st.next++;
        auto rp = self->make_response_promise<bool>();
        st.waiting.emplace(id, rp);
        self->delayed_send(self, std::chrono::milliseconds{ms}, fire_atom_v, id);
        return rp;
      },
      [self](fire_atom, std::uint64_t id) {
        auto& st = self->state;
        if (auto i = st.waiting.find(id); i != st.waiting.end()) {
          i->second.deliver(true);
          st.waiting.erase(i);
        }
      },
  };
}

}  // namespace openhouse::runtime
