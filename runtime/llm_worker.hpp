#pragma once

#include "config/market.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <memory>

namespace openhouse::runtime {

/// Provider calls behind an actor interface. Failures arrive as
/// llm::client_errc errors (category "llm").
using llm_actor = caf::typed_actor<
    caf::replies_to<complete_atom, llm::messages_request>::with<llm::messages_response>>;

/// Encodes a provider failure as the client sends it to the gateway: the
/// llm::client_errc code with (message, http_status, retry_after seconds or -1).
caf::error make_provider_error(const llm::client_error& failure);

/// Decodes a client's error; anything else (a request timeout, a lost
/// actor) becomes a timeout or transport failure, which may be retried.
llm::client_error provider_error(const caf::error& err);

/// The provider client's instruments on /metrics.
struct provider_metrics {
  explicit provider_metrics(runtime::metrics& m);
  prometheus::Gauge& in_flight;       ///< calls sent and not yet answered
  prometheus::Gauge& peak_in_flight;  ///< the most ever in flight at once
  prometheus::Gauge& queued;          ///< calls waiting for their model's rate limit
  prometheus::Counter& connections_opened;
  prometheus::Counter& connections_reused;
  prometheus::Counter& queue_full;  ///< calls refused because the queue was full
};

/// Spawns the provider client: one event-based actor over one
/// llm::async_transport (a single event-loop thread for every call, however
/// many are in flight). Calls start in arrival order as `settings.rate_limits`
/// allow; the others wait in a queue of at most `settings.queue_limit` (a call
/// beyond it fails at once as rate_limited). Each call's deadline is
/// `settings.timeout` from its arrival, queueing included. `metrics` and `time`
/// may be null (no instruments; the system clock).
llm_actor spawn_llm_client(caf::actor_system& sys, const config::llm_settings& settings,
                           std::shared_ptr<runtime::metrics> metrics = nullptr,
                           std::shared_ptr<const clock> time = nullptr);

}  // namespace openhouse::runtime
