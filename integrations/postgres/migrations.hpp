#pragma once

#include <span>
#include <string_view>

namespace openhouse::postgres {

/// One versioned schema change. Versions are applied in order, each once, in
/// its own transaction; a shipped migration is never edited, only followed.
struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

/// Every migration the binary knows, ascending by version.
std::span<const migration> all_migrations();

}  // namespace openhouse::postgres
