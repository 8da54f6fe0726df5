#include "integrations/llm/anthropic_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <mutex>
#include <new>
#include <optional>
#include <utility>

namespace openhouse::llm {

namespace {

// curl_global_init is not thread-safe and must run before any other curl call;
// call_once makes it safe no matter which worker constructs the first client.
// It is never undone: curl_global_cleanup at exit would race other users.
void init_curl_once() {
  static std::once_flag flag;
  std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string messages_url(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.size() >= 3 && base.compare(base.size() - 3, 3, "/v1") == 0) base.resize(base.size() - 3);
  return base + "/v1/messages";
}

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

struct anthropic_client::impl {
  client_options options;
  std::string url;
  CURL* handle = nullptr;
  std::int64_t connects = 0;
  // Filled by the callbacks during one call.
  std::string body;
  std::optional<std::string> retry_after;

  explicit impl(client_options opts) : options(std::move(opts)), url(messages_url(options.base_url)) {
    init_curl_once();
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
      self->body.append(data, size * count);
    } catch (...) {
      return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
    }
    return size * count;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<impl*>(user);
    const std::string_view line{data, size * count};
    constexpr std::string_view name = "retry-after:";
    if (line.size() > name.size() &&
        std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      try {
        std::string value{line.substr(name.size())};
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
        value.erase(0, value.find_first_not_of(' '));
        self->retry_after = std::move(value);
      } catch (...) {
        return 0;
      }
    }
    return size * count;
  }

  std::variant<messages_response, client_error> send(const messages_request& request) {
    if (handle == nullptr) {
      handle = curl_easy_init();
      if (handle == nullptr) return client_error{client_errc::transport, 0, "curl_easy_init failed", std::nullopt};
    }
    const std::string payload = to_json(request).dump();
    body.clear();
    retry_after.reset();

    header_list headers;
    append_header(headers, "content-type: application/json");
    append_header(headers, "accept: application/json");
    append_header(headers, "x-api-key: " + options.api_key);
    append_header(headers, "anthropic-version: " + options.anthropic_version);
    if (!request.task.empty()) append_header(headers, "x-openhouse-task: " + request.task);
    for (const auto& line : options.extra_headers) append_header(headers, line);
    // Without this curl waits for "100 Continue" before sending bodies > 1 KiB.
    append_header(headers, "Expect:");

    // Options are set afresh on every call (cheap); the handle itself, and with
    // it curl's connection cache, lives as long as the client: keep-alive.
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &impl::on_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &impl::on_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<std::int64_t>(options.timeout.count(), 10000)));
    // Worker threads: signals must not be used for DNS timeouts.
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");

    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    const CURLcode rc = curl_easy_perform(handle);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
    // The header list dies with this call; the handle must not point at it.
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, nullptr);

    long new_connects = 0;
    if (curl_easy_getinfo(handle, CURLINFO_NUM_CONNECTS, &new_connects) == CURLE_OK) connects += new_connects;

    if (rc != CURLE_OK) {
      std::string message = error_buffer[0] != '\0' ? std::string{error_buffer} : std::string{curl_easy_strerror(rc)};
      const auto code = rc == CURLE_OPERATION_TIMEDOUT ? client_errc::timeout : client_errc::transport;
      return client_error{code, 0, std::move(message), std::nullopt};
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    return parse_messages_response(static_cast<int>(status), body, retry_after);
  }
};

anthropic_client::anthropic_client(client_options options) : impl_(std::make_unique<impl>(std::move(options))) {}
anthropic_client::~anthropic_client() = default;
anthropic_client::anthropic_client(anthropic_client&&) noexcept = default;
anthropic_client& anthropic_client::operator=(anthropic_client&&) noexcept = default;

std::variant<messages_response, client_error> anthropic_client::send(const messages_request& request) {
  try {
    if (!impl_) return client_error{client_errc::transport, 0, "client was moved from", std::nullopt};
    return impl_->send(request);
  } catch (const std::exception& e) {
    return client_error{client_errc::transport, 0, e.what(), std::nullopt};
  } catch (...) {
    return client_error{client_errc::transport, 0, "unknown exception", std::nullopt};
  }
}

std::int64_t anthropic_client::connections_opened() const noexcept { return impl_ ? impl_->connects : 0; }

}  // namespace openhouse::llm
