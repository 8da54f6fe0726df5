#include "integrations/http/outbound_client.hpp"

#include "integrations/http/curl_global.hpp"

#include <curl/curl.h>

#include <new>

namespace openhouse::http {

namespace {

struct slist_deleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

struct outbound_client::impl {
  std::chrono::milliseconds timeout;
  CURL* handle = nullptr;

  explicit impl(std::chrono::milliseconds limit) : timeout(limit) {
    init_curl_once();
    handle = curl_easy_init();
  }
  ~impl() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;
};

outbound_client::outbound_client(std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(timeout)) {}

outbound_client::~outbound_client() = default;

outbound_response outbound_client::send(const outbound_request& req) {
  outbound_response out;
  CURL* h = impl_->handle;
  if (h == nullptr) {
    out.error = "curl_easy_init failed";
    return out;
  }
  curl_easy_reset(h);
  std::unique_ptr<curl_slist, slist_deleter> headers;
  for (const auto& line : req.headers) {
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next == nullptr) throw std::bad_alloc{};
    (void)headers.release();
    headers.reset(next);
  }
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  if (req.method != "GET") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(impl_->timeout.count()));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &out.body);
  const CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    out.status = 0;
    out.body.clear();
    out.error = error[0] != 0 ? std::string{error} : std::string{curl_easy_strerror(rc)};
    return out;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out.status);
  return out;
}

}  // namespace openhouse::http
