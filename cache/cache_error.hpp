#pragma once

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace openhouse::cache {

/// Errors of the cache domain (category "cache"). The cache actor never
/// passes a tier's failure to its caller: Redis or the semantic store being
/// down turns into a miss (and a metric); only the provider's own failure
/// reaches the caller, with its llm/gateway error.
enum class cache_errc : std::uint8_t {
  redis_unavailable = 1,  ///< no connection, a timeout or an error reply
  bad_request,            ///< a malformed unit or request
  shutting_down,          ///< the cache stopped before the call ended
  embedder_unavailable,   ///< a remote embedder failed or timed out
};

inline constexpr caf::atom_value error_category = caf::atom("cache");

[[nodiscard]] std::string_view to_string(cache_errc code) noexcept;
[[nodiscard]] caf::error make_error(cache_errc code, std::string message = {});

}  // namespace openhouse::cache
