#include "cache/cache_error.hpp"

#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace openhouse::cache {

std::string_view to_string(cache_errc code) noexcept {
  switch (code) {
    case cache_errc::redis_unavailable:
      return "redis_unavailable";
    case cache_errc::bad_request:
      return "bad_request";
    case cache_errc::shutting_down:
      return "shutting_down";
    case cache_errc::embedder_unavailable:
      return "embedder_unavailable";
  }
  return "unknown";
}

caf::error make_error(cache_errc code, std::string message) {
  if (message.empty()) {
    return caf::error{static_cast<std::uint8_t>(code), error_category};
  }
  return caf::error{static_cast<std::uint8_t>(code), error_category,
                    caf::make_message(std::move(message))};
}

}  // namespace openhouse::cache
