// The cost of making a cache key, by part: the whole key_digest (what every
// lookup pays), the canonical encoding alone, XXH3-128 of the built encoding,
// the partition (semantic misses only), and, for comparison, SHA-256 of the
// same encoding (the key of format /1). Units: the cache bench's FAQ unit
// (~0.3 KB encoding) and one with a 4 KB system prompt, like a bot's.
// Usage: bench_key_bench [iterations=200000]
#include "cache/key.hpp"
#include "core/cache_unit.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;
using openhouse::cache::unit;

unit faq_unit() {
  unit u;
  u.task = "faq";
  u.model = "claude-3-5-haiku";
  u.template_version = "faq@1";
  u.system_prompt =
      "You answer questions about buying and selling homes in this market. Be brief, factual "
      "and friendly; never promise a price or a date; suggest a call with an agent when unsure.";
  u.scope = openhouse::cache::scope::market;
  u.market_id = "bench";
  u.max_tokens = 200;
  u.with("question", "what are closing costs in riverside");
  return u;
}

std::size_t sha256_size(const std::string& bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr);
  return len + md[0];
}

/// Median ns per call over batches of 100 calls (one call is too short to
/// time on its own).
double median_ns(std::size_t iterations, const std::function<std::size_t()>& f, std::size_t& sink) {
  constexpr std::size_t batch = 100;
  std::vector<double> ns;
  ns.reserve(iterations / batch);
  for (std::size_t i = 0; i < iterations / batch; ++i) {
    const auto start = steady::now();
    for (std::size_t j = 0; j < batch; ++j) {
      sink += f();
    }
    ns.push_back(std::chrono::duration<double, std::nano>(steady::now() - start).count() / batch);
  }
  std::sort(ns.begin(), ns.end());
  return ns[ns.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t iterations = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  if (iterations < 100) {
    std::fprintf(stderr, "usage: bench_key_bench [iterations>=100]\n");
    return 2;
  }
  auto big = faq_unit();
  big.system_prompt.clear();
  while (big.system_prompt.size() < 4096) {
    big.system_prompt += faq_unit().system_prompt + ' ';
  }

  std::size_t sink = 0;
  std::printf("cache key cost, median of %zu-call batches (%zu calls)\n", std::size_t{100},
              iterations);
  for (const auto& [name, u] : {std::pair{"faq unit", faq_unit()}, std::pair{"4 KB prompt", big}}) {
    const auto encoding = openhouse::cache::canonical_encoding(u);
    std::printf("%s (encoding %zu B)\n", name, encoding.size());
    const auto row = [&](const char* what, const std::function<std::size_t()>& f) {
      median_ns(iterations / 10, f, sink);  // warm-up
      std::printf("  %-36s %9.1f ns\n", what, median_ns(iterations, f, sink));
    };
    row("key_digest", [&] { return openhouse::cache::key_digest(u).size(); });
    row("canonical_encoding", [&] { return openhouse::cache::canonical_encoding(u).size(); });
    row("xxh128_hex(built encoding)",
        [&] { return openhouse::cache::xxh128_hex(encoding).size(); });
    row("canonical_encoding + xxh128_hex", [&] {
      return openhouse::cache::xxh128_hex(openhouse::cache::canonical_encoding(u)).size();
    });
    row("canonical_encoding + SHA-256 (old /1)",
        [&] { return sha256_size(openhouse::cache::canonical_encoding(u)); });
    row("partition", [&] { return openhouse::cache::partition(u, "question").size(); });
  }
  return sink == 42 ? 1 : 0;  // keeps the work observable
}
