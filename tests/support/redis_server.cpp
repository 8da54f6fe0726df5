#include "tests/support/redis_server.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace openhouse::test {

namespace {

/// A port the kernel considers free right now: bind port 0 and read it back.
/// (Redis binds with SO_REUSEADDR, so the port's TIME_WAIT does not matter.)
std::uint16_t free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw std::runtime_error(std::string{"socket: "} + std::strerror(errno));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int err = errno;
    close(fd);
    throw std::runtime_error(std::string{"bind: "} + std::strerror(err));
  }
  close(fd);
  return ntohs(addr.sin_port);
}

/// test::process execs without a PATH search; find the binary ourselves.
std::string find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs{path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin"};
  for (std::string dir; std::getline(dirs, dir, ':');) {
    auto candidate = std::filesystem::path{dir.empty() ? "." : dir} / name;
    if (access(candidate.c_str(), X_OK) == 0) {
      return candidate.string();
    }
  }
  throw std::runtime_error(name + " not found in PATH (install redis-server)");
}

std::string redis_server_binary() {
  if (const char* explicit_path = std::getenv("OPENHOUSE_REDIS_SERVER")) {
    return explicit_path;
  }
  return find_in_path("redis-server");
}

std::string tail_of(const std::filesystem::path& file) {
  std::ifstream in{file};
  std::stringstream ss;
  ss << in.rdbuf();
  auto text = ss.str();
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

}  // namespace

redis_server::redis_server(redis_server_options options) : options_(std::move(options)) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "openhouse-redis-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error(std::string{"mkdtemp: "} + std::strerror(errno));
  }
  dir_ = tmpl;
  try {
    port_ = free_loopback_port();
    start();
  } catch (...) {
    stop(SIGKILL);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw;
  }
}

redis_server::~redis_server() {
  try {
    stop(SIGKILL);  // nothing to flush: no persistence
  } catch (...) {
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string redis_server::url() const {
  const auto auth = options_.password.empty() ? std::string{} : ":" + options_.password + "@";
  return "redis://" + auth + "127.0.0.1:" + std::to_string(port_);
}

void redis_server::start(std::chrono::milliseconds timeout) {
  if (proc_) {
    return;
  }
  const auto log = dir_ / "redis.log";
  // The log goes to a file: nobody reads the child's stdout pipe, which would fill up.
  std::vector<std::string> argv{redis_server_binary(),
                                "--port",
                                std::to_string(port_),
                                "--bind",
                                "127.0.0.1",
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--dir",
                                dir_.string(),
                                "--logfile",
                                log.string(),
                                "--daemonize",
                                "no"};
  if (!options_.password.empty()) {
    argv.insert(argv.end(), {"--requirepass", options_.password});
  }
  if (options_.cluster) {
    // A fresh node each start: the old node file would remember its slots.
    std::error_code ec;
    std::filesystem::remove(dir_ / "nodes.conf", ec);
    // The bus port defaults to port + 10000, too high for most free ports.
    argv.insert(argv.end(), {"--cluster-enabled", "yes", "--cluster-config-file",
                             (dir_ / "nodes.conf").string(), "--cluster-port",
                             std::to_string(free_loopback_port())});
  }
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  proc_ = std::make_unique<process>(argv);
  paused_ = false;
  // Ready when it answers, however long that takes (within the timeout).
  redis::client probe{endpoint(), std::chrono::milliseconds{200}};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!probe.ping()) {
    if (std::chrono::steady_clock::now() > deadline) {
      stop(SIGKILL);
      throw std::runtime_error("redis-server on port " + std::to_string(port_) +
                               " did not answer PING in time; log:\n" + tail_of(log));
    }
    // A refused connect returns at once: yield between probes rather than spin hot.
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  if (options_.cluster) {
    form_cluster(timeout);
  }
}

void redis_server::form_cluster(std::chrono::milliseconds timeout) {
  auto cli = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{find_in_path("redis-cli"), "-p", std::to_string(port_)};
    if (!options_.password.empty()) {
      argv.insert(argv.end(), {"-a", options_.password, "--no-auth-warning"});
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  };
  const auto added = cli({"CLUSTER", "ADDSLOTSRANGE", "0", "16383"});
  if (added.out.find("OK") == std::string::npos) {
    throw std::runtime_error("CLUSTER ADDSLOTSRANGE: " + added.out + added.err);
  }
  // The node takes a moment to call its cluster up once it owns the slots.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (cli({"CLUSTER", "INFO"}).out.find("cluster_state:ok") == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the one-node cluster did not come up in time");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

void redis_server::stop(int sig) {
  if (!proc_) {
    return;
  }
  if (paused_) {
    ::kill(proc_->pid(), SIGCONT);  // a stopped process would hold SIGTERM pending
    paused_ = false;
  }
  proc_->stop(sig);
  proc_.reset();
}

void redis_server::pause() {
  if (proc_ && !paused_) {
    ::kill(proc_->pid(), SIGSTOP);
    paused_ = true;
  }
}

void redis_server::resume() {
  if (proc_ && paused_) {
    ::kill(proc_->pid(), SIGCONT);
    paused_ = false;
  }
}

}  // namespace openhouse::test
