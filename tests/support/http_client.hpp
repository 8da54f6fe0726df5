#pragma once

#include <map>
#include <string>

namespace openhouse::test {

struct http_result {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  ///< lower-case names
};

/// A blocking libcurl client for tests; one per thread.
class http_client {
 public:
  http_client();
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  http_result get(const std::string& url);
  http_result post(const std::string& url, const std::string& body,
                   const std::map<std::string, std::string>& headers);
  http_result request(const std::string& method, const std::string& url, const std::string& body,
                      const std::map<std::string, std::string>& headers);

 private:
  void* curl_;
};

/// A form body from name/value pairs (url-encoded, in the given order).
std::string form_body(const std::map<std::string, std::string>& params);

}  // namespace openhouse::test
