#include "cache/vector_index.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <set>
#include <stdexcept>
#include <vector>

using openhouse::cache::brute_force_index;
using openhouse::cache::hnsw_index;
using openhouse::cache::hnsw_params;
using openhouse::cache::index_hit;
using openhouse::cache::vector_index;

namespace {

std::vector<float> unit_vector(std::mt19937& rng, std::size_t dimension) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(dimension);
  float norm = 0;
  for (auto& x : v) {
    x = normal(rng);
    norm += x * x;
  }
  for (auto& x : v) x /= std::sqrt(norm);
  return v;
}

std::vector<float> axis(std::size_t dimension, std::size_t i) {
  std::vector<float> v(dimension, 0.0f);
  v[i] = 1.0f;
  return v;
}

void basic_contract(vector_index& index) {
  CHECK(index.size() == 0);
  CHECK(index.search(axis(8, 0), 3).empty());
  index.add(10, axis(8, 0));
  index.add(11, axis(8, 1));
  std::vector<float> between(8, 0.0f);
  between[0] = 0.8f;
  between[1] = 0.6f;
  index.add(12, between);
  CHECK(index.size() == 3);

  auto hits = index.search(axis(8, 0), 2);
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].id == 10);
  CHECK(hits[0].similarity == Approx(1.0f));
  CHECK(hits[1].id == 12);
  CHECK(hits[1].similarity == Approx(0.8f));

  // Re-adding an id replaces its vector.
  index.add(10, axis(8, 2));
  CHECK(index.size() == 3);
  hits = index.search(axis(8, 2), 1);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].id == 10);

  CHECK(index.remove(11));
  CHECK_FALSE(index.remove(11));
  CHECK(index.size() == 2);
  for (const auto& hit : index.search(axis(8, 1), 5)) CHECK(hit.id != 11);

  CHECK(index.search(axis(8, 0), 0).empty());
  CHECK_THROWS_AS(index.add(1, std::vector<float>(7, 0.0f)), std::invalid_argument);
  CHECK_THROWS_AS(index.search(std::vector<float>(9, 0.0f), 1), std::invalid_argument);
}

}  // namespace

TEST_CASE("brute-force index: add, replace, remove, search", "[cache][index]") {
  brute_force_index index(8);
  basic_contract(index);
}

TEST_CASE("hnsw index: add, replace, remove, search", "[cache][index]") {
  hnsw_index index(8);
  basic_contract(index);
  // A removed id can come back.
  index.add(11, axis(8, 1));
  const auto hits = index.search(axis(8, 1), 1);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].id == 11);
}

TEST_CASE("hnsw index grows past its initial capacity and matches brute force", "[cache][index]") {
  constexpr std::size_t dimension = 64;
  constexpr std::size_t count = 3000;
  hnsw_params params;
  params.initial_capacity = 100;
  hnsw_index approximate(dimension, params);
  brute_force_index exact(dimension);
  std::mt19937 rng(7);
  for (std::size_t i = 0; i < count; ++i) {
    const auto v = unit_vector(rng, dimension);
    approximate.add(i, v);
    exact.add(i, v);
  }
  REQUIRE(approximate.size() == count);

  std::size_t agree = 0;
  constexpr std::size_t queries = 200;
  for (std::size_t q = 0; q < queries; ++q) {
    const auto query = unit_vector(rng, dimension);
    const auto want = exact.search(query, 1);
    const auto got = approximate.search(query, 1);
    REQUIRE(got.size() == 1);
    if (got[0].id == want[0].id) ++agree;
    CHECK(got[0].similarity <= want[0].similarity + 1e-5f);
  }
  // HNSW is approximate; at this size its top-1 recall is near perfect.
  CHECK(agree >= queries * 95 / 100);
}

TEST_CASE("hits come most similar first", "[cache][index]") {
  std::mt19937 rng(3);
  brute_force_index index(16);
  for (std::uint64_t i = 0; i < 50; ++i) index.add(i, unit_vector(rng, 16));
  const auto hits = index.search(unit_vector(rng, 16), 10);
  REQUIRE(hits.size() == 10);
  for (std::size_t i = 1; i < hits.size(); ++i) {
    CHECK(hits[i - 1].similarity >= hits[i].similarity);
  }
}
