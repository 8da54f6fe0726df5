#include "core/shutdown_signal.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>

#include <pthread.h>

namespace openhouse::runtime {

namespace {

sigset_t shutdown_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void block_shutdown_signals() {
  auto set = shutdown_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_shutdown_signal() {
  auto set = shutdown_set();
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

std::optional<int> wait_for_shutdown_signal_for(std::chrono::milliseconds timeout) {
  const auto set = shutdown_set();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return std::nullopt;
    }
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
    const int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig > 0) {
      return sig;
    }
    if (errno != EINTR) {
      return std::nullopt;  // EAGAIN: the time is up
    }
  }
}

}  // namespace openhouse::runtime
