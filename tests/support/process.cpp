#include "tests/support/process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace openhouse::test {

namespace {

pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            int out_fd, int err_fd) {
  const pid_t pid = fork();
  if (pid < 0) {
    throw std::runtime_error(std::string{"fork: "} + std::strerror(errno));
  }
  if (pid == 0) {
    // The test runner may block signals; the child must see SIGTERM.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (const auto& [k, v] : env) {
      setenv(k.c_str(), v.c_str(), 1);
    }
    if (out_fd >= 0) {
      dup2(out_fd, STDOUT_FILENO);
    }
    if (err_fd >= 0) {
      dup2(err_fd, STDERR_FILENO);
    }
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int decode_status(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return -1;
}

}  // namespace

process::process(std::vector<std::string> argv, const std::map<std::string, std::string>& env) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_ = spawn(argv, env, fds[1], -1);
  close(fds[1]);
  stdout_fd_ = fds[0];
}

process::~process() {
  if (!reaped_) {
    stop(SIGTERM);
  }
  if (stdout_fd_ >= 0) {
    close(stdout_fd_);
  }
}

std::string process::wait_for_line(const std::string& prefix, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds{timeout_ms};
  for (;;) {
    for (auto nl = buffered_.find('\n'); nl != std::string::npos; nl = buffered_.find('\n')) {
      auto line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      if (line.rfind(prefix, 0) == 0) {
        return line;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      throw std::runtime_error("timed out waiting for '" + prefix + "'");
    }
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) {
      continue;
    }
    char buf[4096];
    const auto n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) {
      throw std::runtime_error("process exited before printing '" + prefix + "'");
    }
    buffered_.append(buf, static_cast<std::size_t>(n));
  }
}

std::string process::wait_until_listening(int timeout_ms) {
  const auto line = wait_for_line("listening on ", timeout_ms);
  return line.substr(std::strlen("listening on "));
}

void process::signal(int sig) {
  if (!reaped_) {
    kill(pid_, sig);
  }
}

int process::wait() {
  if (reaped_) {
    return status_;
  }
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  status_ = decode_status(status);
  return status_;
}

int process::stop(int sig) {
  if (reaped_) {
    return status_;
  }
  kill(pid_, sig);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  status_ = decode_status(status);
  return status_;
}

run_result run(std::vector<std::string> argv, const std::map<std::string, std::string>& env) {
  char out_path[] = "/tmp/openhouse-test-out-XXXXXX";
  char err_path[] = "/tmp/openhouse-test-err-XXXXXX";
  const int out_fd = mkstemp(out_path);
  const int err_fd = mkstemp(err_path);
  const pid_t pid = spawn(argv, env, out_fd, err_fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  auto slurp = [](int fd) {
    std::string s;
    lseek(fd, 0, SEEK_SET);
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
      s.append(buf, static_cast<std::size_t>(n));
    }
    close(fd);
    return s;
  };
  run_result r;
  r.exit_code = decode_status(status);
  r.out = slurp(out_fd);
  r.err = slurp(err_fd);
  unlink(out_path);
  unlink(err_path);
  return r;
}

}  // namespace openhouse::test
