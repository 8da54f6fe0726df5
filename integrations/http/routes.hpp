#pragma once

#include "config/market.hpp"
#include "integrations/http/server.hpp"
#include "runtime/clock.hpp"
#include "runtime/messages.hpp"
#include "runtime/metrics.hpp"

#include <functional>
#include <memory>
#include <string>

/// The node's HTTP surface: webhook verification and parsing, health and
/// metrics. Knows nothing of actors: accepted messages go to `submit_sms`.
namespace openhouse::http {

/// Whether the node's dependencies answer.
struct readiness {
  bool redis = false;
  bool postgres = false;
};

/// The outcome of handing an SMS to the conversations: a result, or why not.
struct submit_outcome {
  bool ok = false;
  runtime::turn_result result;
  std::string error;
};

struct front_deps {
  std::shared_ptr<const config::market_config> config;
  std::shared_ptr<const runtime::clock> time;
  std::shared_ptr<runtime::metrics> metrics;
  /// Hands an accepted SMS to its conversation; `done` is called once, from any thread.
  std::function<void(runtime::inbound_sms, std::function<void(submit_outcome)> done)> submit_sms;
  /// Probes Redis and PostgreSQL; `done` is called once, from any thread.
  std::function<void(std::function<void(readiness)> done)> check_ready;
};

/// Every way a request is refused, mapped to its HTTP status in one place.
enum class front_errc {
  bad_signature,       ///< 403
  body_too_large,      ///< 413 (raised by the server's body limit)
  malformed,           ///< 400
  not_found,           ///< 404
  method_not_allowed,  ///< 405
  unavailable,         ///< 503: accepted work could not be done now; retry
};

boost::beast::http::status status_of(front_errc code);

/// The request handler for http::server.
handler make_front(front_deps deps);

}  // namespace openhouse::http
