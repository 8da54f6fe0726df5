#include "integrations/llm/async_transport.hpp"

#include "integrations/http/curl_global.hpp"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_set>
#include <utility>

namespace openhouse::llm {

namespace {

using steady = std::chrono::steady_clock;

struct curl_slist_deleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

/// One call on its way: owns everything its easy handle points at.
struct transfer {
  CURL* easy = nullptr;
  std::unique_ptr<curl_slist, curl_slist_deleter> headers;
  http_call call;
  async_transport::done_fn done;
  http_answer answer;
  char error[CURL_ERROR_SIZE] = {};

  ~transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  try {
    t->answer.body.append(data, size * count);
  } catch (...) {
    return 0;  // CURLE_WRITE_ERROR
  }
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  try {
    read_header_line(std::string_view{data, size * count}, t->answer);
  } catch (...) {
    return 0;
  }
  return size * count;
}

void finish(transfer& t, async_transport::outcome result) {
  try {
    if (t.done) t.done(std::move(result));
  } catch (...) {
    // The caller's hand-off failed; the loop must go on for every other call.
  }
  t.done = nullptr;
}

}  // namespace

struct async_transport::impl {
  observer watch;
  CURLM* multi = nullptr;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::thread loop;
  std::atomic<bool> stopping{false};
  std::optional<steady::time_point> curl_deadline;  // loop thread only
  std::unordered_set<transfer*> live;               // loop thread only: in the multi handle

  std::mutex mutex;  // guards `incoming`
  std::vector<std::unique_ptr<transfer>> incoming;

  std::atomic<std::int64_t> in_flight{0}, peak{0}, opened{0}, reused{0};

  explicit impl(observer w) : watch(std::move(w)) {
    http::init_curl_once();
    multi = curl_multi_init();
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (multi == nullptr || epoll_fd < 0 || wake_fd < 0) {
      cleanup();
      throw std::runtime_error{"async_transport: cannot set up libcurl multi / epoll"};
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &impl::on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &impl::on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    // HTTP/2: many calls on one connection when the provider speaks it.
    curl_multi_setopt(multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
    loop = std::thread{[this] { run(); }};
  }

  ~impl() {
    stopping = true;
    wake();
    if (loop.joinable()) loop.join();
    cleanup();
  }

  void cleanup() {
    if (multi != nullptr) curl_multi_cleanup(multi);
    multi = nullptr;
    if (epoll_fd >= 0) ::close(epoll_fd);
    if (wake_fd >= 0) ::close(wake_fd);
    epoll_fd = wake_fd = -1;
  }

  void wake() const {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);
  }

  static int on_socket(CURL* /*easy*/, curl_socket_t s, int what, void* user, void* socketp) {
    auto* self = static_cast<impl*>(user);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_DEL, s, nullptr);
      curl_multi_assign(self->multi, s, nullptr);
      return 0;
    }
    epoll_event ev{};
    ev.data.fd = s;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) ev.events |= EPOLLIN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) ev.events |= EPOLLOUT;
    if (socketp != nullptr) {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_MOD, s, &ev);
    } else {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_ADD, s, &ev);
      // Any non-null marker: "this socket is in the epoll set".
      curl_multi_assign(self->multi, s, self);
    }
    return 0;
  }

  static int on_timer(CURLM* /*multi*/, long timeout_ms, void* user) {
    auto* self = static_cast<impl*>(user);
    if (timeout_ms < 0) {
      self->curl_deadline.reset();
    } else {
      self->curl_deadline = steady::now() + std::chrono::milliseconds{timeout_ms};
    }
    return 0;
  }

  void add(std::unique_ptr<transfer> t) {
    CURL* easy = curl_easy_init();
    if (easy == nullptr) {
      return finish(*t,
                    client_error{client_errc::transport, 0, "curl_easy_init failed", std::nullopt});
    }
    t->easy = easy;
    try {
      for (const auto& line : t->call.headers) {
        curl_slist* next = curl_slist_append(t->headers.get(), line.c_str());
        if (next == nullptr) throw std::bad_alloc{};
        (void)t->headers.release();
        t->headers.reset(next);
      }
      // Without this curl waits for "100 Continue" before sending bodies > 1 KiB.
      curl_slist* next = curl_slist_append(t->headers.get(), "Expect:");
      if (next == nullptr) throw std::bad_alloc{};
      (void)t->headers.release();
      t->headers.reset(next);
    } catch (const std::bad_alloc&) {
      return finish(*t, client_error{client_errc::transport, 0, "out of memory", std::nullopt});
    }
    const long limit = static_cast<long>(std::max<std::int64_t>(1, t->call.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_URL, t->call.url.c_str());
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, t->call.payload.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(t->call.payload.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers.get());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, limit);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, std::min(limit, 10000L));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    // h2 over TLS where the server offers it; plain http stays HTTP/1.1.
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    // A new call waits for a connection being set up (or multiplexes on it)
    // rather than opening one more.
    curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
    if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
      return finish(*t, client_error{client_errc::transport, 0, "curl_multi_add_handle failed",
                                     std::nullopt});
    }
    const auto now = ++in_flight;
    auto seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    // `live` owns the transfer from here; harvest() takes it back.
    live.insert(t.release());
  }

  void harvest() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode rc = msg->data.result;
      transfer* raw = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &raw);
      live.erase(raw);
      std::unique_ptr<transfer> t{raw};
      curl_multi_remove_handle(multi, easy);
      --in_flight;
      count_connection(easy);
      if (rc != CURLE_OK) {
        std::string message =
            t->error[0] != '\0' ? std::string{t->error} : std::string{curl_easy_strerror(rc)};
        const auto code =
            rc == CURLE_OPERATION_TIMEDOUT ? client_errc::timeout : client_errc::transport;
        finish(*t, client_error{code, 0, std::move(message), std::nullopt});
        continue;
      }
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      t->answer.status = static_cast<int>(status);
      finish(*t, std::move(t->answer));
    }
  }

  void count_connection(CURL* easy) {
    long connects = 0;
    curl_off_t sent = 0;
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
    curl_easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &sent);
    long header_bytes = 0;
    curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &header_bytes);
    if (connects > 0) {
      opened += connects;
      for (long i = 0; i < connects; ++i)
        if (watch.on_connection_opened) watch.on_connection_opened();
    } else if (header_bytes > 0 || sent > 0) {
      ++reused;
      if (watch.on_connection_reused) watch.on_connection_reused();
    }
  }

  void socket_action(curl_socket_t s, int mask) {
    int running = 0;
    curl_multi_socket_action(multi, s, mask, &running);
  }

  void run() {
    std::vector<epoll_event> events(256);
    while (!stopping) {
      int wait_ms = -1;
      if (curl_deadline) {
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(*curl_deadline - steady::now());
        wait_ms = static_cast<int>(std::max<std::int64_t>(0, left.count()));
      }
      const int n = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), wait_ms);
      if (n < 0 && errno != EINTR) break;
      for (int i = 0; i < n; ++i) {
        const auto& ev = events[static_cast<std::size_t>(i)];
        if (ev.data.fd == wake_fd) {
          std::uint64_t count = 0;
          [[maybe_unused]] const auto r = ::read(wake_fd, &count, sizeof count);
          continue;
        }
        int mask = 0;
        if ((ev.events & EPOLLIN) != 0) mask |= CURL_CSELECT_IN;
        if ((ev.events & EPOLLOUT) != 0) mask |= CURL_CSELECT_OUT;
        if ((ev.events & (EPOLLERR | EPOLLHUP)) != 0) mask |= CURL_CSELECT_ERR;
        socket_action(ev.data.fd, mask);
      }
      if (curl_deadline && steady::now() >= *curl_deadline) {
        curl_deadline.reset();
        socket_action(CURL_SOCKET_TIMEOUT, 0);
      }
      std::vector<std::unique_ptr<transfer>> fresh;
      {
        std::lock_guard lock{mutex};
        fresh.swap(incoming);
      }
      for (auto& t : fresh) add(std::move(t));
      harvest();
    }
    shut_down();
  }

  /// On the loop thread, at the end: every call still open learns it failed.
  void shut_down() {
    const client_error gone{client_errc::transport, 0, "provider client shut down", std::nullopt};
    std::vector<std::unique_ptr<transfer>> left;
    {
      std::lock_guard lock{mutex};
      left.swap(incoming);
    }
    for (auto& t : left) finish(*t, gone);
    for (transfer* raw : live) {
      std::unique_ptr<transfer> t{raw};
      curl_multi_remove_handle(multi, t->easy);
      --in_flight;
      finish(*t, gone);
    }
    live.clear();
  }
};

async_transport::async_transport(observer watch)
    : impl_(std::make_unique<impl>(std::move(watch))) {}

async_transport::~async_transport() = default;

void async_transport::submit(http_call call, done_fn done) {
  auto t = std::make_unique<transfer>();
  t->call = std::move(call);
  t->done = std::move(done);
  if (impl_->stopping) {
    return finish(
        *t, client_error{client_errc::transport, 0, "provider client shut down", std::nullopt});
  }
  {
    std::lock_guard lock{impl_->mutex};
    impl_->incoming.push_back(std::move(t));
  }
  impl_->wake();
}

std::int64_t async_transport::in_flight() const noexcept { return impl_->in_flight.load(); }
std::int64_t async_transport::peak_in_flight() const noexcept { return impl_->peak.load(); }
std::int64_t async_transport::connections_opened() const noexcept { return impl_->opened.load(); }
std::int64_t async_transport::connections_reused() const noexcept { return impl_->reused.load(); }

}  // namespace openhouse::llm
