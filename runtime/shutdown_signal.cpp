#include "runtime/shutdown_signal.hpp"

#include <csignal>

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

}  // namespace openhouse::runtime
