#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

struct redisContext;

/// A blocking hiredis connection. Used only from detached worker actors.
namespace openhouse::redis {

struct endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  int db = 0;
};

/// Parses redis://host[:port][/db]; nullopt when malformed.
std::optional<endpoint> parse_url(const std::string& url);

class client {
public:
  explicit client(endpoint ep, std::chrono::milliseconds timeout = std::chrono::milliseconds{500});
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// True when the server answers PONG; reconnects if the link was lost.
  bool ping();

private:
  bool ensure_connected();
  void drop();

  endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  redisContext* ctx_ = nullptr;
};

}  // namespace openhouse::redis
