#pragma once

#include "integrations/http/server.hpp"

#include <boost/beast/http.hpp>

#include <string>
#include <string_view>

namespace openhouse::http {

/// Every way a request is refused, mapped to its HTTP status in one place.
enum class front_errc {
  unauthorized,        ///< 401: missing or wrong admin bearer token
  bad_signature,       ///< 403
  body_too_large,      ///< 413: over the route's body limit
  malformed,           ///< 400
  not_found,           ///< 404
  method_not_allowed,  ///< 405
  unavailable,         ///< 503: accepted work could not be done now; retry
};

/// The HTTP status of a refusal.
boost::beast::http::status status_of(front_errc code);

/// A refused request: why, and how that maps to HTTP (status_of).
struct refusal {
  front_errc code = front_errc::malformed;
  std::string why;
};

/// Answers one request, once, from any thread. Keeps only what an answer
/// needs of its request (HTTP version, keep-alive), so a handler's
/// completion callback can answer long after the request is gone.
class responder {
 public:
  responder(const request& req, respond_fn respond);

  /// A response shaped for this request (version, keep-alive, content type).
  [[nodiscard]] response make(boost::beast::http::status status, std::string body,
                              std::string content_type = "application/json") const;

  /// A refusal: status_of(code) with {"error": why}.
  [[nodiscard]] response make_refusal(const refusal& r) const;

  /// Sends a response built with make().
  void send(response res) const;

  /// Builds and sends.
  void send(boost::beast::http::status status, std::string body,
            std::string content_type = "application/json") const;

  /// Sends make_refusal({code, why}).
  void refuse(front_errc code, std::string_view why) const;

 private:
  unsigned version_;
  bool keep_alive_;
  respond_fn respond_;
};

}  // namespace openhouse::http
