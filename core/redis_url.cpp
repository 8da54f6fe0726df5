#include "core/redis_url.hpp"

#include <charconv>

namespace openhouse::redis {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Percent-decodes URL credentials; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) {
      return std::nullopt;  // '%' needs two hex digits after it
    }
    const int hi = hex_value(s[i + 1]);
    const int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

template <class Int>
bool parse_decimal(std::string_view text, Int& out) {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && p == text.data() + text.size();
}

constexpr std::string_view url_form = "redis://[[user]:password@]host[:port][/db]";

}  // namespace

parsed_url parse_url_checked(std::string_view url) {
  auto refuse = [](std::string why) { return parsed_url{std::nullopt, std::move(why)}; };
  if (url.starts_with("rediss://")) {
    return refuse(
        "rediss:// (TLS) is not supported: this build's hiredis (Debian 12, 0.14) has no TLS; "
        "reach Redis over a private network, or through a TLS tunnel (stunnel, spiped) with "
        "redis://");
  }
  constexpr std::string_view scheme = "redis://";
  if (!url.starts_with(scheme)) {
    // The URL itself is not repeated: it may carry a password.
    const auto colon = url.find("://");
    return refuse("expected " + std::string{url_form} +
                  (colon == std::string_view::npos
                       ? std::string{" (no scheme)"}
                       : " (the scheme is " + std::string{url.substr(0, colon)} + "://)"));
  }
  std::string_view rest = url.substr(scheme.size());
  endpoint ep;
  // The credentials end at the last '@': the host and database never hold
  // one, so a password with a raw '@', '/', '#' or ':' still reads right.
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      return refuse(
          "credentials need a password: redis://user:password@host or "
          "redis://:password@host");
    }
    auto user = percent_decode(userinfo.substr(0, colon));
    auto password = percent_decode(userinfo.substr(colon + 1));
    if (!user || !password) {
      return refuse("a malformed percent-escape in the credentials (write '%' as %25)");
    }
    if (password->empty()) {
      return refuse("the password after ':' is empty");
    }
    ep.username = std::move(*user);
    ep.password = std::move(*password);
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return refuse("query parameters are not supported; the database goes in the path: " +
                  std::string{url_form});
  }
  const auto slash = rest.find('/');
  auto hostport = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    const auto db = rest.substr(slash + 1);
    if (!db.empty() && (!parse_decimal(db, ep.db) || ep.db < 0)) {
      return refuse("the database must be a number: " + std::string{url_form});
    }
  }
  std::string_view port;
  if (hostport.starts_with('[')) {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) {
      return refuse("an unclosed '[' around the host");
    }
    ep.host = std::string{hostport.substr(1, close - 1)};
    const auto after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) {
        return refuse("expected ':port' after the bracketed host");
      }
      port = after.substr(1);
      if (port.empty()) {
        return refuse("the port after ':' is empty");
      }
    }
  } else {
    const auto colon = hostport.find(':');
    ep.host = std::string{hostport.substr(0, colon)};
    if (colon != std::string_view::npos) {
      port = hostport.substr(colon + 1);
      if (port.find(':') != std::string_view::npos) {
        return refuse("an IPv6 host goes in brackets: redis://[::1]:6379");
      }
      if (port.empty()) {
        return refuse("the port after ':' is empty");
      }
    }
  }
  if (ep.host.empty()) {
    return refuse("the host is empty: " + std::string{url_form});
  }
  if (!port.empty() && (!parse_decimal(port, ep.port) || ep.port == 0)) {
    return refuse("the port must be a number from 1 to 65535");
  }
  return parsed_url{std::move(ep), {}};
}

std::optional<endpoint> parse_url(const std::string& url) { return parse_url_checked(url).value; }

}  // namespace openhouse::redis
