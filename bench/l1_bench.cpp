// L1 hit latency against the floor it cannot beat: a raw
// std::unordered_map<std::string, std::string> lookup of the same keys, in
// the same run, in the same access order. Prints p50/p99 of both and the
// ratio. Usage: bench_l1_bench [entries] [lookups]
#include "cache/key.hpp"
#include "cache/l1_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;

struct percentiles {
  double p50 = 0;
  double p99 = 0;
};

percentiles summarise(std::vector<double>& ns) {
  std::sort(ns.begin(), ns.end());
  const auto at = [&](double q) {
    return ns[static_cast<std::size_t>(q * static_cast<double>(ns.size() - 1))];
  };
  return {at(0.50), at(0.99)};
}

/// Times each lookup on its own (p99 needs per-operation samples); the
/// timer's own cost is measured the same way and reported, not subtracted.
template <class Lookup>
std::vector<double> time_each(const std::vector<std::string>& order, Lookup&& lookup,
                              std::size_t& sink) {
  std::vector<double> ns;
  ns.reserve(order.size());
  for (const auto& key : order) {
    const auto start = steady::now();
    sink += lookup(key);
    const auto stop = steady::now();
    ns.push_back(std::chrono::duration<double, std::nano>(stop - start).count());
  }
  return ns;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t entries = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  const std::size_t lookups = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  if (entries == 0 || lookups == 0) {
    std::fprintf(stderr, "usage: bench_l1_bench [entries>0] [lookups>0]\n");
    return 2;
  }

  // Realistic keys (32-hex XXH3-128 digests, as key_digest makes them) and
  // SMS-sized values.
  std::vector<std::string> keys;
  keys.reserve(entries);
  for (std::size_t i = 0; i < entries; ++i) {
    keys.push_back(openhouse::cache::xxh128_hex("unit-" + std::to_string(i)));
  }
  const std::string value(240, 'a');

  const auto now = std::chrono::system_clock::time_point{} + std::chrono::hours{1000};
  openhouse::cache::l1_store l1{std::size_t{1} << 32};
  std::unordered_map<std::string, std::string> raw;
  raw.reserve(entries);
  for (const auto& k : keys) {
    l1.put(k, value, now, std::chrono::hours{1}, {"contact-x"});
    raw.emplace(k, value);
  }

  std::mt19937_64 rng{7};
  std::uniform_int_distribution<std::size_t> pick{0, entries - 1};
  std::vector<std::string> order;
  order.reserve(lookups);
  for (std::size_t i = 0; i < lookups; ++i) {
    order.push_back(keys[pick(rng)]);
  }

  std::size_t sink = 0;
  const auto l1_lookup = [&](const std::string& k) {
    const auto* v = l1.get(k, now);
    return v == nullptr ? std::size_t{0} : v->size();
  };
  const auto raw_lookup = [&](const std::string& k) {
    auto it = raw.find(k);
    return it == raw.end() ? std::size_t{0} : it->second.size();
  };
  const auto nothing = [&](const std::string& k) { return k.size(); };

  // Warm both once, then interleave two rounds each so neither always runs
  // on a colder cache or a slower CPU frequency than the other.
  time_each(order, l1_lookup, sink);
  time_each(order, raw_lookup, sink);
  std::vector<double> l1_ns;
  std::vector<double> raw_ns;
  for (int round = 0; round < 2; ++round) {
    auto a = time_each(order, l1_lookup, sink);
    auto b = time_each(order, raw_lookup, sink);
    l1_ns.insert(l1_ns.end(), a.begin(), a.end());
    raw_ns.insert(raw_ns.end(), b.begin(), b.end());
  }
  auto timer_ns = time_each(order, nothing, sink);

  const auto l1_p = summarise(l1_ns);
  const auto raw_p = summarise(raw_ns);
  const auto timer_p = summarise(timer_ns);
  if (l1.stats().hits != 3 * lookups) {  // warm-up + 2 rounds, all hits
    std::fprintf(stderr, "unexpected misses: %llu hits\n",
                 static_cast<unsigned long long>(l1.stats().hits));
    return 1;
  }

  std::printf("L1 get hit vs raw std::unordered_map find: %zu entries, %zu lookups x 2 rounds\n",
              entries, lookups);
  std::printf("  %-28s p50 %8.1f ns   p99 %8.1f ns\n", "l1_store::get (hit)", l1_p.p50, l1_p.p99);
  std::printf("  %-28s p50 %8.1f ns   p99 %8.1f ns\n", "unordered_map::find", raw_p.p50, raw_p.p99);
  std::printf("  %-28s p50 %8.1f ns   p99 %8.1f ns  (included in both above)\n", "timer overhead",
              timer_p.p50, timer_p.p99);
  std::printf("  ratio l1/raw                 p50 %8.2fx   p99 %8.2fx\n", l1_p.p50 / raw_p.p50,
              l1_p.p99 / raw_p.p99);
  std::printf("  l1 bytes %zu (%zu entries), evictions %llu\n", l1.bytes(), l1.size(),
              static_cast<unsigned long long>(l1.stats().evictions));
  return sink == 0 ? 1 : 0;
}
