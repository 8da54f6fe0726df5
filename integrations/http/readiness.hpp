#pragma once

#include <string>

/// What /readyz answers, as a plain function of what the node knows, so the
/// rules test without a server.
namespace openhouse::http {

/// Whether the node's dependencies answer.
struct readiness {
  bool redis = false;
  bool postgres = false;
  std::string redis_error;  ///< why Redis is down ("" when it answers or nobody knows)
};

/// The HTTP status and JSON body of one /readyz answer.
struct readiness_answer {
  int status = 200;
  std::string body;
};

/// The rules, in order:
/// - draining (the node got SIGTERM): 503 {"status":"draining"}, whatever
///   the dependencies, so the balancer stops sending before the node stops;
/// - PostgreSQL down: 503 "not ready", since no turn can be stored;
/// - Redis down: 200 "degraded": the node still answers every webhook (L1,
///   the provider, budgets counted locally), and a Redis blip must not take
///   every node of a fleet out of the balancer at once;
/// - otherwise 200 "ready".
/// The body names each dependency ("ok" / "down") and, when Redis is down
/// and the reason is known, `redis_error`.
[[nodiscard]] readiness_answer answer_readiness(const readiness& r, bool draining);

}  // namespace openhouse::http
