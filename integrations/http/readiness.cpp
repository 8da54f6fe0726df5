#include "integrations/http/readiness.hpp"

#include <nlohmann/json.hpp>

namespace openhouse::http {

readiness_answer answer_readiness(const readiness& r, bool draining) {
  if (draining) {
    return {503, R"({"status":"draining"})"};
  }
  const char* status = !r.postgres ? "not ready" : (r.redis ? "ready" : "degraded");
  nlohmann::json body{{"status", status},
                      {"redis", r.redis ? "ok" : "down"},
                      {"postgres", r.postgres ? "ok" : "down"}};
  if (!r.redis && !r.redis_error.empty()) {
    body["redis_error"] = r.redis_error;
  }
  // An error text is not ours to trust as UTF-8: replace what is not.
  return {r.postgres ? 200 : 503,
          body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace openhouse::http
