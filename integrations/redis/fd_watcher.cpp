#include "integrations/redis/fd_watcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <system_error>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace openhouse::redis {

namespace {

using steady = std::chrono::steady_clock;

int millis_until(steady::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - steady::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

}  // namespace

fd_watcher::fd_watcher(callback on_ready) : on_ready_(std::move(on_ready)) {
  wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_ < 0) {
    throw std::system_error(errno, std::generic_category(), "fd_watcher: eventfd");
  }
  thread_ = std::thread{[this] { run(); }};
}

fd_watcher::~fd_watcher() {
  {
    const std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake();
  if (thread_.joinable()) {
    thread_.join();
  }
  close(wake_);
}

void fd_watcher::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = write(wake_, &one, sizeof one);
}

void fd_watcher::arm(int fd, bool write, steady::time_point deadline) {
  {
    const std::lock_guard lock{mutex_};
    armed_ = true;
    fd_ = fd;
    write_ = write;
    deadline_ = deadline;
  }
  wake();
}

void fd_watcher::disarm() {
  {
    const std::lock_guard lock{mutex_};
    armed_ = false;
  }
  wake();
}

void fd_watcher::run() {
  for (;;) {
    std::array<pollfd, 2> fds{};
    fds[0] = {wake_, POLLIN, 0};
    nfds_t count = 1;
    int timeout = -1;  // idle: sleep until armed
    {
      const std::lock_guard lock{mutex_};
      if (stopping_) {
        return;
      }
      if (armed_) {
        timeout = millis_until(deadline_);
        if (fd_ >= 0) {
          fds[1] = {fd_, static_cast<short>(write_ ? POLLIN | POLLOUT : POLLIN), 0};
          count = 2;
        }
      }
    }
    const int n = ::poll(fds.data(), count, timeout);
    if (n < 0 && errno != EINTR) {
      spdlog::error("fd_watcher: poll: {}", std::system_category().message(errno));
      return;
    }
    if (n < 0) {
      continue;
    }
    if ((fds[0].revents & POLLIN) != 0) {
      std::uint64_t drained = 0;
      [[maybe_unused]] auto r = read(wake_, &drained, sizeof drained);
      continue;  // the wait changed: read it again
    }
    bool fire = false;
    {
      const std::lock_guard lock{mutex_};
      // Ready, or the deadline passed (n == 0); a wait disarmed or replaced
      // meanwhile was signalled through the eventfd and is read again above.
      if (armed_) {
        armed_ = false;
        fire = true;
      }
    }
    if (fire && on_ready_) {
      try {
        on_ready_();
      } catch (const std::exception& e) {
        spdlog::error("fd_watcher: callback threw: {}", e.what());
      }
    }
  }
}

}  // namespace openhouse::redis
