#include "integrations/http/route_table.hpp"

#include <algorithm>

namespace openhouse::http {

namespace bhttp = boost::beast::http;

namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

/// The next '/'-separated segment of `s` from `pos`; moves `pos` past it.
std::string_view next_segment(std::string_view s, std::size_t& pos) {
  const auto end = std::min(s.find('/', pos), s.size());
  const auto segment = s.substr(pos, end - pos);
  pos = end + 1;
  return segment;
}

bool has_params(std::string_view pattern) { return pattern.find('{') != std::string_view::npos; }

}  // namespace

bool match_pattern(std::string_view pattern, std::string_view path, route_params& params) {
  if (!has_params(pattern)) {
    return pattern == path;
  }
  route_params found;
  std::size_t p = 0;
  std::size_t q = 0;
  while (p <= pattern.size() && q <= path.size()) {
    const auto want = next_segment(pattern, p);
    const auto got = next_segment(path, q);
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (got.empty()) {
        return false;
      }
      found.emplace(std::string{want.substr(1, want.size() - 2)}, std::string{got});
    } else if (want != got) {
      return false;
    }
  }
  // Both ran out together: as many segments in the path as in the pattern.
  if (p <= pattern.size() || q <= path.size()) {
    return false;
  }
  params = std::move(found);
  return true;
}

route_table::route_table(std::vector<route> routes, auth_check auth, std::size_t default_body_limit)
    : routes_(std::move(routes)), auth_(std::move(auth)), default_body_limit_(default_body_limit) {}

route_table::match route_table::find(std::string_view target) const {
  const auto path = path_of(target);
  match literal;
  match patterned;
  for (const auto& r : routes_) {
    route_params params;
    if (!match_pattern(r.pattern, path, params)) {
      continue;
    }
    auto& m = has_params(r.pattern) ? patterned : literal;
    m.routes.push_back(&r);
    if (!params.empty()) {
      m.params = std::move(params);
    }
  }
  return literal.routes.empty() ? patterned : literal;
}

std::size_t route_table::body_limit(bhttp::verb method, std::string_view target) const {
  for (const auto* r : find(target).routes) {
    if (r->method == method) {
      return r->body_limit;
    }
  }
  return default_body_limit_;
}

std::string route_table::label_of(std::string_view target) const {
  const auto m = find(target);
  return m.routes.empty() ? "other" : m.routes.front()->pattern;
}

std::string route_table::allow_of(std::string_view target) const {
  std::string allow;
  for (const auto* r : find(target).routes) {
    const auto name = std::string{bhttp::to_string(r->method)};
    if (allow.find(name) == std::string::npos) {
      allow += (allow.empty() ? "" : ", ") + name;
    }
  }
  return allow;
}

void route_table::dispatch(request&& req, respond_fn respond) const {
  responder reply{req, std::move(respond)};
  auto m = find(req.target());
  if (m.routes.empty()) {
    return reply.refuse(front_errc::not_found, "no such route");
  }
  const auto it = std::find_if(m.routes.begin(), m.routes.end(),
                               [&](const route* r) { return r->method == req.method(); });
  if (it == m.routes.end()) {
    auto res = reply.make_refusal({front_errc::method_not_allowed, "method not allowed"});
    res.set(bhttp::field::allow, allow_of(req.target()));
    return reply.send(std::move(res));
  }
  const route& r = **it;
  // The server refuses a long body before reading it (see body_limit); this
  // keeps the rule when the table is driven without one.
  if (req.body().size() > r.body_limit) {
    return reply.refuse(front_errc::body_too_large, "request body too large");
  }
  if (r.auth != route_auth::none) {
    if (auto refused = auth_ ? auth_(r.auth, req)
                             : std::optional<refusal>{{front_errc::unauthorized, "no auth"}}) {
      auto res = reply.make_refusal(*refused);
      if (refused->code == front_errc::unauthorized) {
        res.set(bhttp::field::www_authenticate, "Bearer");
      }
      return reply.send(std::move(res));
    }
  }
  r.handle(std::move(req), m.params, std::move(reply));
}

}  // namespace openhouse::http
