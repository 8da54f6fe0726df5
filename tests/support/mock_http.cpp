#include "tests/support/mock_http.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <algorithm>
#include <cctype>

namespace openhouse::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct mock_http::impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread acceptor_thread;
  mutable std::mutex mu;
  mutable std::condition_variable changed;
  std::vector<recorded_request> seen;
  std::vector<std::shared_ptr<tcp::socket>> sockets;
  std::vector<std::thread> connections;
  bool stopped = false;
  int next_sid = 1;
};

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

mock_http::mock_http(std::uint16_t port) : impl_(std::make_unique<impl>()) {
  auto& im = *impl_;
  tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
  im.acceptor.open(ep.protocol());
  im.acceptor.set_option(asio::socket_base::reuse_address(true));
  im.acceptor.bind(ep);
  im.acceptor.listen();
  port_ = im.acceptor.local_endpoint().port();
  im.acceptor_thread = std::thread([this] {
    auto& im = *impl_;
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(im.io);
      beast::error_code ec;
      im.acceptor.accept(*socket, ec);
      std::lock_guard lock{im.mu};
      if (ec || im.stopped) {
        return;
      }
      im.sockets.push_back(socket);
      im.connections.emplace_back([this, socket] {
        auto& im = *impl_;
        beast::flat_buffer buffer;
        for (;;) {
          bhttp::request<bhttp::string_body> req;
          beast::error_code ec;
          bhttp::read(*socket, buffer, req, ec);
          if (ec) {
            return;
          }
          recorded_request r;
          r.method = std::string{req.method_string()};
          r.target = std::string{req.target()};
          for (const auto& f : req) {
            r.headers[lower(std::string{f.name_string()})] = std::string{f.value()};
          }
          r.body = req.body();
          bhttp::response<bhttp::string_body> res;
          res.version(req.version());
          res.keep_alive(req.keep_alive());
          res.set(bhttp::field::content_type, "application/json");
          if (fail_left_.fetch_sub(1) > 0) {
            res.result(bhttp::status::internal_server_error);
            res.body() = R"({"message":"mock failure"})";
          } else if (r.target.find("/Messages.json") != std::string::npos) {
            res.result(bhttp::status::created);
            std::lock_guard lock{im.mu};
            char sid[40];
            std::snprintf(sid, sizeof sid, "SMmock%026d", im.next_sid++);
            res.body() = std::string{R"({"sid":")"} + sid + R"(","status":"queued"})";
          } else {
            res.result(bhttp::status::ok);
            res.body() = R"({"succeded":true})";
          }
          {
            std::lock_guard lock{im.mu};
            im.seen.push_back(std::move(r));
          }
          im.changed.notify_all();
          res.prepare_payload();
          bhttp::write(*socket, res, ec);
          if (ec || !res.keep_alive()) {
            return;
          }
        }
      });
    }
  });
}

mock_http::~mock_http() { stop(); }

void mock_http::stop() {
  auto& im = *impl_;
  {
    std::lock_guard lock{im.mu};
    if (im.stopped) {
      return;
    }
    im.stopped = true;
  }
  beast::error_code ec;
  // Unblocks accept(): connect once, then close the acceptor.
  {
    tcp::socket poke{im.io};
    poke.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
  }
  if (im.acceptor_thread.joinable()) {
    im.acceptor_thread.join();
  }
  im.acceptor.close(ec);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock{im.mu};
    for (auto& s : im.sockets) {
      s->shutdown(tcp::socket::shutdown_both, ec);
    }
    threads.swap(im.connections);
  }
  for (auto& t : threads) {
    t.join();
  }
}

std::string mock_http::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<recorded_request> mock_http::requests() const {
  std::lock_guard lock{impl_->mu};
  return impl_->seen;
}

std::vector<recorded_request> mock_http::requests_to(const std::string& prefix) const {
  std::vector<recorded_request> out;
  for (auto& r : requests()) {
    if (r.target.rfind(prefix, 0) == 0) {
      out.push_back(std::move(r));
    }
  }
  return out;
}

bool mock_http::wait_for(const std::string& prefix, std::size_t n,
                         std::chrono::milliseconds timeout) const {
  std::unique_lock lock{impl_->mu};
  return impl_->changed.wait_for(lock, timeout, [&] {
    return static_cast<std::size_t>(std::count_if(
               impl_->seen.begin(), impl_->seen.end(),
               [&](const recorded_request& r) { return r.target.rfind(prefix, 0) == 0; })) >= n;
  });
}

}  // namespace openhouse::test
