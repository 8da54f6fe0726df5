#pragma once

#include "core/redis_url.hpp"

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;
struct redisReply;

/// A blocking hiredis connection. Used only from detached worker actors.
namespace openhouse::redis {

/// The commands every new connection sends before any other, in order:
/// AUTH (with the user when there is one) when the endpoint has a password,
/// then SELECT when its database is not 0. Shared by the blocking client,
/// the pipeline and the subscriber, so that all three log in alike.
[[nodiscard]] std::vector<std::vector<std::string>> handshake(const endpoint& ep);

/// "host:port" for messages (IPv6 hosts in brackets); never the password.
[[nodiscard]] std::string describe(const endpoint& ep);

/// Adds a hint to a Redis error met during the handshake or on the first
/// command (NOAUTH: the server wants a password the URL does not give;
/// WRONGPASS: the URL's user or password is wrong).
[[nodiscard]] std::string explain_error(std::string_view redis_error);

/// Any failure of a Redis call: no connection, a timeout, a broken link or an
/// error reply. The client has already dropped its connection when this is
/// thrown; the next call reconnects.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One blocking connection to Redis, opened on first use and re-opened after
/// any failure. Not thread-safe: one client per thread (or detached actor).
///
/// Keys and values are binary-safe (they may contain NUL bytes). Every call
/// but ping() throws redis::error on failure; none of them ever waits longer
/// than the timeout for one network operation.
class client {
 public:
  /// `timeout` bounds the connect and every read and write.
  explicit client(endpoint ep, std::chrono::milliseconds timeout = std::chrono::milliseconds{500});
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// True when the server answers PONG; reconnects if the link was lost.
  /// Never throws: this is the health check (last_error() says why not).
  bool ping();

  /// The message of the last failure ("" before any); e.g. a wrong password.
  [[nodiscard]] const std::string& last_error() const { return last_error_; }

  /// EVAL of `script` with `keys` and `args`, whose reply must be an array of
  /// integers (or a single integer): the integers, in order.
  std::vector<std::int64_t> eval_integers(std::string_view script,
                                          const std::vector<std::string_view>& keys,
                                          const std::vector<std::string_view>& args);

  /// GET: the value, or nullopt when the key does not exist.
  std::optional<std::string> get(std::string_view key);

  /// SET key value PX ttl_ms. `ttl_ms` must be positive (Redis rejects 0).
  void set_px(std::string_view key, std::string_view value, std::int64_t ttl_ms);

  /// DEL: true when the key existed.
  bool del(std::string_view key);

  /// MGET: one result per key, in order (nullopt for a missing key or a
  /// non-string value). An empty list answers without asking Redis.
  std::vector<std::optional<std::string>> mget(const std::vector<std::string>& keys);

  /// INCR: the new value.
  std::int64_t incr(std::string_view key);

  /// PUBLISH: the number of subscribers that received the message.
  std::int64_t publish(std::string_view channel, std::string_view message);

  /// INCR `counter_key` and PUBLISH `message` on `channel` inside one
  /// MULTI/EXEC, sent in one pipelined round trip: either both happen or
  /// neither does, so no counter moves without its message. Returns the new
  /// counter value.
  std::int64_t bump(std::string_view counter_key, std::string_view channel,
                    std::string_view message);

  /// As bump(), but the message names the counter's new value: it is
  /// `message_head + <new value in decimal> + message_tail`, put together by
  /// Redis in the same atomic step as the INCR (a small Lua script: INCR,
  /// GET, PUBLISH), so subscribers learn the new generation and there is
  /// still never a bump without its message, in one round trip.
  std::int64_t bump_with(std::string_view counter_key, std::string_view channel,
                         std::string_view message_head, std::string_view message_tail);

  /// SET `key` `value` NX, then GET `key`, in one atomic step (a small Lua
  /// script, one round trip): the value the key holds afterwards — `value`
  /// when the key was absent, the one already there otherwise. This is how
  /// several clients agree on one value that the first of them creates.
  std::string set_nx_get(std::string_view key, std::string_view value);

  /// What bump_in_epoch() returns: the counter's new value, the epoch key's
  /// value and the bump's sequence number.
  struct epoch_bump {
    std::int64_t value = 0;
    std::string epoch;
    std::int64_t seq = 0;
  };

  /// As bump_with(), and in the same atomic step, before the INCR, the same
  /// as set_nx_get(epoch_key, fresh_epoch): the caller learns which epoch
  /// (Redis life) the new value belongs to, and a bump on an empty Redis
  /// creates the epoch rather than leaving a counter without one. The step
  /// also INCRs `seq_key`, the sequence every bump of the deployment shares,
  /// and the message is `message_head + value + "|" + seq + "|" + epoch +
  /// message_tail`, so a subscriber that misses a message sees the gap.
  epoch_bump bump_in_epoch(std::string_view counter_key, std::string_view epoch_key,
                           std::string_view seq_key, std::string_view fresh_epoch,
                           std::string_view channel, std::string_view message_head,
                           std::string_view message_tail);

  [[nodiscard]] const endpoint& where() const { return endpoint_; }

 private:
  struct reply_deleter {
    void operator()(redisReply* r) const;
  };
  using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

  /// Connects when there is no usable connection; throws when it cannot.
  void ensure_connected();
  void drop();
  /// Drops the connection and throws; `what` names the operation.
  [[noreturn]] void fail(std::string_view what, std::string_view detail);
  /// Queues one command (binary-safe arguments with explicit lengths, the
  /// argv form of hiredis' %b) without sending it.
  void append(std::string_view what, std::initializer_list<std::string_view> argv);
  void append(std::string_view what, const std::vector<std::string_view>& argv);
  /// Sends what is queued and reads the next reply; throws on I/O failure.
  /// Error replies are returned, not thrown (inside MULTI they are data).
  reply_ptr read_reply(std::string_view what);
  /// append() + read_reply(), throwing on an error reply too.
  reply_ptr command(std::string_view what, std::initializer_list<std::string_view> argv);
  reply_ptr command(std::string_view what, const std::vector<std::string_view>& argv);

  endpoint endpoint_;
  std::string last_error_;
  std::chrono::milliseconds timeout_;
  redisContext* ctx_ = nullptr;
};

}  // namespace openhouse::redis
