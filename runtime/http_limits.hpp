#pragma once

#include "config/market.hpp"
#include "core/metrics.hpp"
#include "integrations/http/server.hpp"

#include <memory>

namespace openhouse::runtime {

/// The HTTP front's options from the market's `server:` section: address,
/// threads, body and header limits, the connection cap and the idle, header
/// and body read timeouts. Each connection event (an eviction, a refusal, a
/// read timeout, ...) is counted in `openhouse_http_connection_events_total
/// {event}` when `m` is set.
[[nodiscard]] http::server_options front_server_options(const config::server_settings& s,
                                                        const std::shared_ptr<metrics>& m);

}  // namespace openhouse::runtime
