#include "integrations/http/responder.hpp"

#include <nlohmann/json.hpp>

namespace openhouse::http {

namespace bhttp = boost::beast::http;

bhttp::status status_of(front_errc code) {
  switch (code) {
    case front_errc::unauthorized:
      return bhttp::status::unauthorized;
    case front_errc::bad_signature:
      return bhttp::status::forbidden;
    case front_errc::body_too_large:
      return bhttp::status::payload_too_large;
    case front_errc::malformed:
      return bhttp::status::bad_request;
    case front_errc::not_found:
      return bhttp::status::not_found;
    case front_errc::method_not_allowed:
      return bhttp::status::method_not_allowed;
    case front_errc::unavailable:
      return bhttp::status::service_unavailable;
  }
  return bhttp::status::internal_server_error;
}

responder::responder(const request& req, respond_fn respond)
    : version_(req.version()), keep_alive_(req.keep_alive()), respond_(std::move(respond)) {}

response responder::make(bhttp::status status, std::string body, std::string content_type) const {
  request shape{bhttp::verb::get, "/", version_};
  shape.keep_alive(keep_alive_);
  return make_response(shape, status, std::move(body), std::move(content_type));
}

response responder::make_refusal(const refusal& r) const {
  return make(status_of(r.code), nlohmann::json{{"error", r.why}}.dump());
}

void responder::send(response res) const { respond_(std::move(res)); }

void responder::send(bhttp::status status, std::string body, std::string content_type) const {
  send(make(status, std::move(body), std::move(content_type)));
}

void responder::refuse(front_errc code, std::string_view why) const {
  send(make_refusal({code, std::string{why}}));
}

}  // namespace openhouse::http
