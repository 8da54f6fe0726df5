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
/// answer asynchronously so that no I/O thread waits on an actor. Hostile
/// clients are bounded: a cap on open connections, a header size limit, and
/// read timeouts apart for the idle wait, the headers and the body.
namespace openhouse::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

/// Completes one request. Callable from any thread, exactly once.
using respond_fn = std::function<void(response)>;

/// Called on an I/O thread for every complete request.
using handler = std::function<void(request&& req, respond_fn respond)>;

/// What the server reports to its owner (metrics), from any I/O thread.
enum class server_event {
  evicted,           ///< at max_connections: the connection that waited longest was closed
  refused,           ///< at max_connections with none waiting: the new connection was closed
  accept_failed,     ///< accept() failed (e.g. out of file descriptors); retried shortly
  idle_timeout,      ///< no request began within idle_timeout
  header_timeout,    ///< a request's headers were not complete within header_timeout
  body_timeout,      ///< a request's body was not complete within body_timeout
  header_too_large,  ///< headers above max_header_bytes: 431
};

/// The event's name in metrics and logs ("evicted", "header_timeout", ...).
[[nodiscard]] const char* to_string(server_event e) noexcept;

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0 picks a free port; see server::port()
  std::size_t io_threads = 2;
  std::size_t max_body_bytes = 64 * 1024;  ///< for every request; body_limit may lower it
  /// The body limit of one request, chosen from its method and target once
  /// the header is read: a longer body is answered 413 and never read.
  /// Unset: max_body_bytes for every request.
  std::function<std::size_t(boost::beast::http::verb method, std::string_view target)> body_limit;
  /// Time allowed for a request's first byte: after connecting, and between
  /// requests of a kept-alive connection.
  std::chrono::milliseconds idle_timeout{30000};
  /// From a request's first byte to the end of its headers.
  std::chrono::milliseconds header_timeout{10000};
  /// From the end of the headers to the end of the body.
  std::chrono::milliseconds body_timeout{10000};
  std::size_t max_header_bytes = 16 * 1024;  ///< beyond: 431
  /// Open connections at most. A new one beyond it closes the connection that
  /// has waited longest for (the rest of) a request, so a flood of idle or
  /// slow clients cannot crowd out a webhook; when every connection has a
  /// request in the handler, the new one is closed at once. Lowered at
  /// start() to the open-file limit less a reserve for the node's own
  /// clients (PostgreSQL, Redis, the provider, logs).
  std::size_t max_connections = 1000;
  std::function<void(server_event)> on_event;  ///< optional
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

  /// Connections open now (closing ones not counted).
  [[nodiscard]] std::size_t connections() const;

  /// The connection cap in force (max_connections, lowered to the open-file
  /// limit by start()).
  [[nodiscard]] std::size_t max_connections() const;

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
