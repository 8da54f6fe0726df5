#include "integrations/redis/client.hpp"
#include "integrations/redis/sigpipe_guard.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>

#include <poll.h>
#include <pthread.h>

namespace openhouse::redis {

namespace {

std::string_view reply_text(const redisReply* r) {
  return r->str == nullptr ? std::string_view{} : std::string_view{r->str, r->len};
}

std::int64_t parse_counter(std::string_view text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size()) {
    throw error("redis: counter is not an integer: '" + std::string{text.substr(0, 40)} + "'");
  }
  return v;
}

}  // namespace

std::vector<std::vector<std::string>> handshake(const endpoint& ep) {
  std::vector<std::vector<std::string>> out;
  if (!ep.password.empty()) {
    if (ep.username.empty()) {
      out.push_back({"AUTH", ep.password});
    } else {
      out.push_back({"AUTH", ep.username, ep.password});
    }
  }
  if (ep.db != 0) {
    out.push_back({"SELECT", std::to_string(ep.db)});
  }
  return out;
}

std::string describe(const endpoint& ep) {
  const bool v6 = ep.host.find(':') != std::string::npos;
  return (v6 ? "[" + ep.host + "]" : ep.host) + ":" + std::to_string(ep.port);
}

std::string explain_error(std::string_view redis_error) {
  std::string out{redis_error};
  if (redis_error.starts_with("NOAUTH")) {
    out += " (the server needs a password: give it in the URL, redis://:PASSWORD@host:port)";
  } else if (redis_error.starts_with("WRONGPASS") ||
             redis_error.find("invalid password") != std::string_view::npos) {
    out += " (the user or password in the Redis URL is wrong)";
  } else if (redis_error.find("without any password configured") != std::string_view::npos) {
    out += " (the server has no password: drop it from the Redis URL)";
  }
  return out;
}

client::client(endpoint ep, std::chrono::milliseconds timeout)
    : endpoint_(std::move(ep)), timeout_(std::max(timeout, std::chrono::milliseconds{1})) {}

client::~client() { drop(); }

void client::reply_deleter::operator()(redisReply* r) const {
  if (r != nullptr) {
    freeReplyObject(r);
  }
}

void client::drop() {
  if (ctx_ != nullptr) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
}

void client::fail(std::string_view what, std::string_view detail) {
  // The message first: `detail` may point into the context (errstr) that
  // drop() frees.
  std::string msg = "redis ";
  msg += describe(endpoint_);
  msg += ": ";
  msg += what;
  msg += ": ";
  msg += detail;
  drop();
  last_error_ = msg;
  throw error(msg);
}

void client::ensure_connected() {
  if (ctx_ != nullptr && ctx_->err == 0) {
    // Between commands Redis sends nothing, so a readable socket means it
    // closed the link (restart, idle timeout, kill). Checking first lets the
    // first call after a restart succeed instead of failing on a dead link,
    // without ever retrying a command that may have run.
    pollfd p{ctx_->fd, POLLIN, 0};
    if (poll(&p, 1, 0) == 0) {
      return;
    }
  }
  drop();
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
  ctx_ = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv);
  if (ctx_ == nullptr) {
    fail("connect", "cannot allocate a context");
  }
  if (ctx_->err != 0) {
    fail("connect", ctx_->errstr);
  }
  // Without a read/write timeout a stalled server would block the worker forever.
  if (redisSetTimeout(ctx_, tv) != REDIS_OK) {
    fail("connect", "cannot set the socket timeout");
  }
  // Notices a peer that vanished without closing (the kernel probes idle links).
  redisEnableKeepAlive(ctx_);
  // AUTH, then SELECT, before anything else on this link.
  for (const auto& cmd : handshake(endpoint_)) {
    const std::vector<std::string_view> argv(cmd.begin(), cmd.end());
    append(cmd.front(), argv);
    auto reply = read_reply(cmd.front());
    if (reply->type == REDIS_REPLY_ERROR) {
      fail(cmd.front(), explain_error(reply_text(reply.get())));
    }
  }
}

void client::append(std::string_view what, std::initializer_list<std::string_view> argv) {
  append(what, std::vector<std::string_view>{argv});
}

void client::append(std::string_view what, const std::vector<std::string_view>& argv) {
  std::vector<const char*> ptrs;
  std::vector<std::size_t> lens;
  ptrs.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), ptrs.data(), lens.data()) !=
      REDIS_OK) {
    fail(what, ctx_->errstr);
  }
}

client::reply_ptr client::read_reply(std::string_view what) {
  void* raw = nullptr;
  int rc = 0;
  {
    const sigpipe_guard guard;
    rc = redisGetReply(ctx_, &raw);
  }
  reply_ptr reply{static_cast<redisReply*>(raw)};
  if (rc != REDIS_OK || reply == nullptr) {
    if (ctx_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      fail(what, "timed out after " + std::to_string(timeout_.count()) + " ms");
    }
    fail(what, ctx_->err != 0 ? ctx_->errstr : "no reply");
  }
  return reply;
}

client::reply_ptr client::command(std::string_view what,
                                  std::initializer_list<std::string_view> argv) {
  return command(what, std::vector<std::string_view>{argv});
}

client::reply_ptr client::command(std::string_view what,
                                  const std::vector<std::string_view>& argv) {
  ensure_connected();
  append(what, argv);
  auto reply = read_reply(what);
  if (reply->type == REDIS_REPLY_ERROR) {
    fail(what, explain_error(reply_text(reply.get())));
  }
  return reply;
}

std::vector<std::int64_t> client::eval_integers(std::string_view script,
                                                const std::vector<std::string_view>& keys,
                                                const std::vector<std::string_view>& args) {
  const auto nkeys = std::to_string(keys.size());
  std::vector<std::string_view> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.emplace_back("EVAL");
  argv.emplace_back(script);
  argv.emplace_back(nkeys);
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto reply = command("EVAL", argv);
  std::vector<std::int64_t> out;
  if (reply->type == REDIS_REPLY_INTEGER) {
    out.push_back(reply->integer);
    return out;
  }
  if (reply->type != REDIS_REPLY_ARRAY) {
    fail("EVAL", "unexpected reply type " + std::to_string(reply->type));
  }
  out.reserve(reply->elements);
  for (std::size_t i = 0; i < reply->elements; ++i) {
    if (reply->element[i]->type != REDIS_REPLY_INTEGER) {
      fail("EVAL", "a reply element is not an integer");
    }
    out.push_back(reply->element[i]->integer);
  }
  return out;
}

bool client::ping() {
  try {
    auto reply = command("PING", {"PING"});
    return reply->type == REDIS_REPLY_STATUS && reply_text(reply.get()) == "PONG";
  } catch (const error&) {
    return false;
  }
}

std::optional<std::string> client::get(std::string_view key) {
  auto reply = command("GET", {"GET", key});
  if (reply->type == REDIS_REPLY_NIL) {
    return std::nullopt;
  }
  if (reply->type != REDIS_REPLY_STRING) {
    fail("GET", "unexpected reply type " + std::to_string(reply->type));
  }
  return std::string{reply_text(reply.get())};
}

void client::set_px(std::string_view key, std::string_view value, std::int64_t ttl_ms) {
  if (ttl_ms <= 0) {
    // Not a connection problem: keep the link, but refuse what Redis would refuse.
    throw error("redis: SET: the TTL must be positive, got " + std::to_string(ttl_ms) + " ms");
  }
  const auto ttl = std::to_string(ttl_ms);
  auto reply = command("SET", {"SET", key, value, "PX", ttl});
  if (reply->type != REDIS_REPLY_STATUS) {
    fail("SET", "unexpected reply type " + std::to_string(reply->type));
  }
}

bool client::del(std::string_view key) {
  auto reply = command("DEL", {"DEL", key});
  if (reply->type != REDIS_REPLY_INTEGER) {
    fail("DEL", "unexpected reply type " + std::to_string(reply->type));
  }
  return reply->integer > 0;
}

std::vector<std::optional<std::string>> client::mget(const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> out;
  if (keys.empty()) {
    return out;  // MGET without keys is a syntax error in Redis
  }
  ensure_connected();
  std::vector<std::string_view> argv;
  argv.reserve(keys.size() + 1);
  argv.emplace_back("MGET");
  argv.insert(argv.end(), keys.begin(), keys.end());
  append("MGET", argv);
  auto reply = read_reply("MGET");
  if (reply->type == REDIS_REPLY_ERROR) {
    fail("MGET", reply_text(reply.get()));
  }
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != keys.size()) {
    fail("MGET", "unexpected reply shape");
  }
  out.reserve(keys.size());
  for (std::size_t i = 0; i < reply->elements; ++i) {
    const auto* e = reply->element[i];
    if (e->type == REDIS_REPLY_STRING) {
      out.emplace_back(std::string{reply_text(e)});
    } else {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

std::int64_t client::incr(std::string_view key) {
  auto reply = command("INCR", {"INCR", key});
  if (reply->type != REDIS_REPLY_INTEGER) {
    fail("INCR", "unexpected reply type " + std::to_string(reply->type));
  }
  return reply->integer;
}

std::int64_t client::publish(std::string_view channel, std::string_view message) {
  auto reply = command("PUBLISH", {"PUBLISH", channel, message});
  if (reply->type != REDIS_REPLY_INTEGER) {
    fail("PUBLISH", "unexpected reply type " + std::to_string(reply->type));
  }
  return reply->integer;
}

std::int64_t client::bump(std::string_view counter_key, std::string_view channel,
                          std::string_view message) {
  ensure_connected();
  // One write, one round trip: the four commands go out together.
  append("bump", {"MULTI"});
  append("bump", {"INCR", counter_key});
  append("bump", {"PUBLISH", channel, message});
  append("bump", {"EXEC"});
  for (int i = 0; i < 3; ++i) {
    // +OK for MULTI, +QUEUED for the others; an error here makes EXEC abort.
    if (auto queued = read_reply("bump"); queued->type == REDIS_REPLY_ERROR) {
      fail("bump", reply_text(queued.get()));
    }
  }
  auto exec = read_reply("bump");
  if (exec->type == REDIS_REPLY_ERROR) {
    fail("bump", reply_text(exec.get()));
  }
  if (exec->type != REDIS_REPLY_ARRAY || exec->elements != 2) {
    fail("bump", "the transaction was not executed");
  }
  const auto* incr = exec->element[0];
  if (incr->type != REDIS_REPLY_INTEGER) {
    fail("bump", incr->type == REDIS_REPLY_ERROR ? reply_text(incr) : "INCR gave no integer");
  }
  return incr->integer;
}

namespace {

/// INCR, then the value as Redis spells it (GET: exact, unlike Lua's numbers
/// past 2^53), then PUBLISH of head .. value .. tail. A script runs
/// atomically, and an INCR error aborts it before the PUBLISH.
constexpr std::string_view bump_script =
    "redis.call('INCR', KEYS[1]) "
    "local v = redis.call('GET', KEYS[1]) "
    "redis.call('PUBLISH', ARGV[1], ARGV[2] .. v .. ARGV[3]) "
    "return v";

}  // namespace

std::int64_t client::bump_with(std::string_view counter_key, std::string_view channel,
                               std::string_view message_head, std::string_view message_tail) {
  auto reply =
      command("bump", {"EVAL", bump_script, "1", counter_key, channel, message_head, message_tail});
  if (reply->type != REDIS_REPLY_STRING) {
    fail("bump", "unexpected reply type " + std::to_string(reply->type));
  }
  try {
    return parse_counter(reply_text(reply.get()));
  } catch (const error& e) {
    fail("bump", e.what());
  }
}

namespace {

/// SET NX, then GET: the value the key holds once the script has run.
constexpr std::string_view set_nx_get_script =
    "redis.call('SET', KEYS[1], ARGV[1], 'NX') "
    "return redis.call('GET', KEYS[1])";

/// The epoch first (set when absent, then read), so that a wrong-typed epoch
/// key aborts the script before the INCR: there is still never a bump
/// without its message. Then the counter and the shared sequence, and the
/// message naming all three.
constexpr std::string_view bump_in_epoch_script =
    "redis.call('SET', KEYS[2], ARGV[4], 'NX') "
    "local e = redis.call('GET', KEYS[2]) "
    "redis.call('INCR', KEYS[1]) "
    "local v = redis.call('GET', KEYS[1]) "
    "local s = redis.call('INCR', KEYS[3]) "
    "redis.call('PUBLISH', ARGV[1], ARGV[2] .. v .. '|' .. s .. '|' .. e .. ARGV[3]) "
    "return {v, e, s}";

}  // namespace

std::string client::set_nx_get(std::string_view key, std::string_view value) {
  auto reply = command("set_nx_get", {"EVAL", set_nx_get_script, "1", key, value});
  if (reply->type != REDIS_REPLY_STRING) {
    fail("set_nx_get", "unexpected reply type " + std::to_string(reply->type));
  }
  return std::string{reply_text(reply.get())};
}

client::epoch_bump client::bump_in_epoch(std::string_view counter_key, std::string_view epoch_key,
                                         std::string_view seq_key, std::string_view fresh_epoch,
                                         std::string_view channel, std::string_view message_head,
                                         std::string_view message_tail) {
  auto reply = command("bump", {"EVAL", bump_in_epoch_script, "3", counter_key, epoch_key, seq_key,
                                channel, message_head, message_tail, fresh_epoch});
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
      reply->element[0]->type != REDIS_REPLY_STRING ||
      reply->element[1]->type != REDIS_REPLY_STRING ||
      reply->element[2]->type != REDIS_REPLY_INTEGER) {
    fail("bump", "unexpected reply shape");
  }
  epoch_bump out;
  try {
    out.value = parse_counter(reply_text(reply->element[0]));
  } catch (const error& e) {
    fail("bump", e.what());
  }
  out.epoch = std::string{reply_text(reply->element[1])};
  out.seq = reply->element[2]->integer;
  return out;
}

}  // namespace openhouse::redis
