#include "integrations/http/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>

#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace openhouse::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

response make_response(const request& req, bhttp::status status, std::string body,
                       std::string content_type) {
  response res{status, req.version()};
  res.set(bhttp::field::server, "openhouse");
  res.set(bhttp::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

const char* to_string(server_event e) noexcept {
  switch (e) {
    case server_event::evicted:
      return "evicted";
    case server_event::refused:
      return "refused";
    case server_event::accept_failed:
      return "accept_failed";
    case server_event::idle_timeout:
      return "idle_timeout";
    case server_event::header_timeout:
      return "header_timeout";
    case server_event::body_timeout:
      return "body_timeout";
    case server_event::header_too_large:
      return "header_too_large";
  }
  return "unknown";
}

namespace {

class session;

/// State shared by the acceptor and every session: what shutdown needs to see.
struct shared_state {
  handler on_request;
  server_options options;
  std::atomic<bool> stopping{false};
  /// Answers close their connection, so a balancer's next request opens a
  /// new one, which it sends to a node that is not draining.
  std::atomic<bool> draining{false};

  std::mutex mutex;
  std::condition_variable idle_cv;
  std::size_t in_flight = 0;                   ///< requests handed to the handler, not yet written
  std::list<std::weak_ptr<session>> sessions;  ///< oldest first
  std::atomic<std::size_t> open{0};            ///< connections not closed nor closing

  void report(server_event e) const {
    if (options.on_event) options.on_event(e);
  }

  void begin_request() {
    std::lock_guard lock{mutex};
    ++in_flight;
  }

  void end_request() {
    std::lock_guard lock{mutex};
    --in_flight;
    idle_cv.notify_all();
  }
};

response plain_error(unsigned version, bool keep_alive, bhttp::status status, std::string body) {
  response res{status, version};
  res.set(bhttp::field::server, "openhouse");
  res.set(bhttp::field::content_type, "application/json");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

/// One TCP connection: read a request, hand it to the handler, write the
/// answer, repeat while keep-alive. All of its work runs on its own strand.
class session : public std::enable_shared_from_this<session> {
 public:
  /// Where a connection is: the eviction policy closes one that is not busy.
  enum class phase : int { waiting, headers, body, busy };

  session(tcp::socket&& socket, std::shared_ptr<shared_state> state)
      : stream_(std::move(socket)), state_(std::move(state)) {
    state_->open.fetch_add(1);
  }

  ~session() { mark_closed(); }

  session(const session&) = delete;
  session& operator=(const session&) = delete;

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  /// Closes the connection if it is waiting for a request; a connection busy
  /// with one closes after writing its answer.
  void close_if_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        self->mark_closed();
        beast::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.close();
      }
    });
  }

  /// True when this connection is not answering a request (waiting for one,
  /// or reading one) and not closing: what a new connection may displace.
  [[nodiscard]] bool evictable() const { return !closing_.load() && phase_.load() != phase::busy; }

  /// Closes it to make room (from the acceptor's strand): it no longer counts
  /// at once; on its own strand the socket closes, or, if a request became
  /// complete meanwhile, after that request's answer.
  bool evict() {
    if (!mark_closed()) return false;
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->busy_) {
        self->close_after_write_ = true;
        return;
      }
      beast::error_code ec;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      self->stream_.close();
    });
    return true;
  }

 private:
  /// Stops counting this connection; true the first time.
  bool mark_closed() {
    if (closing_.exchange(true)) return false;
    state_->open.fetch_sub(1);
    return true;
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(state_->options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(state_->options.max_header_bytes, UINT32_MAX)));
    if (buffer_.size() > 0) {
      // A pipelined request's bytes are here already: its headers are due.
      return read_header();
    }
    // Waiting for a request's first byte: the idle timeout.
    phase_ = phase::waiting;
    stream_.expires_after(state_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) {
                                if (ec == beast::error::timeout)
                                  self->state_->report(server_event::idle_timeout);
                                return self->close();
                              }
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    phase_ = phase::headers;
    stream_.expires_after(state_->options.header_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec == beast::error::timeout) {
                                 self->state_->report(server_event::header_timeout);
                                 return self->close();
                               }
                               self->on_header(ec);
                             });
  }

  /// The header is in: the request's own body limit applies before any of
  /// the body is read.
  void on_header(beast::error_code ec) {
    if (!ec && state_->options.body_limit) {
      const auto& header = parser_->get();
      const auto limit = std::min(state_->options.body_limit(header.method(), header.target()),
                                  state_->options.max_body_bytes);
      const auto length = parser_->content_length();
      if (length && *length > limit) {
        ec = bhttp::error::body_limit;
      } else {
        parser_->body_limit(limit);
      }
    }
    if (ec || parser_->is_done()) {
      return on_read(ec);
    }
    read_body();
  }

  void read_body() {
    phase_ = phase::body;
    stream_.expires_after(state_->options.body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec == beast::error::timeout) {
                          self->state_->report(server_event::body_timeout);
                          return self->close();
                        }
                        self->on_read(ec);
                      });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout) {
      return close();
    }
    if (ec == bhttp::error::header_limit) {
      state_->report(server_event::header_too_large);
      return write(plain_error(11, false, bhttp::status::request_header_fields_too_large,
                               R"({"error":"request headers too large"})"),
                   false);
    }
    if (ec == bhttp::error::body_limit) {
      // Answer before the body is read: nothing of it reaches the handler.
      return write(plain_error(11, false, bhttp::status::payload_too_large,
                               R"({"error":"request body too large"})"),
                   false);
    }
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
        return write(plain_error(11, false, bhttp::status::bad_request,
                                 R"({"error":"malformed HTTP request"})"),
                     false);
      }
      return close();
    }

    busy_ = true;
    phase_ = phase::busy;
    state_->begin_request();
    auto req = parser_->release();
    const auto version = req.version();
    const auto keep_alive = req.keep_alive();
    // The responder guarantees exactly one answer per request, even if a
    // handler drops it on an error path.
    auto responder = std::make_shared<responder_state>(shared_from_this(), version, keep_alive);
    respond_fn respond = [responder](response res) { responder->complete(std::move(res)); };
    try {
      state_->on_request(std::move(req), std::move(respond));
    } catch (const std::exception&) {
      responder->complete(plain_error(version, false, bhttp::status::internal_server_error,
                                      R"({"error":"internal error"})"));
    }
  }

  struct responder_state {
    std::shared_ptr<session> owner;
    unsigned version;
    bool keep_alive;
    std::atomic<bool> done{false};

    responder_state(std::shared_ptr<session> s, unsigned v, bool ka)
        : owner(std::move(s)), version(v), keep_alive(ka) {}
    responder_state(const responder_state&) = delete;
    responder_state& operator=(const responder_state&) = delete;

    void complete(response res) {
      if (done.exchange(true)) {
        return;
      }
      net::post(owner->stream_.get_executor(),
                [s = owner, r = std::move(res)]() mutable { s->write(std::move(r), true); });
    }

    ~responder_state() {
      if (!done.load()) {
        auto res = plain_error(version, false, bhttp::status::internal_server_error,
                               R"({"error":"no response"})");
        net::post(owner->stream_.get_executor(),
                  [s = owner, r = std::move(res)]() mutable { s->write(std::move(r), true); });
      }
    }
  };

  void write(response res, bool counted) {
    phase_ = phase::busy;
    if (state_->stopping.load() || state_->draining.load() || close_after_write_) {
      res.keep_alive(false);
    }
    auto keep_alive = res.keep_alive();
    auto msg = std::make_shared<response>(std::move(res));
    stream_.expires_after(state_->options.idle_timeout);
    bhttp::async_write(
        stream_, *msg,
        [self = shared_from_this(), msg, keep_alive, counted](beast::error_code ec, std::size_t) {
          self->busy_ = false;
          if (counted) {
            self->state_->end_request();
          }
          if (ec || !keep_alive) {
            return self->close();
          }
          self->read();
        });
  }

  void close() {
    mark_closed();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<shared_state> state_;
  bool busy_ = false;
  bool close_after_write_ = false;  ///< evicted while answering: close once answered
  std::atomic<phase> phase_{phase::waiting};
  std::atomic<bool> closing_{false};
};

/// The open-file limit less a reserve for the node's own descriptors; the
/// connection cap never goes above it, so accept() is not the call that
/// finds the process out of descriptors.
std::size_t connection_cap(std::size_t wanted) {
  constexpr rlim_t reserve = 256;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return wanted;
  const rlim_t room = limit.rlim_cur > 2 * reserve ? limit.rlim_cur - reserve : limit.rlim_cur / 2;
  return std::min<std::size_t>(wanted, std::max<rlim_t>(room, 1));
}

}  // namespace

struct server::impl {
  explicit impl(server_options options, handler on_request)
      : state(std::make_shared<shared_state>()),
        ioc(static_cast<int>(options.io_threads)),
        acceptor(net::make_strand(ioc)) {
    state->options = std::move(options);
    state->on_request = std::move(on_request);
  }

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) {
          return;
        }
        // Out of descriptors (or memory): accepting again at once would spin
        // on the same error. Free a waiting connection, pause, then go on.
        state->report(server_event::accept_failed);
        make_room();
        retry.expires_after(std::chrono::milliseconds{50});
        retry.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec && acceptor.is_open()) accept();
        });
        return;
      }
      if (state->open.load() >= cap && !make_room()) {
        // Every connection is answering a request: this one must wait its turn elsewhere.
        state->report(server_event::refused);
        beast::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
      } else {
        auto s = std::make_shared<session>(std::move(socket), state);
        {
          std::lock_guard lock{state->mutex};
          // Forget connections that have gone away so the list stays small.
          state->sessions.remove_if([](const auto& w) { return w.expired(); });
          state->sessions.push_back(s);
        }
        s->run();
      }
      accept();
    });
  }

  /// Closes the oldest connection that waits for (the rest of) a request;
  /// false when every one is answering a request.
  bool make_room() {
    std::shared_ptr<session> victim;
    {
      std::lock_guard lock{state->mutex};
      for (auto it = state->sessions.begin(); it != state->sessions.end();) {
        auto s = it->lock();
        if (!s) {
          it = state->sessions.erase(it);
          continue;
        }
        if (s->evictable()) {
          victim = std::move(s);
          state->sessions.erase(it);
          break;
        }
        ++it;
      }
    }
    if (!victim || !victim->evict()) return false;
    state->report(server_event::evicted);
    return true;
  }

  std::shared_ptr<shared_state> state;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer retry{acceptor.get_executor()};  ///< the pause after a failed accept
  std::size_t cap = 0;                               ///< max_connections in force
  std::vector<std::thread> threads;
  // Keeps run() going while a request waits on its handler with no I/O pending
  // (during shutdown the acceptor is closed and nothing else holds the loop).
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::uint16_t port = 0;
  bool started = false;
  bool stopped = false;
};

server::server(server_options options, handler on_request)
    : impl_(std::make_unique<impl>(std::move(options), std::move(on_request))) {}

server::~server() { stop(std::chrono::milliseconds{0}); }

void server::start() {
  auto& d = *impl_;
  const auto& opt = d.state->options;
  tcp::endpoint endpoint{net::ip::make_address(opt.address), opt.port};
  d.acceptor.open(endpoint.protocol());
  d.acceptor.set_option(net::socket_base::reuse_address(true));
  d.acceptor.bind(endpoint);
  d.acceptor.listen(net::socket_base::max_listen_connections);
  d.port = d.acceptor.local_endpoint().port();
  d.cap = connection_cap(opt.max_connections);
  if (d.cap < opt.max_connections) {
    spdlog::warn("http: at most {} connections, not {}: the open-file limit (ulimit -n) is lower",
                 d.cap, opt.max_connections);
  }
  d.work.emplace(d.ioc.get_executor());
  d.accept();
  const auto n = std::max<std::size_t>(1, opt.io_threads);
  d.threads.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    d.threads.emplace_back([&d] { d.ioc.run(); });
  }
  d.started = true;
}

std::uint16_t server::port() const { return impl_->port; }

std::size_t server::connections() const { return impl_->state->open.load(); }

std::size_t server::max_connections() const { return impl_->cap; }

void server::drain() { impl_->state->draining = true; }

void server::stop(std::chrono::milliseconds grace) {
  auto& d = *impl_;
  if (!d.started || d.stopped) {
    return;
  }
  d.stopped = true;
  d.state->stopping = true;
  net::post(d.acceptor.get_executor(), [&d] {
    beast::error_code ec;
    d.acceptor.close(ec);
    d.retry.cancel();
  });
  std::vector<std::shared_ptr<session>> live;
  {
    std::unique_lock lock{d.state->mutex};
    for (auto& w : d.state->sessions) {
      if (auto s = w.lock()) {
        live.push_back(std::move(s));
      }
    }
  }
  for (auto& s : live) {
    s->close_if_idle();
  }
  live.clear();
  {
    // In-flight requests finish: their handlers answer and the answers are written.
    std::unique_lock lock{d.state->mutex};
    d.state->idle_cv.wait_for(lock, grace, [&] { return d.state->in_flight == 0; });
  }
  d.work.reset();
  d.ioc.stop();
  for (auto& t : d.threads) {
    if (t.joinable()) {
      t.join();
    }
  }
  // The posted close may not have run before ioc.stop(); with the threads
  // gone it is safe here, and a client connecting now is refused at once
  // instead of waiting in the backlog of a socket nobody accepts from.
  beast::error_code ec;
  d.acceptor.close(ec);
}

}  // namespace openhouse::http
