#include "integrations/redis/pipeline.hpp"

#include "integrations/redis/sigpipe_guard.hpp"

#include <hiredis/hiredis.h>

#include <sys/socket.h>

#include <poll.h>

#include <cstring>
#include <memory>

namespace openhouse::redis {

namespace {

reply copy_reply(const redisReply* r) {
  reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = reply::kind::string;
      break;
    case REDIS_REPLY_STATUS:
      out.type = reply::kind::status;
      break;
    case REDIS_REPLY_ERROR:
      out.type = reply::kind::error;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = reply::kind::integer;
      out.integer = r->integer;
      return out;
    case REDIS_REPLY_ARRAY:
      out.type = reply::kind::array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) {
        out.elements.push_back(copy_reply(r->element[i]));
      }
      return out;
    default:
      return out;  // nil
  }
  if (r->str != nullptr) {
    out.text.assign(r->str, r->len);
  }
  return out;
}

struct reply_deleter {
  void operator()(void* r) const {
    if (r != nullptr) {
      freeReplyObject(r);
    }
  }
};

}  // namespace

pipeline::pipeline(endpoint ep) : endpoint_(std::move(ep)) {}

pipeline::~pipeline() { drop(); }

void pipeline::drop() noexcept {
  if (ctx_ != nullptr) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
  connecting_ = false;
  internal_.clear();
  in_flight_ = 0;
}

int pipeline::fd() const noexcept { return ctx_ == nullptr ? -1 : ctx_->fd; }

bool pipeline::wants_write() const noexcept {
  return ctx_ != nullptr && (connecting_ || (ctx_->obuf != nullptr && sdslen(ctx_->obuf) > 0));
}

void pipeline::fail(std::string_view what, std::string_view detail) {
  // The message first: `detail` may point into the context (errstr) that
  // drop() frees.
  std::string msg = "redis ";
  msg += describe(endpoint_);
  msg += ": ";
  msg += what;
  msg += ": ";
  msg += detail;
  drop();
  throw error(msg);
}

void pipeline::connect() {
  drop();
  // A loopback or LAN connect completes (or is refused) within a poll or
  // two; until then commands queue in hiredis' output buffer.
  ctx_ = redisConnectNonBlock(endpoint_.host.c_str(), endpoint_.port);
  if (ctx_ == nullptr) {
    fail("connect", "cannot allocate a context");
  }
  if (ctx_->err != 0) {
    fail("connect", ctx_->errstr);
  }
  connecting_ = true;
  redisEnableKeepAlive(ctx_);
  // AUTH and SELECT go first; their replies are the pipeline's own.
  for (const auto& cmd : handshake(endpoint_)) {
    std::vector<const char*> ptrs;
    std::vector<std::size_t> lens;
    for (const auto& a : cmd) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx_, static_cast<int>(cmd.size()), ptrs.data(), lens.data()) !=
        REDIS_OK) {
      fail(cmd.front(), ctx_->errstr);
    }
    internal_.push_back(cmd.front());
  }
}

bool pipeline::connected_now() {
  if (!connecting_) {
    return true;
  }
  pollfd p{ctx_->fd, POLLOUT, 0};
  if (::poll(&p, 1, 0) == 0) {
    return false;
  }
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(ctx_->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
    err = errno;
  }
  if (err != 0) {
    fail("connect", std::strerror(err));
  }
  connecting_ = false;
  return true;
}

void pipeline::flush() {
  if (!connected_now()) {
    return;
  }
  int done = 0;
  int rc = 0;
  {
    const sigpipe_guard guard;
    rc = redisBufferWrite(ctx_, &done);
  }
  if (rc != REDIS_OK) {
    fail("write", ctx_->errstr);
  }
}

void pipeline::send(const std::vector<std::string_view>& argv) {
  if (ctx_ != nullptr && !connecting_ && in_flight_ == 0 && internal_.empty()) {
    // Between commands Redis sends nothing, so a readable socket means it
    // closed the link (restart, idle timeout): reconnect instead of sending
    // into a dead socket and failing the command.
    pollfd p{ctx_->fd, POLLIN, 0};
    if (::poll(&p, 1, 0) != 0) {
      drop();
    }
  }
  if (ctx_ == nullptr) {
    connect();
  }
  constexpr std::size_t inline_args = 8;
  const char* ptrs_buf[inline_args];
  std::size_t lens_buf[inline_args];
  std::unique_ptr<const char*[]> ptrs_heap;
  std::unique_ptr<std::size_t[]> lens_heap;
  const char** ptrs = ptrs_buf;
  std::size_t* lens = lens_buf;
  if (argv.size() > inline_args) {
    ptrs_heap = std::make_unique<const char*[]>(argv.size());
    lens_heap = std::make_unique<std::size_t[]>(argv.size());
    ptrs = ptrs_heap.get();
    lens = lens_heap.get();
  }
  for (std::size_t i = 0; i < argv.size(); ++i) {
    ptrs[i] = argv[i].data();
    lens[i] = argv[i].size();
  }
  if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), ptrs, lens) != REDIS_OK) {
    fail("append", ctx_->errstr);
  }
  ++in_flight_;
  flush();
}

std::size_t pipeline::poll(std::vector<reply>& out) {
  if (ctx_ == nullptr || (in_flight_ == 0 && internal_.empty())) {
    return 0;
  }
  flush();
  if (connecting_) {
    return 0;
  }
  if (redisBufferRead(ctx_) != REDIS_OK) {
    fail("read", ctx_->err != 0 ? ctx_->errstr : "no reply");
  }
  std::size_t n = 0;
  for (;;) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(ctx_, &raw) != REDIS_OK) {
      fail("read", ctx_->err != 0 ? ctx_->errstr : "protocol error");
    }
    if (raw == nullptr) {
      return n;
    }
    const std::unique_ptr<void, reply_deleter> owned{raw};
    const auto* r = static_cast<const redisReply*>(raw);
    if (!internal_.empty()) {
      const auto what = internal_.front();
      internal_.pop_front();
      if (r->type == REDIS_REPLY_ERROR) {
        fail(what, explain_error(std::string_view{r->str, r->len}));
      }
      continue;
    }
    if (in_flight_ == 0) {
      fail("read", "a reply nobody asked for");
    }
    --in_flight_;
    out.push_back(copy_reply(r));
    ++n;
  }
}

}  // namespace openhouse::redis
