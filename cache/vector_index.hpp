#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace hnswlib {
template <typename dist_t>
class HierarchicalNSW;
template <typename dist_t>
class SpaceInterface;
}  // namespace hnswlib

namespace openhouse::cache {

/// One result of a nearest-neighbour search.
struct index_hit {
  /// The id the vector was added under.
  std::uint64_t id = 0;
  /// Inner product with the query: the cosine similarity for normalised vectors.
  float similarity = 0;
};

/// A nearest-neighbour index over L2-normalised vectors by inner product.
/// Implementations are safe for concurrent `search` calls alongside `add` and
/// `remove` (a reader-writer lock inside).
class vector_index {
 public:
  virtual ~vector_index() = default;

  /// Adds `vector` under `id`, replacing a vector already stored under it.
  /// Throws std::invalid_argument when the length is not `dimension()`.
  virtual void add(std::uint64_t id, std::span<const float> vector) = 0;

  /// Forgets `id`; returns false if it was not stored.
  virtual bool remove(std::uint64_t id) = 0;

  /// The `k` stored vectors most similar to `query`, most similar first.
  virtual std::vector<index_hit> search(std::span<const float> query, std::size_t k) const = 0;

  /// How many vectors are stored.
  virtual std::size_t size() const = 0;

  /// The length of every vector.
  virtual std::size_t dimension() const = 0;
};

/// Parameters of the HNSW graph (hnswlib's names).
struct hnsw_params {
  /// Links per node: more is more accurate and uses more memory.
  std::size_t m = 16;
  /// Candidate list while building.
  std::size_t ef_construction = 100;
  /// Candidate list while searching (at least k is used).
  std::size_t ef_search = 64;
  /// Capacity reserved up front; the index grows by doubling beyond it.
  std::size_t initial_capacity = 1024;
  /// Seed of the level generator, so that builds are reproducible.
  std::size_t seed = 100;
};

/// Approximate search with hnswlib's HNSW graph over inner product: the L3
/// tier's index, sub-millisecond at 100k entries.
class hnsw_index final : public vector_index {
 public:
  explicit hnsw_index(std::size_t dimension, hnsw_params params = {});
  ~hnsw_index() override;
  hnsw_index(const hnsw_index&) = delete;
  hnsw_index& operator=(const hnsw_index&) = delete;

  void add(std::uint64_t id, std::span<const float> vector) override;
  bool remove(std::uint64_t id) override;
  std::vector<index_hit> search(std::span<const float> query, std::size_t k) const override;
  std::size_t size() const override;
  std::size_t dimension() const override { return dimension_; }

 private:
  std::size_t dimension_;
  hnsw_params params_;
  std::unique_ptr<hnswlib::SpaceInterface<float>> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
  std::unordered_set<std::uint64_t> live_;  // ids not marked deleted in the graph
  mutable std::shared_mutex mutex_;
};

/// Exact search by scanning every vector: the baseline of the benchmarks,
/// the reference of the tests, and the right choice for small partitions.
class brute_force_index final : public vector_index {
 public:
  explicit brute_force_index(std::size_t dimension);

  void add(std::uint64_t id, std::span<const float> vector) override;
  bool remove(std::uint64_t id) override;
  std::vector<index_hit> search(std::span<const float> query, std::size_t k) const override;
  std::size_t size() const override;
  std::size_t dimension() const override { return dimension_; }

 private:
  std::size_t dimension_;
  std::vector<float> vectors_;  // row i is ids_[i]'s vector
  std::vector<std::uint64_t> ids_;
  std::unordered_map<std::uint64_t, std::size_t> rows_;
  mutable std::shared_mutex mutex_;
};

}  // namespace openhouse::cache
