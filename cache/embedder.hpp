#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace openhouse::cache {

/// Turns a message into a vector for the semantic tier. Implementations return
/// L2-normalised vectors of `dimension()` floats, so that the inner product of
/// two embeddings is their cosine similarity; an empty text may give a zero
/// vector (similar to nothing). Implementations must be deterministic across
/// processes: vectors are stored in PostgreSQL and compared after a restart.
class embedder {
 public:
  virtual ~embedder() = default;

  /// The embedding of `text`.
  virtual std::vector<float> embed(std::string_view text) const = 0;

  /// The length of every vector `embed` returns.
  virtual std::size_t dimension() const = 0;

  /// True when embed() waits on something outside the process (an HTTP
  /// call): the cache actor then never calls it, it asks an embedding worker
  /// (cache/embedding_worker.hpp) and passes the vector in.
  virtual bool blocking() const noexcept { return false; }
};

}  // namespace openhouse::cache
