#pragma once

#include "core/cache_unit.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace openhouse::cache {

/// What a cache entry holds, in L1, in L2 and in the semantic tier: the
/// provider's answer, where it came from, and the generations it was stored
/// under (so a reader — the replay's stale check, an audit — can tell how old
/// the state behind it is).
struct cached_answer {
  std::string text;
  std::string stop_reason;
  std::string model;       ///< the model that produced it
  std::string source_sid;  ///< the message whose request filled the entry
  generations generation;
  std::int64_t stored_at_ms = 0;
  std::int64_t expires_at_ms = 0;

  friend bool operator==(const cached_answer&, const cached_answer&) = default;
};

/// The stored form: a compact, versioned binary encoding, the same on
/// every node (L2 is shared), so an entry written by one node reads on another.
[[nodiscard]] std::string encode(const cached_answer& answer);

/// Parses encode()'s output; nullopt for anything else (a corrupt or foreign
/// value in Redis is a miss, never an error for the lead).
[[nodiscard]] std::optional<cached_answer> decode_answer(std::string_view stored);

}  // namespace openhouse::cache
