#include "tests/support/http_client.hpp"

#include "integrations/http/form.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <stdexcept>

namespace openhouse::test {

namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    auto name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r\n") + 1);
    (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
  }
  return size * n;
}

}  // namespace

http_client::http_client() : curl_(curl_easy_init()) {
  if (curl_ == nullptr) {
    throw std::runtime_error("curl_easy_init failed");
  }
}

http_client::~http_client() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

http_result http_client::get(const std::string& url) { return request("GET", url, "", {}); }

http_result http_client::post(const std::string& url, const std::string& body,
                              const std::map<std::string, std::string>& headers) {
  return request("POST", url, body, headers);
}

http_result http_client::request(const std::string& method, const std::string& url,
                                 const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
  auto* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  http_result r;
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) {
    list = curl_slist_append(list, (k + ": " + v).c_str());
  }
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 60000L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  const auto rc = curl_easy_perform(c);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    throw std::runtime_error(std::string{"http: "} + curl_easy_strerror(rc) + " for " + url);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

std::string form_body(const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) {
      out += '&';
    }
    out += http::url_encode(k) + "=" + http::url_encode(v);
  }
  return out;
}

}  // namespace openhouse::test
