#pragma once

#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

/// A small HTTP/1.1 server on Boost.Beast: keep-alive, a body limit (413
/// before the handler runs), N I/O threads and graceful shutdown. Handlers
/// answer asynchronously so that no I/O thread waits on an actor.
namespace openhouse::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

/// Completes one request. Callable from any thread, exactly once.
using respond_fn = std::function<void(response)>;

/// Called on an I/O thread for every complete request.
using handler = std::function<void(request&& req, respond_fn respond)>;

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0 picks a free port; see server::port()
  std::size_t io_threads = 2;
  std::size_t max_body_bytes = 64 * 1024;  ///< for every request; body_limit may lower it
  /// The body limit of one request, chosen from its method and target once
  /// the header is read: a longer body is answered 413 and never read.
  /// Unset: max_body_bytes for every request.
  std::function<std::size_t(boost::beast::http::verb method, std::string_view target)> body_limit;
  std::chrono::seconds idle_timeout{30};
};

/// Builds a response with the request's version and keep-alive flag.
response make_response(const request& req, boost::beast::http::status status, std::string body,
                       std::string content_type = "application/json");

class server {
 public:
  server(server_options options, handler on_request);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds and starts the I/O threads; throws std::system_error on bind failure.
  void start();

  /// The bound port (valid after start()).
  [[nodiscard]] std::uint16_t port() const;

  /// Keeps serving, but every answer from now on closes its connection
  /// (`Connection: close`): a client or balancer that kept one open reconnects,
  /// and finds another node once this one is out of rotation. Idempotent.
  void drain();

  /// Stops accepting, lets in-flight requests finish (bounded by `grace`),
  /// then joins the I/O threads. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds{5000});

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace openhouse::http
