#pragma once

#include "integrations/redis/client.hpp"
#include "tests/support/process.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace openhouse::test {

/// A private redis-server for one test, for what the shared one from
/// scripts/services must not suffer: being killed, restarted or paused.
///
/// It listens on a free loopback port (kept across stop()/start(), so clients
/// configured with url() find it again), with no persistence, in a temporary
/// directory that the destructor removes along with the process.
/// How a private redis-server is run, beyond the defaults.
struct redis_server_options {
  /// requirepass: every connection must AUTH first; url() and endpoint()
  /// carry it.
  std::string password;
  /// More redis-server arguments (e.g. an ACL user: "--user", "alice", "on", ">pw", ...).
  std::vector<std::string> extra_args;
  /// A one-node Redis Cluster holding every slot: multi-key commands whose
  /// keys hash to different slots fail with CROSSSLOT, as on any cluster.
  bool cluster = false;

  /// requirepass `pw`, and any more arguments.
  static redis_server_options with_password(std::string pw, std::vector<std::string> args = {}) {
    redis_server_options o;
    o.password = std::move(pw);
    o.extra_args = std::move(args);
    return o;
  }
  /// A one-node cluster.
  static redis_server_options one_node_cluster() {
    redis_server_options o;
    o.cluster = true;
    return o;
  }
};

class redis_server {
 public:
  /// Starts the server and waits until it answers PING (and, as a cluster,
  /// until the cluster is up).
  explicit redis_server(redis_server_options options = {});
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
  /// redis://127.0.0.1:PORT, or redis://:PASSWORD@127.0.0.1:PORT
  [[nodiscard]] std::string url() const;
  [[nodiscard]] redis::endpoint endpoint() const {
    return {"127.0.0.1", port_, 0, {}, options_.password};
  }

 private:
  void form_cluster(std::chrono::milliseconds timeout);

  redis_server_options options_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<process> proc_;
  bool paused_ = false;
};

}  // namespace openhouse::test
