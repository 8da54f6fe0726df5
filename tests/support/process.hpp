#pragma once

#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace openhouse::test {

/// A child process started for a test (the openhouse binary as a server).
/// The destructor sends SIGTERM and reaps it, so no test leaves one behind.
class process {
 public:
  /// Starts `argv` with the parent's environment plus `env` overrides.
  process(std::vector<std::string> argv, const std::map<std::string, std::string>& env = {});
  ~process();
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  /// Reads stdout lines until one starts with `prefix`; returns it. Throws if
  /// the child exits (or `timeout_ms` passes) first.
  std::string wait_for_line(const std::string& prefix, int timeout_ms = 30000);

  /// Waits for "listening on http://ADDR:PORT" and returns the base URL.
  std::string wait_until_listening(int timeout_ms = 30000);

  /// Sends `sig` and waits for the exit; returns the exit status (or 128+signal).
  int stop(int sig = 15);

  /// Sends `sig` without waiting (no-op once reaped).
  void signal(int sig);

  /// Waits for the exit, sending nothing; returns the exit status (or 128+signal).
  int wait();

  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
  bool reaped_ = false;
  int status_ = 0;
};

/// The result of running a command to completion.
struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `argv` to completion, capturing stdout and stderr.
run_result run(std::vector<std::string> argv, const std::map<std::string, std::string>& env = {});

}  // namespace openhouse::test
