#include "runtime/drain_timing.hpp"

#include "runtime/node_parts.hpp"

#include <algorithm>
#include <csignal>

namespace openhouse::runtime {

drain_timing drain_timing_of(const config::market_config& cfg, int signal) {
  drain_timing t;
  t.delay = signal == SIGINT ? std::chrono::milliseconds{0} : cfg.server.drain_delay;
  // One second past the turn's own deadline: by then its caller has an
  // answer (the reply, or the error that ends a turn past its deadline).
  t.grace = std::max(turn_deadline(cfg), cfg.reply.budget) + std::chrono::seconds{1};
  return t;
}

}  // namespace openhouse::runtime
