#pragma once

#include "config/market.hpp"

#include <chrono>

namespace openhouse::runtime {

/// How a node stops after a signal: /readyz answers 503 "draining" at once,
/// the node keeps serving for `delay` (the balancer's time to notice and
/// deregister it), then closes its listener and waits up to `grace` for the
/// requests in flight before the actors stop.
struct drain_timing {
  std::chrono::milliseconds delay{0};
  std::chrono::milliseconds grace{0};
};

/// SIGTERM (what orchestrators and balancer-aware scripts send) waits
/// server.drain_delay; SIGINT (Ctrl-C at a terminal) does not wait. Either
/// way the grace covers a whole turn: the longest a caller waits for one
/// (turn_deadline: max(llm.timeout, reply.budget) plus the writes' margin),
/// so a turn that started before the signal is answered, never cut off;
/// it is never below reply.budget.
[[nodiscard]] drain_timing drain_timing_of(const config::market_config& cfg, int signal);

}  // namespace openhouse::runtime
