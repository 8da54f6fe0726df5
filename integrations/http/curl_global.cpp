#include "integrations/http/curl_global.hpp"

#include <curl/curl.h>

#include <mutex>

namespace openhouse::http {

void init_curl_once() {
  static std::once_flag flag;
  std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace openhouse::http
