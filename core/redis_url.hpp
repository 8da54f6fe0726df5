#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// A Redis URL and its parser, apart from the client (integrations/redis/client)
// because the config loader checks URLs and sits below the integrations.
namespace openhouse::redis {

struct endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  int db = 0;
  /// ACL user (Redis 6+); "" with a password is the `default` user.
  std::string username;
  /// Sent with AUTH on every connect; "" : no AUTH.
  std::string password;
};

/// What parse_url_checked() returns: the endpoint, or why the URL is refused.
struct parsed_url {
  std::optional<endpoint> value;
  std::string error;  ///< one line, never containing the password
};

/// Parses `redis://[[user]:password@]host[:port][/db]`. User and password
/// may be percent-escaped (`%40` for '@', `%2F` for '/'); an IPv6 host goes
/// in brackets. `rediss://` (TLS) is refused with a reason: Debian 12's
/// hiredis (0.14) has no TLS support, and silently talking plain text to a
/// server the operator asked to reach over TLS would be worse than stopping.
[[nodiscard]] parsed_url parse_url_checked(std::string_view url);

/// parse_url_checked() without the reason; nullopt when refused.
std::optional<endpoint> parse_url(const std::string& url);

}  // namespace openhouse::redis
