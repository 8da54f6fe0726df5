#include "integrations/llm/curl_transport.hpp"

#include "core/text.hpp"
#include "integrations/http/curl_global.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <new>
#include <utility>

namespace openhouse::llm {

namespace {

struct curl_slist_deleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using header_list = std::unique_ptr<curl_slist, curl_slist_deleter>;

// Appends to a list owned by `list`; throws bad_alloc if curl cannot.
void append_header(header_list& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next == nullptr) throw std::bad_alloc{};
  (void)list.release();
  list.reset(next);
}

}  // namespace

std::string endpoint_url(std::string base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.size() >= 3 && base.compare(base.size() - 3, 3, "/v1") == 0)
    base.resize(base.size() - 3);
  return base + std::string{path};
}

struct curl_transport::impl {
  std::chrono::milliseconds timeout;
  CURL* handle = nullptr;
  std::int64_t connects = 0;
  // Set for the duration of one call.
  http_answer answer;
  const body_sink* sink = nullptr;
  std::exception_ptr sink_failure;

  explicit impl(std::chrono::milliseconds limit) : timeout(limit) {
    http::init_curl_once();
    handle = curl_easy_init();
  }
  ~impl() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<impl*>(user);
    try {
      if (self->sink != nullptr && *self->sink) {
        (*self->sink)(std::string_view{data, size * count});
      } else {
        self->answer.body.append(data, size * count);
      }
    } catch (...) {
      self->sink_failure = std::current_exception();
      return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
    }
    return size * count;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<impl*>(user);
    const std::string_view line{data, size * count};
    // A new status line (after a 100 Continue or a redirect) starts afresh.
    if (line.rfind("HTTP/", 0) == 0) self->answer.retry_after.reset();
    constexpr std::string_view name = "retry-after:";
    if (line.size() > name.size() && core::istarts_with_ascii(line, name)) {
      try {
        std::string value{line.substr(name.size())};
        while (!value.empty() &&
               (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
          value.pop_back();
        value.erase(0, value.find_first_not_of(' '));
        self->answer.retry_after = std::move(value);
      } catch (...) {
        return 0;
      }
    }
    return size * count;
  }

  std::variant<http_answer, client_error> post(const std::string& url,
                                               const std::vector<std::string>& lines,
                                               const std::string& payload,
                                               const body_sink& body_to) {
    if (handle == nullptr) {
      handle = curl_easy_init();
      if (handle == nullptr)
        return client_error{client_errc::transport, 0, "curl_easy_init failed", std::nullopt};
    }
    answer = http_answer{};
    sink = &body_to;
    sink_failure = nullptr;

    header_list headers;
    for (const auto& line : lines) append_header(headers, line);
    // Without this curl waits for "100 Continue" before sending bodies > 1 KiB.
    append_header(headers, "Expect:");

    // Options are set afresh on every call (cheap); the handle itself, and with
    // it curl's connection cache, lives as long as the transport: keep-alive.
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &impl::on_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &impl::on_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<std::int64_t>(timeout.count(), 10000)));
    // Worker threads: signals must not be used for DNS timeouts.
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");

    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    const CURLcode rc = curl_easy_perform(handle);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
    // The header list and payload die with this call; the handle must not point at them.
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, nullptr);
    sink = nullptr;

    long new_connects = 0;
    if (curl_easy_getinfo(handle, CURLINFO_NUM_CONNECTS, &new_connects) == CURLE_OK)
      connects += new_connects;

    if (sink_failure) {
      std::string why = "unknown exception";
      try {
        std::rethrow_exception(sink_failure);
      } catch (const std::exception& e) {
        why = e.what();
      } catch (...) {
      }
      sink_failure = nullptr;
      return client_error{client_errc::transport, 0, "aborted by the stream consumer: " + why,
                          std::nullopt};
    }
    if (rc != CURLE_OK) {
      std::string message =
          error_buffer[0] != '\0' ? std::string{error_buffer} : std::string{curl_easy_strerror(rc)};
      const auto code =
          rc == CURLE_OPERATION_TIMEDOUT ? client_errc::timeout : client_errc::transport;
      return client_error{code, 0, std::move(message), std::nullopt};
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    answer.status = static_cast<int>(status);
    return std::move(answer);
  }
};

curl_transport::curl_transport(std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(timeout)) {}
curl_transport::~curl_transport() = default;
curl_transport::curl_transport(curl_transport&&) noexcept = default;
curl_transport& curl_transport::operator=(curl_transport&&) noexcept = default;

std::variant<http_answer, client_error> curl_transport::post(
    const std::string& url, const std::vector<std::string>& headers, const std::string& payload,
    const body_sink& sink) {
  if (!impl_)
    return client_error{client_errc::transport, 0, "transport was moved from", std::nullopt};
  return impl_->post(url, headers, payload, sink);
}

std::int64_t curl_transport::connections_opened() const noexcept {
  return impl_ ? impl_->connects : 0;
}

}  // namespace openhouse::llm
