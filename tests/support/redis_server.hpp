#pragma once

#include "integrations/redis/client.hpp"
#include "tests/support/process.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace openhouse::test {

/// A private redis-server for one test, for what the shared one from
/// scripts/services must not suffer: being killed, restarted or paused.
///
/// It listens on a free loopback port (kept across stop()/start(), so clients
/// configured with url() find it again), with no persistence, in a temporary
/// directory that the destructor removes along with the process.
class redis_server {
public:
  /// Starts the server and waits until it answers PING.
  redis_server();
  ~redis_server();
  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  /// Starts it again on the same port (no-op while running); waits until it
  /// answers PING or throws after `timeout`.
  void start(std::chrono::milliseconds timeout = std::chrono::seconds{10});

  /// Stops it with `sig` (SIGTERM: Redis closes its clients; SIGKILL: they
  /// see a reset) and reaps it; no-op when stopped. The data is gone: no
  /// persistence.
  void stop(int sig = 15);

  /// SIGSTOP / SIGCONT: the server keeps its connections but answers
  /// nothing, which is what a timeout looks like to a client.
  void pause();
  void resume();

  [[nodiscard]] bool running() const { return proc_ != nullptr; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// redis://127.0.0.1:PORT
  [[nodiscard]] std::string url() const;
  [[nodiscard]] redis::endpoint endpoint() const { return {"127.0.0.1", port_, 0}; }

private:
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<process> proc_;
  bool paused_ = false;
};

}  // namespace openhouse::test
