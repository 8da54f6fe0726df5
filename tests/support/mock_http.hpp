#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

/// A local stand-in for Twilio's REST API and a GoHighLevel-style CRM API in
/// end-to-end tests: a Beast HTTP server on 127.0.0.1 that records every
/// request and can fail the first N with 500.
namespace openhouse::test {

struct recorded_request {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;
};

class mock_http {
 public:
  /// Listens on `port` (0: any free port) at once.
  explicit mock_http(std::uint16_t port = 0);
  ~mock_http();
  mock_http(const mock_http&) = delete;
  mock_http& operator=(const mock_http&) = delete;

  [[nodiscard]] std::string url() const;
  [[nodiscard]] std::uint16_t port() const { return port_; }

  /// The next `n` requests are answered 500 (and recorded).
  void fail_next(int n) { fail_left_ = n; }

  /// Every request so far, in arrival order.
  [[nodiscard]] std::vector<recorded_request> requests() const;

  /// Requests whose target starts with `prefix`.
  [[nodiscard]] std::vector<recorded_request> requests_to(const std::string& prefix) const;

  /// Waits (on a condition variable, no polling) until at least `n` requests
  /// whose target starts with `prefix` arrived; false on timeout.
  bool wait_for(const std::string& prefix, std::size_t n,
                std::chrono::milliseconds timeout = std::chrono::seconds{20}) const;

  /// Stops listening and closes every connection. Idempotent.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::uint16_t port_ = 0;
  std::atomic<int> fail_left_{0};
};

}  // namespace openhouse::test
