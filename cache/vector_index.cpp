#include "cache/vector_index.hpp"

// hnswlib is third-party and header-only; keep its warnings out of -Werror.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-variable"
#include <hnswlib/hnswlib.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>

namespace openhouse::cache {

namespace {

void check_length(std::span<const float> vector, std::size_t dimension, const char* what) {
  if (vector.size() != dimension) {
    throw std::invalid_argument(std::string(what) + ": vector of " + std::to_string(vector.size()) +
                                " floats, index has " + std::to_string(dimension));
  }
}

// Most similar first; ties by id so that results are reproducible.
void sort_hits(std::vector<index_hit>& hits) {
  std::sort(hits.begin(), hits.end(), [](const index_hit& a, const index_hit& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.id < b.id;
  });
}

}  // namespace

hnsw_index::hnsw_index(std::size_t dimension, hnsw_params params)
    : dimension_(dimension), params_(params) {
  if (dimension_ == 0) throw std::invalid_argument("hnsw_index: dimension 0");
  params_.initial_capacity = std::max<std::size_t>(params_.initial_capacity, 16);
  space_ = std::make_unique<hnswlib::InnerProductSpace>(dimension_);
  graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
      space_.get(), params_.initial_capacity, params_.m, params_.ef_construction, params_.seed);
  graph_->setEf(params_.ef_search);
}

hnsw_index::~hnsw_index() = default;

void hnsw_index::add(std::uint64_t id, std::span<const float> vector) {
  check_length(vector, dimension_, "hnsw_index::add");
  std::unique_lock lock(mutex_);
  // Replacing an id reuses its node; a new id may need room first.
  if (live_.count(id) == 0 && graph_->cur_element_count >= graph_->max_elements_) {
    graph_->resizeIndex(graph_->max_elements_ * 2);
  }
  graph_->addPoint(vector.data(), static_cast<hnswlib::labeltype>(id));
  live_.insert(id);
}

bool hnsw_index::remove(std::uint64_t id) {
  std::unique_lock lock(mutex_);
  if (live_.erase(id) == 0) return false;
  // The node stays in the graph as a waypoint; searches skip it, and adding
  // the id again revives it.
  graph_->markDelete(static_cast<hnswlib::labeltype>(id));
  return true;
}

std::vector<index_hit> hnsw_index::search(std::span<const float> query, std::size_t k) const {
  check_length(query, dimension_, "hnsw_index::search");
  std::vector<index_hit> hits;
  if (k == 0) return hits;
  std::shared_lock lock(mutex_);
  if (live_.empty()) return hits;
  auto found = graph_->searchKnn(query.data(), k);
  hits.reserve(found.size());
  while (!found.empty()) {
    const auto& [distance, label] = found.top();
    // hnswlib's inner-product "distance" is 1 - <a, b>.
    hits.push_back({static_cast<std::uint64_t>(label), 1.0f - distance});
    found.pop();
  }
  sort_hits(hits);
  return hits;
}

std::size_t hnsw_index::size() const {
  std::shared_lock lock(mutex_);
  return live_.size();
}

brute_force_index::brute_force_index(std::size_t dimension) : dimension_(dimension) {
  if (dimension_ == 0) throw std::invalid_argument("brute_force_index: dimension 0");
}

void brute_force_index::add(std::uint64_t id, std::span<const float> vector) {
  check_length(vector, dimension_, "brute_force_index::add");
  std::unique_lock lock(mutex_);
  const auto row = rows_.find(id);
  if (row != rows_.end()) {
    std::copy(vector.begin(), vector.end(),
              vectors_.begin() + static_cast<std::ptrdiff_t>(row->second * dimension_));
    return;
  }
  rows_.emplace(id, ids_.size());
  ids_.push_back(id);
  vectors_.insert(vectors_.end(), vector.begin(), vector.end());
}

bool brute_force_index::remove(std::uint64_t id) {
  std::unique_lock lock(mutex_);
  const auto row = rows_.find(id);
  if (row == rows_.end()) return false;
  // Move the last row into the hole: O(dimension), order does not matter.
  const auto hole = row->second;
  const auto last = ids_.size() - 1;
  if (hole != last) {
    std::copy_n(vectors_.begin() + static_cast<std::ptrdiff_t>(last * dimension_), dimension_,
                vectors_.begin() + static_cast<std::ptrdiff_t>(hole * dimension_));
    ids_[hole] = ids_[last];
    rows_[ids_[hole]] = hole;
  }
  ids_.pop_back();
  vectors_.resize(ids_.size() * dimension_);
  rows_.erase(id);
  return true;
}

std::vector<index_hit> brute_force_index::search(std::span<const float> query,
                                                 std::size_t k) const {
  check_length(query, dimension_, "brute_force_index::search");
  std::vector<index_hit> hits;
  std::shared_lock lock(mutex_);
  if (k == 0 || ids_.empty()) return hits;
  hits.reserve(ids_.size());
  const float* row = vectors_.data();
  for (std::size_t i = 0; i < ids_.size(); ++i, row += dimension_) {
    // Eight independent sums let the compiler keep the multiply-adds in
    // flight (a single float accumulator serialises them).
    float sums[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t d = 0;
    for (; d + 8 <= dimension_; d += 8) {
      for (std::size_t lane = 0; lane < 8; ++lane) sums[lane] += row[d + lane] * query[d + lane];
    }
    float dot = 0;
    for (; d < dimension_; ++d) dot += row[d] * query[d];
    for (const float s : sums) dot += s;
    hits.push_back({ids_[i], dot});
  }
  const auto keep = std::min(k, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(keep), hits.end(),
                    [](const index_hit& a, const index_hit& b) {
                      return a.similarity != b.similarity ? a.similarity > b.similarity
                                                          : a.id < b.id;
                    });
  hits.resize(keep);
  return hits;
}

std::size_t brute_force_index::size() const {
  std::shared_lock lock(mutex_);
  return ids_.size();
}

}  // namespace openhouse::cache
