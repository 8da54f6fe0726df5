#include "integrations/redis/subscriber.hpp"

#include <hiredis/hiredis.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

namespace openhouse::redis {

namespace {

using steady = std::chrono::steady_clock;

struct context_deleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

struct reply_deleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

/// Why a session ended; carried by exception from deep inside it to session().
struct session_failure {
  std::string reason;
  bool refused = false;  ///< Redis answered with an error (e.g. a wrong password)
};

/// hiredis writes with write(2): a write to a socket Redis has closed raises
/// SIGPIPE, whose default action would end the process. Blocked on this
/// thread for good: the subscriber's thread runs nothing else.
void block_sigpipe_on_this_thread() {
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
}

std::string_view text_of(const redisReply* r) {
  return r->str == nullptr ? std::string_view{} : std::string_view{r->str, r->len};
}

int millis_until(steady::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

}  // namespace

subscriber::subscriber(endpoint ep, std::string channel, message_handler on_message,
                       state_handler on_state, subscriber_settings settings, fence_handler on_fence)
    : endpoint_(std::move(ep)),
      channel_(std::move(channel)),
      on_message_(std::move(on_message)),
      on_state_(std::move(on_state)),
      settings_(settings),
      on_fence_(std::move(on_fence)) {
  std::array<int, 2> fds{};
  if (pipe2(fds.data(), O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "subscriber: pipe");
  }
  wake_read_ = fds[0];
  wake_write_ = fds[1];
  thread_ = std::thread{[this] { run(); }};
}

subscriber::~subscriber() {
  stop();
  close(wake_read_);
  close(wake_write_);
}

void subscriber::stop() {
  const std::lock_guard lock{stop_mutex_};
  stopping_.store(true);
  // The pipe stays readable from now on, so every later poll() returns at once.
  const char byte = 1;
  [[maybe_unused]] auto n = write(wake_write_, &byte, 1);
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
    thread_.join();
  }
}

void subscriber::set_state(bool connected) {
  if (connected_.exchange(connected) == connected) {
    return;  // only transitions are reported
  }
  if (!on_state_) {
    return;
  }
  try {
    on_state_(connected);
  } catch (const std::exception& e) {
    spdlog::error("redis subscriber {}: on_state threw: {}", channel_, e.what());
  } catch (...) {
    spdlog::error("redis subscriber {}: on_state threw", channel_);
  }
}

bool subscriber::pause(std::chrono::milliseconds delay) {
  const auto deadline = steady::now() + delay;
  while (!stopping_.load()) {
    const int left = millis_until(deadline);
    if (left <= 0) {
      return true;
    }
    pollfd p{wake_read_, POLLIN, 0};
    if (poll(&p, 1, left) > 0) {
      return false;
    }
  }
  return false;
}

void subscriber::run() {
  block_sigpipe_on_this_thread();
  auto backoff = settings_.backoff_min;
  while (!stopping_.load()) {
    const bool was_up = session();
    set_state(false);
    if (stopping_.load()) {
      break;
    }
    if (was_up) {
      backoff = settings_.backoff_min;  // a fresh outage starts with a short wait
    }
    if (!pause(backoff)) {
      break;
    }
    backoff = std::min(backoff * 2, settings_.backoff_max);
  }
}

bool subscriber::session() {
  bool confirmed = false;
  try {
    // Non-blocking all the way, so that every wait is a poll() that also
    // watches the stop pipe: stop() never waits for a connect or a read.
    context_ptr ctx{redisConnectNonBlock(endpoint_.host.c_str(), endpoint_.port)};
    if (!ctx) {
      throw session_failure{"cannot allocate a context"};
    }
    if (ctx->err != 0) {
      throw session_failure{ctx->errstr};
    }
    redisEnableKeepAlive(ctx.get());

    // Waits until the socket is ready for `events` or `deadline`; false on
    // stop(), throws on timeout.
    auto wait_for = [&](short events, steady::time_point deadline) -> std::optional<short> {
      for (;;) {
        if (stopping_.load()) {
          return std::nullopt;
        }
        std::array<pollfd, 2> fds{{{ctx->fd, events, 0}, {wake_read_, POLLIN, 0}}};
        const int left = millis_until(deadline);
        const int n = poll(fds.data(), fds.size(), left);
        if (n < 0 && errno == EINTR) {
          continue;
        }
        if (n < 0) {
          throw session_failure{std::string{"poll: "} + std::strerror(errno)};
        }
        if ((fds[1].revents & POLLIN) != 0) {
          return std::nullopt;
        }
        if (fds[0].revents != 0) {
          return fds[0].revents;
        }
        if (left <= 0) {
          return static_cast<short>(0);  // timed out
        }
      }
    };

    // Connect: writable means connected or failed; SO_ERROR tells which.
    auto ready = wait_for(POLLOUT, steady::now() + settings_.timeout);
    if (!ready) {
      return false;
    }
    if (*ready == 0) {
      throw session_failure{"connect timed out"};
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (getsockopt(ctx->fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 || so_error != 0) {
      throw session_failure{std::string{"connect: "} + std::strerror(so_error)};
    }

    auto flush = [&](steady::time_point deadline) -> bool {
      int done = 0;
      while (done == 0) {
        if (redisBufferWrite(ctx.get(), &done) != REDIS_OK) {
          throw session_failure{ctx->errstr};
        }
        if (done == 0) {
          auto w = wait_for(POLLOUT, deadline);
          if (!w) {
            return false;
          }
          if (*w == 0) {
            throw session_failure{"write timed out"};
          }
        }
      }
      return true;
    };
    auto send = [&](std::initializer_list<std::string_view> argv) -> bool {
      std::vector<const char*> ptrs;
      std::vector<std::size_t> lens;
      for (const auto& a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
      }
      if (redisAppendCommandArgv(ctx.get(), static_cast<int>(ptrs.size()), ptrs.data(),
                                 lens.data()) != REDIS_OK) {
        throw session_failure{ctx->errstr};
      }
      return flush(steady::now() + settings_.timeout);
    };

    // AUTH first (a protected server answers nothing else); pub/sub ignores
    // the database, but SELECT keeps the link honest about it.
    for (const auto& cmd : handshake(endpoint_)) {
      std::vector<const char*> ptrs;
      std::vector<std::size_t> lens;
      for (const auto& a : cmd) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
      }
      if (redisAppendCommandArgv(ctx.get(), static_cast<int>(ptrs.size()), ptrs.data(),
                                 lens.data()) != REDIS_OK) {
        throw session_failure{ctx->errstr};
      }
    }
    if (!send({"SUBSCRIBE", channel_})) {
      return false;
    }

    auto confirm_deadline = steady::now() + settings_.timeout;
    auto last_traffic = steady::now();
    std::optional<steady::time_point> ping_deadline;
    // Fences: the send time of the PING awaiting its answer, and when to send
    // the next one.
    const bool fencing = settings_.fence_interval.count() > 0;
    std::optional<steady::time_point> ping_sent;
    auto next_fence = steady::now();
    for (;;) {
      steady::time_point deadline;
      if (!confirmed) {
        deadline = confirm_deadline;
      } else if (ping_deadline) {
        deadline = *ping_deadline;
      } else if (fencing) {
        deadline = next_fence;
      } else {
        deadline = last_traffic + settings_.ping_interval;
      }
      auto ev = wait_for(POLLIN, deadline);
      if (!ev) {
        return confirmed;
      }
      if (*ev == 0) {
        if (!confirmed) {
          throw session_failure{"SUBSCRIBE was not confirmed in time"};
        }
        if (ping_deadline) {
          throw session_failure{"no answer to PING in time"};
        }
        // Idle for a while, or time for a fence: PING (allowed while
        // subscribed) proves the link is alive.
        ping_sent = steady::now();
        ping_deadline = *ping_sent + settings_.timeout;
        if (!send({"PING"})) {
          return confirmed;
        }
        continue;
      }
      if (redisBufferRead(ctx.get()) != REDIS_OK) {
        throw session_failure{ctx->errstr};
      }
      last_traffic = steady::now();
      if (!fencing) {
        ping_deadline.reset();  // any traffic proves the link is alive
      } else if (ping_deadline) {
        // Alive; the fence still waits for its own answer.
        ping_deadline = last_traffic + settings_.timeout;
      }
      for (;;) {
        void* raw = nullptr;
        if (redisGetReplyFromReader(ctx.get(), &raw) != REDIS_OK) {
          throw session_failure{ctx->errstr};
        }
        if (raw == nullptr) {
          break;  // no complete reply buffered
        }
        reply_ptr reply{static_cast<redisReply*>(raw)};
        if (reply->type == REDIS_REPLY_ERROR) {
          throw session_failure{explain_error(text_of(reply.get())), true};
        }
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
            reply->element[0]->type != REDIS_REPLY_STRING) {
          continue;  // +OK of SELECT
        }
        const auto type = text_of(reply->element[0]);
        if (type == "subscribe") {
          confirmed = true;
          set_state(true);
          next_fence = steady::now();  // the first fence at once
        } else if (type == "pong") {
          if (ping_sent) {
            const auto sent = *ping_sent;
            ping_sent.reset();
            ping_deadline.reset();
            next_fence = sent + settings_.fence_interval;
            if (fencing && on_fence_) {
              try {
                on_fence_(sent);
              } catch (const std::exception& e) {
                spdlog::error("redis subscriber {}: on_fence threw: {}", channel_, e.what());
              } catch (...) {
                spdlog::error("redis subscriber {}: on_fence threw", channel_);
              }
            }
          }
        } else if (type == "message" && reply->elements == 3 &&
                   reply->element[2]->type == REDIS_REPLY_STRING) {
          if (on_message_) {
            try {
              on_message_(std::string{text_of(reply->element[2])});
            } catch (const std::exception& e) {
              spdlog::error("redis subscriber {}: on_message threw: {}", channel_, e.what());
            } catch (...) {
              spdlog::error("redis subscriber {}: on_message threw", channel_);
            }
          }
        }
        // "pong" and anything else: traffic only.
        if (stopping_.load()) {
          return confirmed;
        }
      }
    }
  } catch (const session_failure& f) {
    if (confirmed) {
      spdlog::warn("redis subscriber {}: lost {}: {}", channel_, describe(endpoint_), f.reason);
    } else if (f.refused && f.reason != last_refusal_) {
      // Retrying will not help until an operator acts: say it, once per reason.
      spdlog::error("redis subscriber {}: {} refused: {}", channel_, describe(endpoint_), f.reason);
    } else {
      spdlog::debug("redis subscriber {}: cannot subscribe at {}: {}", channel_,
                    describe(endpoint_), f.reason);
    }
    if (f.refused) {
      last_refusal_ = f.reason;
    }
  } catch (const std::exception& e) {
    spdlog::error("redis subscriber {}: {}", channel_, e.what());
  }
  return confirmed;
}

}  // namespace openhouse::redis
