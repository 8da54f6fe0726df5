#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace openhouse::cache {

/// Single-flight bookkeeping (DESIGN.md "Single flight"): the misses in
/// progress, each with everyone waiting for its answer, so that N concurrent
/// requests for one key make one provider call and all N get its answer — or
/// its failure.
///
/// Every caller, the first included, joins with its waiter (e.g. a CAF
/// response promise). The first learns from join() that it must start the
/// call; when the call ends, complete() hands back every waiter, first
/// included, to deliver the same result or error to all. The table itself
/// never calls, waits or times out: the owning actor does, so there are no
/// threads or locks here. Not thread-safe.
template <class Waiter>
class single_flight {
 public:
  /// Adds `waiter` for `key`. Returns true if a call for `key` was already in
  /// flight (the caller only waits), false if the caller is the first and
  /// must start the call.
  bool join(const std::string& key, Waiter waiter) {
    auto [it, first] = flights_.try_emplace(key);
    it->second.push_back(std::move(waiter));
    if (!first) {
      ++coalesced_;
    }
    return !first;
  }

  /// Ends the flight for `key` and returns all its waiters in join order
  /// (empty if none was in flight). A later join() for `key` starts a new flight.
  [[nodiscard]] std::vector<Waiter> complete(std::string_view key) {
    auto it = flights_.find(key);
    if (it == flights_.end()) {
      return {};
    }
    auto waiters = std::move(it->second);
    flights_.erase(it);
    return waiters;
  }

  /// True while a call for `key` is in flight.
  [[nodiscard]] bool in_flight(std::string_view key) const { return flights_.contains(key); }

  /// How many waiters `key` has (0 when not in flight).
  [[nodiscard]] std::size_t waiters(std::string_view key) const {
    auto it = flights_.find(key);
    return it == flights_.end() ? 0 : it->second.size();
  }

  /// Number of keys in flight.
  [[nodiscard]] std::size_t size() const noexcept { return flights_.size(); }

  /// Joins that found a call already in flight, since construction (for the
  /// `coalesced` metric and report field).
  [[nodiscard]] std::uint64_t coalesced() const noexcept { return coalesced_; }

  /// Ends every flight and returns all waiters (e.g. to fail them at shutdown).
  [[nodiscard]] std::vector<Waiter> complete_all() {
    std::vector<Waiter> out;
    for (auto& [key, waiters] : flights_) {
      for (auto& w : waiters) {
        out.push_back(std::move(w));
      }
    }
    flights_.clear();
    return out;
  }

 private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  std::unordered_map<std::string, std::vector<Waiter>, string_hash, std::equal_to<>> flights_;
  std::uint64_t coalesced_ = 0;
};

}  // namespace openhouse::cache
