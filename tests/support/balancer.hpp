#pragma once

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

/// HAProxy in front of `openhouse serve` nodes, configured with the `global`
/// and `defaults` sections of the shipped docker/haproxy.cfg (health checks,
/// timeouts, retries), as scripts/cluster runs it. Header-only: the e2e
/// suite's sources are globbed, the support library's are listed.
namespace openhouse::test {

namespace balancer_detail {

/// The haproxy executable, or "" when it is not installed.
inline std::string find_haproxy() {
  std::vector<std::string> dirs{"/usr/sbin", "/usr/local/sbin"};
  if (const char* path = std::getenv("PATH")) {
    std::stringstream in{path};
    for (std::string d; std::getline(in, d, ':');) {
      dirs.push_back(d);
    }
  }
  for (const auto& d : dirs) {
    const auto candidate = d + "/haproxy";
    if (access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

/// A loopback port nobody listens on now (the kernel's pick).
inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) {
      close(fd);
    }
    throw std::runtime_error("balancer: no free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

/// The sections of `cfg` named `global` and `defaults`, verbatim.
inline std::string shipped_sections(const std::string& cfg) {
  std::istringstream in{cfg};
  std::string out;
  bool keep = false;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] >= 'a' && line[0] <= 'z') {
      const auto word = line.substr(0, line.find(' '));
      keep = word == "global" || word == "defaults";
    }
    if (keep) {
      out += line + '\n';
    }
  }
  return out;
}

/// "127.0.0.1:PORT" of "http://127.0.0.1:PORT".
inline std::string host_port(const std::string& url) {
  const auto scheme = url.find("://");
  auto rest = scheme == std::string::npos ? url : url.substr(scheme + 3);
  return rest.substr(0, rest.find('/'));
}

}  // namespace balancer_detail

/// HAProxy on a free loopback port, round robin over `backends` (base URLs).
/// Fails (throws) with a clear message when haproxy is not installed.
class balancer {
 public:
  explicit balancer(const std::vector<std::string>& backends) {
    const auto haproxy = balancer_detail::find_haproxy();
    if (haproxy.empty()) {
      throw std::runtime_error(
          "haproxy is not installed: the balancer tests need it (Debian package haproxy; "
          "scripts/setup installs it)");
    }
    std::ifstream shipped{std::string{OPENHOUSE_SOURCE_DIR} + "/docker/haproxy.cfg"};
    std::stringstream text;
    text << shipped.rdbuf();
    const int port = balancer_detail::free_port();
    const int stats_port = balancer_detail::free_port();
    std::string cfg = balancer_detail::shipped_sections(text.str());
    cfg += "\nfrontend webhooks\n  no log\n  bind 127.0.0.1:" + std::to_string(port) +
           "\n  default_backend app\n\nbackend app\n  no log\n";
    for (std::size_t i = 0; i < backends.size(); ++i) {
      cfg += "  server node" + std::to_string(i + 1) + " " +
             balancer_detail::host_port(backends[i]) + "\n";
    }
    cfg += "\nfrontend stats\n  no log\n  bind 127.0.0.1:" + std::to_string(stats_port) +
           "\n  stats enable\n  stats uri /stats\n";
    char dir[] = "/tmp/openhouse-balancer-XXXXXX";
    if (mkdtemp(dir) == nullptr) {
      throw std::runtime_error("balancer: mkdtemp failed");
    }
    dir_ = dir;
    std::ofstream{dir_ + "/haproxy.cfg"} << cfg;
    url_ = "http://127.0.0.1:" + std::to_string(port);
    stats_url_ = "http://127.0.0.1:" + std::to_string(stats_port) + "/stats;csv";
    proc_.emplace(std::vector<std::string>{haproxy, "-db", "-f", dir_ + "/haproxy.cfg"});
  }

  ~balancer() {
    proc_.reset();
    std::remove((dir_ + "/haproxy.cfg").c_str());
    rmdir(dir_.c_str());
  }
  balancer(const balancer&) = delete;
  balancer& operator=(const balancer&) = delete;

  [[nodiscard]] const std::string& url() const { return url_; }

  /// Servers HAProxy has in rotation (its health checks pass), or -1 while
  /// it does not answer yet.
  int servers_up() {
    int up = 0;
    for (const auto& f : stats_rows()) {
      if (f[1] != "BACKEND" && f[17] == "UP") {
        ++up;
      }
    }
    return stats_rows().empty() ? -1 : up;
  }

  /// Requests HAProxy sent again (retry-on), and of those to another server
  /// (redispatch), as its stats count them for the backend.
  std::pair<long, long> retries() {
    for (const auto& f : stats_rows()) {
      if (f[1] == "BACKEND") {
        return {std::stol("0" + f[15]), std::stol("0" + f[16])};
      }
    }
    return {-1, -1};
  }

 private:
  /// The `app` backend's rows of HAProxy's stats CSV (pxname, svname, ...;
  /// field 16 wretr, 17 wredis, 18 status); empty while it does not answer.
  std::vector<std::vector<std::string>> stats_rows() {
    std::vector<std::vector<std::string>> rows;
    try {
      http_client c;
      const auto r = c.get(stats_url_);
      std::istringstream in{r.status == 200 ? r.body : ""};
      for (std::string line; std::getline(in, line);) {
        std::vector<std::string> f;
        std::stringstream cells{line};
        for (std::string cell; std::getline(cells, cell, ',');) {
          f.push_back(cell);
        }
        if (f.size() > 17 && f[0] == "app") {
          rows.push_back(std::move(f));
        }
      }
    } catch (const std::exception&) {
      rows.clear();
    }
    return rows;
  }

  std::string dir_;
  std::string url_;
  std::string stats_url_;
  std::optional<process> proc_;
};

}  // namespace openhouse::test
