#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

/// Blocking outbound HTTP calls (libcurl) for the outbox: Twilio's REST API
/// and the CRM's. Used only from detached actors.
namespace openhouse::http {

/// One request, fully built by plain functions (integrations/twilio/
/// rest_request, integrations/crm/api_request) so that it can be tested
/// without a network.
struct outbound_request {
  std::string method = "POST";  ///< POST | DELETE | PUT | GET
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value"
  std::string body;
};

/// What came back. status 0: no HTTP answer (connect failure, timeout), and
/// `error` says why.
struct outbound_response {
  long status = 0;
  std::string body;
  std::string error;
};

/// One libcurl easy handle, reused across calls (keep-alive). Not
/// thread-safe: one per worker.
class outbound_client {
 public:
  explicit outbound_client(std::chrono::milliseconds timeout);
  ~outbound_client();
  outbound_client(const outbound_client&) = delete;
  outbound_client& operator=(const outbound_client&) = delete;

  /// Performs `req`. Never throws except std::bad_alloc: transport failures
  /// come back as status 0 with `error` set.
  [[nodiscard]] outbound_response send(const outbound_request& req);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace openhouse::http
