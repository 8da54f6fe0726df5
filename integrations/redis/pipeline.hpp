#pragma once

#include "integrations/redis/client.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;

/// A non-blocking, pipelined Redis connection that never waits: the owner
/// queues commands and calls poll() until their replies are in. It is how an
/// event-based actor talks to Redis without a thread hand-off (the cache's
/// L2 reads: see cache/l2_reader.hpp), where a blocking client would have to
/// live on a thread of its own and every request would pay two thread
/// wake-ups.
namespace openhouse::redis {

/// One reply, copied out of hiredis (so that callers need not include it).
struct reply {
  enum class kind : std::uint8_t { nil, string, integer, array, status, error };
  kind type = kind::nil;
  std::string text;  ///< string, status and error replies
  std::int64_t integer = 0;
  std::vector<reply> elements;  ///< array replies
};

/// Not thread-safe: one owner (an actor's state). Keys and values are
/// binary-safe. Every call that fails on the link throws redis::error and
/// leaves the pipeline dropped: every command in flight is lost (the caller
/// fails them) and the next send() reconnects.
class pipeline {
 public:
  explicit pipeline(endpoint ep);
  ~pipeline();
  pipeline(const pipeline&) = delete;
  pipeline& operator=(const pipeline&) = delete;

  /// Queues one command and writes what it can at once (the connect, started
  /// here when there is no link, may still be in progress: the bytes then go
  /// out from poll()). Its reply comes from a later poll(), in send order.
  void send(const std::vector<std::string_view>& argv);

  /// Makes progress without waiting: completes a connect in progress, writes
  /// queued bytes, reads what has arrived and appends every complete reply to
  /// `out`, in send order. Returns how many it appended.
  std::size_t poll(std::vector<reply>& out);

  /// Commands sent whose replies have not been returned by poll() yet.
  [[nodiscard]] std::size_t in_flight() const noexcept { return in_flight_; }

  /// The socket, to wait on for readiness (fd_watcher); -1 without a link.
  [[nodiscard]] int fd() const noexcept;

  /// True while the connect is in progress or queued bytes are not written:
  /// wait for the socket to be writable too, not only readable.
  [[nodiscard]] bool wants_write() const noexcept;

  /// Closes the link; commands in flight are forgotten.
  void drop() noexcept;

  [[nodiscard]] const endpoint& where() const noexcept { return endpoint_; }

 private:
  void connect();
  /// True once the non-blocking connect has completed; throws if it failed.
  bool connected_now();
  void flush();
  [[noreturn]] void fail(std::string_view what, std::string_view detail);

  endpoint endpoint_;
  redisContext* ctx_ = nullptr;
  bool connecting_ = false;
  /// Commands the pipeline sent itself (AUTH, SELECT), whose replies it
  /// swallows, in send order.
  std::deque<std::string> internal_;
  std::size_t in_flight_ = 0;
};

}  // namespace openhouse::redis
