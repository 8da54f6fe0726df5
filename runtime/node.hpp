#pragma once

#include "config/deployment.hpp"
#include "config/market.hpp"

#include <iosfwd>
#include <memory>

namespace openhouse::runtime {

/// `openhouse serve`: migrates, starts the actors and the HTTP front, prints
/// "listening on http://ADDR:PORT", runs until SIGINT/SIGTERM, then drains
/// (drain_timing_of: /readyz 503, serving on for server.drain_delay after
/// SIGTERM), stops accepting, lets in-flight requests finish and shuts the
/// actors down; returns 0. Every market of `node` is served by one HTTP
/// front: an SMS goes to the market of its `To` number, a CRM webhook to
/// the market of its location id.
int run_serve(config::deployment node, std::ostream& out);

/// `openhouse migrate`: applies pending migrations and reports how many ran.
int run_migrate(const config::market_config& cfg, std::ostream& out, std::ostream& err);

}  // namespace openhouse::runtime
