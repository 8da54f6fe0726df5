#pragma once

#include "integrations/llm/simulator.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace openhouse::llm {

/// What `openhouse sim-llm` is started with.
struct simulator_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0 picks a free port
  /// Answer delay; 0 answers at once, nullopt imitates the provider.
  std::optional<std::chrono::milliseconds> latency;
  std::size_t io_threads = 2;
  /// Connections held at once (each slow call holds one over HTTP/1.1): well
  /// above the thousands of calls a burst of new leads keeps in flight.
  std::size_t max_connections = 10000;
  /// Probabilities in [0, 1] (together at most 1) of injected faults per call.
  double fault_rate_429 = 0, fault_rate_529 = 0, fault_rate_500 = 0, fault_rate_timeout = 0,
         fault_rate_malformed = 0;
  /// How long a "timeout" fault holds its answer.
  std::chrono::milliseconds timeout_fault_delay{30000};
  /// Seeds the rate-based fault draws.
  std::uint64_t seed = 0;
};

/// The provider simulator on the project's HTTP server. Delayed answers wait
/// on asio timers in the simulator's own timer thread, so a slow (or "timed
/// out") call never holds an I/O thread and never delays another call.
class sim_server {
 public:
  /// Throws std::invalid_argument on out-of-range fault rates.
  explicit sim_server(simulator_options options);
  ~sim_server();
  sim_server(const sim_server&) = delete;
  sim_server& operator=(const sim_server&) = delete;

  /// Binds and starts serving; throws std::system_error on bind failure.
  void start();

  /// The bound port (valid after start()).
  [[nodiscard]] std::uint16_t port() const;

  /// "http://ADDR:PORT", the base URL clients use (valid after start()).
  [[nodiscard]] std::string base_url() const;

  /// Answers every call still waiting on its delay at once, then stops the
  /// server and the timer thread. Idempotent; the destructor calls it.
  void stop();

  /// The request logic, e.g. for its stats.
  [[nodiscard]] simulator& logic();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Runs the simulator until SIGINT/SIGTERM (which the caller has blocked with
/// runtime::block_shutdown_signals()). Prints exactly one line
/// "listening on http://ADDR:PORT" to `out`, flushed, once bound. Returns 0
/// after a clean shutdown, 1 (with a one-line reason on stderr) on failure.
int run_simulator(const simulator_options& options, std::ostream& out);

}  // namespace openhouse::llm
