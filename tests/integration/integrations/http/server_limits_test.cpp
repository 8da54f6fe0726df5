// The HTTP front against hostile clients: a connection cap that leaves room
// for real requests, and read timeouts apart for the idle wait, the headers
// and the body. Raw sockets on loopback; waits are polls with a deadline.

#include "integrations/http/server.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace openhouse;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

/// One client connection (a file descriptor closed on destruction).
class raw_conn {
 public:
  explicit raw_conn(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~raw_conn() {
    if (fd_ >= 0) ::close(fd_);
  }
  raw_conn(const raw_conn&) = delete;
  raw_conn& operator=(const raw_conn&) = delete;

  void send(const std::string& bytes) const {
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
  }

  /// Reads until the peer closes, `until` appears, or `limit` passes.
  std::string read(std::chrono::milliseconds limit, const std::string& until = {}) {
    const auto deadline = steady::now() + limit;
    while (steady::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
      if (::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0) continue;
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      got_.append(buf, static_cast<std::size_t>(n));
      if (!until.empty() && got_.find(until) != std::string::npos) break;
    }
    return got_;
  }

  /// True once the server closed the connection (read() saw EOF or a reset).
  [[nodiscard]] bool closed() const { return closed_; }

 private:
  int fd_;
  std::string got_;
  bool closed_ = false;
};

std::string get_request(const std::string& path = "/ok") {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

/// A server answering every request at once with "ok", unless told to hold them.
struct fixture {
  explicit fixture(http::server_options opts) {
    opts.on_event = [this](http::server_event e) {
      std::lock_guard lock{mutex};
      ++events[e];
    };
    srv = std::make_unique<http::server>(opts, [this](http::request&& req, http::respond_fn done) {
      if (req.target() == "/hold") {
        std::lock_guard lock{mutex};
        held.push_back(std::move(done));
        return;
      }
      done(http::make_response(req, boost::beast::http::status::ok, "ok", "text/plain"));
    });
    srv->start();
  }

  ~fixture() {
    {
      std::lock_guard lock{mutex};
      for (auto& d : held) d(http::response{boost::beast::http::status::ok, 11});
      held.clear();
    }
    srv->stop(1000ms);
  }

  fixture(const fixture&) = delete;
  fixture& operator=(const fixture&) = delete;

  int count(http::server_event e) {
    std::lock_guard lock{mutex};
    return events[e];
  }

  /// Polls `pred` until true or `limit` passes.
  static bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
    const auto deadline = steady::now() + limit;
    while (!pred()) {
      if (steady::now() >= deadline) return false;
      std::this_thread::yield();
    }
    return true;
  }

  std::mutex mutex;
  std::map<http::server_event, int> events;
  std::vector<http::respond_fn> held;
  std::unique_ptr<http::server> srv;
};

http::server_options small_limits() {
  http::server_options o;
  o.max_connections = 8;
  o.idle_timeout = 30s;
  o.header_timeout = 30s;
  o.body_timeout = 30s;
  return o;
}

}  // namespace

TEST_CASE("a flood of idle connections beyond the cap leaves room for real requests",
          "[http][limits][integration]") {
  fixture f{small_limits()};
  REQUIRE(f.srv->max_connections() == 8);
  std::vector<std::unique_ptr<raw_conn>> idle;
  for (int i = 0; i < 60; ++i) idle.push_back(std::make_unique<raw_conn>(f.srv->port()));
  // Each connection beyond the cap displaced the one waiting longest.
  REQUIRE(fixture::eventually([&] { return f.count(http::server_event::evicted) >= 52; }, 5s));
  CHECK(f.srv->connections() <= 8);
  // A real request on a new connection is answered at once, each time.
  for (int i = 0; i < 20; ++i) {
    raw_conn c{f.srv->port()};
    const auto t = steady::now();
    c.send(get_request());
    const auto answer = c.read(5s, "ok");
    CHECK(answer.find("200 OK") != std::string::npos);
    CHECK(steady::now() - t < 1s);
  }
  // The oldest idle connections were the ones closed.
  CHECK(idle.front()->read(2s).empty());
  CHECK(idle.front()->closed());
  CHECK(f.count(http::server_event::refused) == 0);
}

TEST_CASE("when every connection is answering a request, a new one is closed at once and counted",
          "[http][limits][integration]") {
  auto o = small_limits();
  o.max_connections = 16;  // the lowest the market file allows
  fixture f{o};
  std::vector<std::unique_ptr<raw_conn>> busy;
  for (int i = 0; i < 16; ++i) {
    busy.push_back(std::make_unique<raw_conn>(f.srv->port()));
    busy.back()->send(get_request("/hold"));
  }
  REQUIRE(fixture::eventually(
      [&] {
        std::lock_guard lock{f.mutex};
        return f.held.size() == 16;
      },
      5s));
  raw_conn extra{f.srv->port()};
  extra.read(5s);
  CHECK(extra.closed());
  CHECK(f.count(http::server_event::refused) == 1);
  CHECK(f.count(http::server_event::evicted) == 0);
}

TEST_CASE("a client that never finishes its headers is cut at the header timeout, not the idle one",
          "[http][limits][integration]") {
  auto o = small_limits();
  o.idle_timeout = 30s;
  o.header_timeout = 300ms;
  fixture f{o};
  raw_conn idle{f.srv->port()};  // connected, not a byte sent yet
  raw_conn slow{f.srv->port()};
  const auto t = steady::now();
  slow.send("POST /webhooks/twilio/sms HTTP/1.1\r\nHost: t\r\nX-Twilio-Sig");
  slow.read(10s);
  const auto took = steady::now() - t;
  CHECK(slow.closed());
  CHECK(took >= 250ms);
  CHECK(took < 5s);  // far below the 30 s idle cut-off
  // The stream closes the socket before its handler counts the timeout.
  CHECK(fixture::eventually([&] { return f.count(http::server_event::header_timeout) == 1; }, 5s));
  // The idle connection waits under its own, longer timeout and still serves.
  idle.send(get_request());
  CHECK(idle.read(5s, "ok").find("200 OK") != std::string::npos);
  CHECK(f.count(http::server_event::idle_timeout) == 0);
}

TEST_CASE("a body that stops short is cut at the body timeout", "[http][limits][integration]") {
  auto o = small_limits();
  o.body_timeout = 300ms;
  fixture f{o};
  raw_conn c{f.srv->port()};
  const auto t = steady::now();
  c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nFrom=%2B1909");
  c.read(10s);
  CHECK(c.closed());
  CHECK(steady::now() - t < 5s);
  // The stream closes the socket before its handler counts the timeout.
  CHECK(fixture::eventually([&] { return f.count(http::server_event::body_timeout) == 1; }, 5s));
}

TEST_CASE("a connection with no request is cut at the idle timeout",
          "[http][limits][integration]") {
  auto o = small_limits();
  o.idle_timeout = 300ms;
  fixture f{o};
  raw_conn c{f.srv->port()};
  c.read(10s);
  CHECK(c.closed());
  // The stream closes the socket before its handler counts the timeout.
  CHECK(fixture::eventually([&] { return f.count(http::server_event::idle_timeout) == 1; }, 5s));
}

TEST_CASE("headers above the limit get 431", "[http][limits][integration]") {
  auto o = small_limits();
  o.max_header_bytes = 2048;
  fixture f{o};
  raw_conn c{f.srv->port()};
  c.send("GET /ok HTTP/1.1\r\nHost: t\r\nX-Pad: " + std::string(4096, 'a') + "\r\n\r\n");
  CHECK(c.read(5s).find("431") != std::string::npos);
  CHECK(f.count(http::server_event::header_too_large) == 1);
  // Within the limit is fine.
  raw_conn ok{f.srv->port()};
  ok.send("GET /ok HTTP/1.1\r\nHost: t\r\nX-Pad: " + std::string(1024, 'a') + "\r\n\r\n");
  CHECK(ok.read(5s, "ok").find("200 OK") != std::string::npos);
}

TEST_CASE("keep-alive and pipelined requests still work under the new read phases",
          "[http][limits][integration]") {
  fixture f{small_limits()};
  raw_conn c{f.srv->port()};
  const auto answers = [&c] {
    const auto got = c.read(50ms);
    std::size_t n = 0;
    for (auto p = got.find("200 OK"); p != std::string::npos; p = got.find("200 OK", p + 1)) ++n;
    return n;
  };
  c.send(get_request() + get_request() + get_request());
  CHECK(fixture::eventually([&] { return answers() == 3; }, 5s));
  c.send(get_request());  // the same connection, kept alive
  CHECK(fixture::eventually([&] { return answers() == 4; }, 5s));
  CHECK_FALSE(c.closed());
}
