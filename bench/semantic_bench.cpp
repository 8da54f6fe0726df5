// Semantic tier (L3) benchmark: the built-in embedder's cost per message, and
// an L3 lookup (normalise, embed, nearest neighbour, entity guard on the
// candidate) at 10k and 100k stored entries, HNSW beside the brute-force
// baseline in the same run. Texts are synthetic SMS built from a fixed seed.
//
// Usage: bench_semantic_bench [--quick]   (--quick: 2k and 20k entries)
#include "cache/entity_guard.hpp"
#include "cache/lexicon.hpp"
#include "cache/local_embedder.hpp"
#include "cache/vector_index.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace openhouse::cache;
using clock_type = std::chrono::steady_clock;

// A tiny deterministic generator (std::uniform_int_distribution is not
// specified bit-for-bit across standard libraries; this is).
class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[next() % items.size()];
  }
  int between(int low, int high) { return low + static_cast<int>(next() % (high - low + 1)); }

 private:
  std::uint64_t state_;
};

std::string sms(rng& r) {
  static const std::vector<std::string> cities{
      "riverside", "Fontana",       "corona",   "Temecula",    "murrieta",
      "Ontario",   "rialto",        "Upland",   "Chino Hills", "eastvale",
      "Menifee",   "Moreno Valley", "redlands", "Hemet",       "perris"};
  static const std::vector<std::string> streets{"Magnolia Ave", "Cherry Ave", "Sierra Ave",
                                                "Main St",      "Grand Blvd", "Pauba Rd",
                                                "Cedar St",     "Euclid Ave", "Jurupa Ave"};
  static const std::vector<std::string> days{"sat",       "Sunday",       "tmrw", "friday",
                                             "this wknd", "next tuesday", "today"};
  static const std::vector<std::string> topics{
      "HOA fees",       "property taxes", "mello roos",     "closing costs", "earnest money",
      "the commission", "escrow",         "the inspection", "the appraisal", "the down payment"};
  static const std::vector<std::string> openers{"", "hey ", "hi ", "quick question ", "ok ", "so "};
  static const std::vector<std::string> closers{"", "?", " thx", " pls", " 🙏", "!!", " lol"};
  const auto& opener = r.pick(openers);
  const auto& closer = r.pick(closers);
  switch (r.next() % 10) {
    case 0:
      return opener + "any " + std::to_string(r.between(2, 5)) + "bd homes in " + r.pick(cities) +
             " under $" + std::to_string(r.between(30, 90) * 10) + "k" + closer;
    case 1:
      return opener + "is " + std::to_string(r.between(100, 39999)) + " " + r.pick(streets) +
             " still available" + closer;
    case 2:
      return opener + "how much r " + r.pick(topics) + " in " + r.pick(cities) + closer;
    case 3:
      return opener + "can i see the house " + r.pick(days) + " at " +
             std::to_string(r.between(9, 18) % 12 + 1) + "pm" + closer;
    case 4:
      return opener + "what's the market like in " + std::to_string(r.between(91700, 92899)) +
             closer;
    case 5:
      return opener + "we're pre-approved for " + std::to_string(r.between(300, 900)) + "k, " +
             "looking for " + std::to_string(r.between(2, 5)) + " bed " +
             std::to_string(r.between(1, 4)) + " bath in " + r.pick(cities) + closer;
    case 6:
      return opener + "i don't want a house w/ " + r.pick(topics) + closer;
    case 7:
      return opener + "should i sell my " + r.pick(cities) + " home b4 buying" + closer;
    case 8:
      return opener + "who pays " + r.pick(topics) + " when u buy in " + r.pick(cities) + closer;
    default:
      return opener + "need at least " + std::to_string(r.between(1000, 4000)) + " sqft in " +
             r.pick(cities) + " by " + r.pick(days) + closer;
  }
}

double micros(clock_type::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

struct percentiles {
  double p50 = 0;
  double p99 = 0;
  double mean = 0;
};

percentiles summarise(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  percentiles p;
  p.p50 = samples[samples.size() / 2];
  p.p99 = samples[std::min(samples.size() - 1, samples.size() * 99 / 100)];
  for (const double s : samples) p.mean += s;
  p.mean /= static_cast<double>(samples.size());
  return p;
}

struct store {
  std::vector<entities> facts;
};

// One L3 lookup as the tier does it; returns whether it was served.
bool lookup(const local_embedder& embed, const vector_index& index, const store& stored,
            const std::string& text, double threshold) {
  const auto tokens = embed.normalizer().tokens(text);
  const auto vector = embed.embed_tokens(tokens);
  const auto hits = index.search(vector, 1);
  if (hits.empty() || hits.front().similarity < threshold) return false;
  const auto facts = extract_tokens(tokens, embed.normalizer().words(), text);
  return entities_agree(facts, stored.facts[hits.front().id]);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const std::vector<std::size_t> sizes =
      quick ? std::vector<std::size_t>{2000, 20000} : std::vector<std::size_t>{10000, 100000};
  const local_embedder embed(default_lexicon());
  const auto& lex = embed.normalizer().words();
  rng r(20240601);

  std::printf("semantic tier benchmark: local embedder, dimension %zu, threshold %.2f\n\n",
              embed.dimension(), local_embedder_threshold);

  // --- embedder cost -----------------------------------------------------------
  {
    std::vector<std::string> texts;
    for (int i = 0; i < 20000; ++i) texts.push_back(sms(r));
    std::vector<double> samples;
    samples.reserve(texts.size());
    float sink = 0;
    for (const auto& t : texts) {
      const auto start = clock_type::now();
      const auto v = embed.embed(t);
      samples.push_back(micros(clock_type::now() - start));
      sink += v[0];
    }
    const auto p = summarise(samples);
    std::vector<double> guard_samples;
    for (std::size_t i = 0; i < 5000; ++i) {
      const auto start = clock_type::now();
      const auto e = extract(texts[i], lex);
      guard_samples.push_back(micros(clock_type::now() - start));
      sink += static_cast<float>(e.numbers.size());
    }
    const auto g = summarise(guard_samples);
    std::printf("%-34s %10s %10s %10s\n", "per message (us)", "mean", "p50", "p99");
    std::printf("%-34s %10.1f %10.1f %10.1f\n", "embed (normalise + hash)", p.mean, p.p50, p.p99);
    std::printf("%-34s %10.1f %10.1f %10.1f\n", "entity extraction", g.mean, g.p50, g.p99);
    std::printf("%s\n", sink == 12345.0f ? " " : "");
  }

  // --- L3 lookup ---------------------------------------------------------------
  std::printf("%-22s %9s %9s %9s %9s %9s %9s %8s %8s\n", "L3 lookup (us)", "hnsw p50", "hnsw p99",
              "brute p50", "brute p99", "p50 x", "p99 x", "recall@1", "build s");
  for (const auto entries : sizes) {
    hnsw_index hnsw(embed.dimension(), hnsw_params{16, 100, 64, entries, 100});
    brute_force_index brute(embed.dimension());
    store stored;
    stored.facts.reserve(entries);
    std::vector<std::vector<float>> vectors;
    vectors.reserve(entries);
    for (std::size_t i = 0; i < entries; ++i) {
      const auto text = sms(r);
      const auto tokens = embed.normalizer().tokens(text);
      vectors.push_back(embed.embed_tokens(tokens));
      stored.facts.push_back(extract_tokens(tokens, lex, text));
    }
    const auto build_start = clock_type::now();
    for (std::size_t i = 0; i < entries; ++i) hnsw.add(i, vectors[i]);
    const double build_seconds = micros(clock_type::now() - build_start) / 1e6;
    for (std::size_t i = 0; i < entries; ++i) brute.add(i, vectors[i]);

    std::vector<std::string> queries;
    for (int i = 0; i < 2000; ++i) queries.push_back(sms(r));
    std::vector<double> hnsw_samples;
    std::vector<double> brute_samples;
    std::size_t served = 0;
    for (const auto& q : queries) {
      auto start = clock_type::now();
      served += lookup(embed, hnsw, stored, q, local_embedder_threshold) ? 1 : 0;
      hnsw_samples.push_back(micros(clock_type::now() - start));
      start = clock_type::now();
      served += lookup(embed, brute, stored, q, local_embedder_threshold) ? 1 : 0;
      brute_samples.push_back(micros(clock_type::now() - start));
    }
    // Recall@1 by similarity: synthetic texts repeat, so several entries can
    // tie for first place and any of them is a correct answer.
    std::size_t agree = 0;
    for (const auto& q : queries) {
      const auto v = embed.embed(q);
      if (hnsw.search(v, 1).front().similarity >= brute.search(v, 1).front().similarity - 1e-5f) {
        ++agree;
      }
    }
    const auto h = summarise(hnsw_samples);
    const auto b = summarise(brute_samples);
    char label[64];
    std::snprintf(label, sizeof label, "%zuk entries", entries / 1000);
    std::printf("%-22s %9.1f %9.1f %9.1f %9.1f %8.1fx %8.1fx %8.3f %8.1f\n", label, h.p50, h.p99,
                b.p50, b.p99, b.p50 / h.p50, b.p99 / h.p99,
                static_cast<double>(agree) / static_cast<double>(queries.size()), build_seconds);
    std::fflush(stdout);
    (void)served;
  }
  std::printf(
      "\nx = brute-force time / HNSW time. A lookup = normalise + embed + top-1 search +\n"
      "entity guard on the candidate. Target: HNSW p99 <= 1000 us at 100k entries.\n");
  return 0;
}
