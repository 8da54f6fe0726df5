#pragma once

#include "integrations/http/responder.hpp"
#include "integrations/http/server.hpp"

#include <boost/beast/http.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openhouse::http {

/// How a route authenticates its caller, checked before its handler runs.
enum class route_auth {
  none,
  twilio_signature,  ///< X-Twilio-Signature over the public URL and the form
  crm_signature,     ///< X-CRM-Signature (HMAC) or x-wh-signature (RSA) over the body
  bearer_token,      ///< Authorization: Bearer <admin token>
};

/// A pattern's `{name}` segments as they appear in the path (still %-encoded).
using route_params = std::map<std::string, std::string, std::less<>>;

/// Handles one request that passed the route's method, body limit and auth.
using route_handler = std::function<void(request&& req, const route_params& params, responder)>;

/// One entry of the table: everything the walker checks, then the handler.
struct route {
  std::string pattern;  ///< "/healthz", or with segments like "/admin/contacts/{phone}"
  boost::beast::http::verb method = boost::beast::http::verb::get;
  route_auth auth = route_auth::none;
  std::size_t body_limit = 0;  ///< bytes; a longer body is answered 413
  route_handler handle;
};

/// Checks a request against a route's auth: nullopt when it passes.
using auth_check = std::function<std::optional<refusal>(route_auth, const request&)>;

/// Dispatches requests through a table of routes: 404 for a path no route
/// matches, 405 (with `Allow`) for a method none of its routes takes, 413 over
/// the route's body limit, the route's auth, then its handler. A path matched
/// by a pattern without parameters wins over patterns with them, so
/// "/admin/contacts/release" is never read as a {phone}.
class route_table {
 public:
  /// `default_body_limit` applies to requests no route takes (they are
  /// refused anyway; the server reads their body up to it).
  route_table(std::vector<route> routes, auth_check auth, std::size_t default_body_limit);

  /// Answers `req` through `respond`, exactly once.
  void dispatch(request&& req, respond_fn respond) const;

  /// The body limit of a request with this method and target (the route's,
  /// or the default), known from the header alone.
  [[nodiscard]] std::size_t body_limit(boost::beast::http::verb method,
                                       std::string_view target) const;

  /// The metric label of a target: the pattern of the routes matching its
  /// path, "other" when none does (bounded cardinality).
  [[nodiscard]] std::string label_of(std::string_view target) const;

  /// The `Allow` header's value for a path: its routes' methods, or "".
  [[nodiscard]] std::string allow_of(std::string_view target) const;

  [[nodiscard]] const std::vector<route>& routes() const { return routes_; }

 private:
  struct match {
    std::vector<const route*> routes;  ///< every method's route for the path
    route_params params;
  };
  [[nodiscard]] match find(std::string_view target) const;

  std::vector<route> routes_;
  auth_check auth_;
  std::size_t default_body_limit_;
};

/// Matches a path against a pattern; fills `params` with `{name}` segments.
/// A parameter matches one non-empty segment.
[[nodiscard]] bool match_pattern(std::string_view pattern, std::string_view path,
                                 route_params& params);

}  // namespace openhouse::http
