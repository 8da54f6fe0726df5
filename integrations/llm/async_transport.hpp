#pragma once

#include "core/llm_messages.hpp"
#include "integrations/llm/curl_transport.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace openhouse::llm {

/// One POST for async_transport.
struct http_call {
  std::string url;
  std::vector<std::string> headers;  ///< "name: value"
  std::string payload;
  /// The call's own deadline (connect + send + the whole answer); past it the
  /// transfer is cancelled and its easy handle removed (a timeout error).
  std::chrono::milliseconds timeout{20000};
};

/// Non-blocking JSON POSTs: libcurl's multi interface driven by
/// curl_multi_socket_action on one event-loop thread (epoll). Any number of
/// calls share that thread and the multi handle's connection cache
/// (keep-alive; HTTP/2 multiplexing over https when libcurl has it), so calls
/// in flight cost sockets, not threads.
///
/// Thread-safe: submit() from any thread. Completions run on the loop thread
/// and must be quick (hand the answer to an actor). Nothing thrown inside the
/// client leaves it: failures are client_errors (http_status 0).
class async_transport {
 public:
  using outcome = std::variant<http_answer, client_error>;
  using done_fn = std::function<void(outcome)>;
  /// Called on the loop thread after every finished transfer with whether it
  /// opened a new connection (else it reused one; a call that never reached
  /// a connection reports neither).
  struct observer {
    std::function<void()> on_connection_opened;
    std::function<void()> on_connection_reused;
  };

  /// Starts the loop thread; throws std::runtime_error when libcurl or epoll
  /// cannot be set up.
  explicit async_transport(observer watch = {});
  /// Fails the calls still in flight ("client shut down") and joins the thread.
  ~async_transport();
  async_transport(const async_transport&) = delete;
  async_transport& operator=(const async_transport&) = delete;

  /// Queues `call`; `done` runs exactly once, on the loop thread (or in the
  /// destructor). An exception from `done` is swallowed.
  void submit(http_call call, done_fn done);

  /// Transfers added and not yet finished.
  [[nodiscard]] std::int64_t in_flight() const noexcept;
  /// The most transfers ever in flight at once.
  [[nodiscard]] std::int64_t peak_in_flight() const noexcept;
  [[nodiscard]] std::int64_t connections_opened() const noexcept;
  [[nodiscard]] std::int64_t connections_reused() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace openhouse::llm
