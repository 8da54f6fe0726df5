// The floor of the webhook benchmark: a bare Boost.Beast HTTP/1.1 server that
// answers every request with a fixed, small TwiML body, on as many I/O
// threads as the node's http front (server.io_threads: 2). No form parsing,
// no signature check, no actors, no store: whatever the node costs above this
// is the price of the turn. Keep-alive is honoured, as wrk relies on it.
//
// Usage: bench_bare_beast_server [--port N] [--threads N] [--address A]
// Prints "listening on http://A:PORT" once bound (scripts/bench waits for
// it), and runs until SIGINT or SIGTERM.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// What the node answers for a turn whose reply goes back as TwiML (a short
/// message); the same size class, so the bytes on the wire are comparable.
constexpr std::string_view twiml_body =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Thanks! A home-buying "
    "specialist will text you shortly.</Message></Response>";

/// One connection: read a request, answer it, repeat while keep-alive.
class session : public std::enable_shared_from_this<session> {
 public:
  explicit session(tcp::socket&& socket) : stream_(std::move(socket)) {}

  void read() {
    req_ = {};
    bhttp::async_read(
        stream_, buffer_, req_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec) {
      return close();  // end of stream, a reset or a malformed request
    }
    const bool known =
        req_.method() == bhttp::verb::post && req_.target() == "/webhooks/twilio/sms";
    res_ = {known ? bhttp::status::ok : bhttp::status::not_found, req_.version()};
    res_.set(bhttp::field::server, "bare-beast");
    res_.set(bhttp::field::content_type, "text/xml; charset=utf-8");
    res_.keep_alive(req_.keep_alive());
    res_.body() = known ? std::string{twiml_body} : std::string{};
    res_.prepare_payload();
    bhttp::async_write(stream_, res_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec || !self->res_.keep_alive()) {
                           return self->close();
                         }
                         self->read();
                       });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> req_;
  bhttp::response<bhttp::string_body> res_;
};

void accept(tcp::acceptor& acceptor, net::io_context& ioc) {
  acceptor.async_accept(net::make_strand(ioc),
                        [&acceptor, &ioc](beast::error_code ec, tcp::socket socket) {
                          if (!ec) {
                            std::make_shared<session>(std::move(socket))->read();
                          }
                          if (acceptor.is_open()) {
                            accept(acceptor, ioc);
                          }
                        });
}

}  // namespace

int main(int argc, char** argv) {
  std::string address = "127.0.0.1";
  unsigned port = 0;
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr,
                   "usage: bench_bare_beast_server [--port N] [--threads N] [--address A]\n");
      return 2;
    }
    if (arg == "--port") {
      port = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--threads") {
      threads = std::atoi(argv[++i]);
    } else if (arg == "--address") {
      address = argv[++i];
    } else {
      std::fprintf(stderr, "bench_bare_beast_server: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  if (threads < 1 || port > 65535) {
    std::fprintf(stderr, "bench_bare_beast_server: bad --threads or --port\n");
    return 2;
  }

  try {
    net::io_context ioc{threads};
    tcp::acceptor acceptor{net::make_strand(ioc)};
    const tcp::endpoint endpoint{net::ip::make_address(address), static_cast<unsigned short>(port)};
    acceptor.open(endpoint.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
    accept(acceptor, ioc);

    net::signal_set signals{ioc, SIGINT, SIGTERM};
    signals.async_wait([&ioc](beast::error_code, int) { ioc.stop(); });

    std::printf("listening on http://%s:%u\n", address.c_str(),
                static_cast<unsigned>(acceptor.local_endpoint().port()));
    std::fflush(stdout);

    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) {
      pool.emplace_back([&ioc] { ioc.run(); });
    }
    ioc.run();
    for (auto& t : pool) {
      t.join();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_bare_beast_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
