#pragma once

#include <caf/meta/type_name.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

// The stored row of the semantic tier, apart from cache/semantic_tier.hpp so
// that its PostgreSQL copy (integrations/postgres/semantic_store) needs no
// include of the cache, which sits above the integrations.
namespace openhouse::cache {

/// One stored answer of the semantic tier: what the cache actor persists
/// (PostgreSQL) and restores at start.
struct semantic_entry {
  using time_point = std::chrono::system_clock::time_point;

  /// The tier's id of the entry (unique within one tier).
  std::uint64_t id = 0;
  /// The exact partition (`cache::partition()`): entries never match across.
  std::string partition;
  std::string task;
  /// The free text that was embedded (the unit's semantic input).
  std::string text;
  /// The stored answer, opaque to the tier.
  std::string value;
  /// The message whose request filled the entry (for audits).
  std::string source_sid;
  /// The embedding of `text` (L2-normalised, the embedder's dimension).
  std::vector<float> vector;
  time_point created_at{};
  /// Not served at or after this instant.
  time_point expires_at{};
};

/// Lets CAF carry an entry in a message (to the semantic writer).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, semantic_entry& x) {
  return f(caf::meta::type_name("semantic_entry"), x.id, x.partition, x.task, x.text, x.value,
           x.source_sid, x.vector, x.created_at, x.expires_at);
}

}  // namespace openhouse::cache
