#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/meta/type_name.hpp>

#include <functional>

namespace openhouse::runtime {

/// Work a thread outside the actor system hands to a long-lived bridge
/// actor: typically "send this request and pass the answer to a callback".
/// Local only: a function cannot cross nodes, so nothing of it is serialized.
struct bridge_job {
  std::function<void(caf::event_based_actor*)> run;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bridge_job&) {
  return f(caf::meta::type_name("bridge_job"));
}

}  // namespace openhouse::runtime
