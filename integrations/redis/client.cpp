#include "integrations/redis/client.hpp"

#include <hiredis/hiredis.h>

#include <charconv>
#include <cstring>

namespace openhouse::redis {

std::optional<endpoint> parse_url(const std::string& url) {
  constexpr std::string_view scheme = "redis://";
  std::string_view rest{url};
  if (!rest.starts_with(scheme)) {
    return std::nullopt;
  }
  rest.remove_prefix(scheme.size());
  endpoint ep;
  const auto slash = rest.find('/');
  auto hostport = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    auto db = rest.substr(slash + 1);
    if (!db.empty()) {
      auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), ep.db);
      if (ec != std::errc{} || p != db.data() + db.size()) {
        return std::nullopt;
      }
    }
  }
  if (const auto at = hostport.rfind('@'); at != std::string_view::npos) {
    hostport.remove_prefix(at + 1);  // credentials are not supported yet; ignored
  }
  const auto colon = hostport.rfind(':');
  ep.host = std::string{hostport.substr(0, colon)};
  if (colon != std::string_view::npos) {
    auto port = hostport.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), ep.port);
    if (ec != std::errc{} || p != port.data() + port.size() || ep.port == 0) {
      return std::nullopt;
    }
  }
  if (ep.host.empty()) {
    return std::nullopt;
  }
  return ep;
}

client::client(endpoint ep, std::chrono::milliseconds timeout)
    : endpoint_(std::move(ep)), timeout_(timeout) {}

client::~client() { drop(); }

void client::drop() {
  if (ctx_ != nullptr) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
}

bool client::ensure_connected() {
  if (ctx_ != nullptr && ctx_->err == 0) {
    return true;
  }
  drop();
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
  ctx_ = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv);
  if (ctx_ == nullptr || ctx_->err != 0) {
    drop();
    return false;
  }
  redisSetTimeout(ctx_, tv);
  return true;
}

bool client::ping() {
  if (!ensure_connected()) {
    return false;
  }
  auto* reply = static_cast<redisReply*>(redisCommand(ctx_, "PING"));
  if (reply == nullptr) {
    drop();
    return false;
  }
  const bool ok = reply->type == REDIS_REPLY_STATUS && std::strcmp(reply->str, "PONG") == 0;
  freeReplyObject(reply);
  return ok;
}

}  // namespace openhouse::redis
