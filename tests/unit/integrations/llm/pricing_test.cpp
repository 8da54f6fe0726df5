#include "integrations/llm/pricing.hpp"

#include <catch2/catch.hpp>

using namespace openhouse::llm;
namespace cfg = openhouse::config;

namespace {

const cfg::model_price haiku{1.0, 5.0, 1.25, 0.10, 4096};
const cfg::model_price sonnet{3.0, 15.0, 3.75, 0.30, 2048};

usage tokens(std::int64_t input, std::int64_t output, std::int64_t cache_write,
             std::int64_t cache_read) {
  usage u;
  u.input_tokens = input;
  u.output_tokens = output;
  u.cache_creation_input_tokens = cache_write;
  u.cache_read_input_tokens = cache_read;
  return u;
}

}  // namespace

TEST_CASE("pricing: each token kind at its price per million", "[llm][gateway]") {
  // One million of each kind costs exactly the listed price.
  CHECK(cost_usd(haiku, tokens(1'000'000, 0, 0, 0)) == Approx(1.0));
  CHECK(cost_usd(haiku, tokens(0, 1'000'000, 0, 0)) == Approx(5.0));
  CHECK(cost_usd(haiku, tokens(0, 0, 1'000'000, 0)) == Approx(1.25));
  CHECK(cost_usd(haiku, tokens(0, 0, 0, 1'000'000)) == Approx(0.10));

  // A turn: 200 new input, 120 output, 3000 prefix written.
  // 200*1 + 120*5 + 3000*1.25 = 200 + 600 + 3750 = 4550 per M = $0.00455
  CHECK(cost_usd(haiku, tokens(200, 120, 3000, 0)) == Approx(0.00455));
  // The next turn reads the prefix: 200*1 + 120*5 + 3000*0.10 = 1100 per M.
  CHECK(cost_usd(haiku, tokens(200, 120, 0, 3000)) == Approx(0.0011));
  // Sonnet: 500*3 + 80*15 + 2500*0.30 = 1500 + 1200 + 750 = 3450 per M.
  CHECK(cost_usd(sonnet, tokens(500, 80, 0, 2500)) == Approx(0.00345));
  CHECK(cost_usd(sonnet, usage{}) == 0.0);
}

TEST_CASE("pricing: the baseline bills every input token at the input price", "[llm][gateway]") {
  // (200 + 3000) * 1 + 120 * 5 = 3800 per M, for both the write and the read turn.
  CHECK(baseline_cost_usd(haiku, tokens(200, 120, 3000, 0)) == Approx(0.0038));
  CHECK(baseline_cost_usd(haiku, tokens(200, 120, 0, 3000)) == Approx(0.0038));
  // Without caching fields the two agree.
  CHECK(baseline_cost_usd(sonnet, tokens(1234, 56, 0, 0)) ==
        Approx(cost_usd(sonnet, tokens(1234, 56, 0, 0))));
  // A cache write costs more than the baseline; reads make it back.
  const double write = cost_usd(haiku, tokens(200, 120, 3000, 0));
  const double read = cost_usd(haiku, tokens(200, 120, 0, 3000));
  CHECK(write > baseline_cost_usd(haiku, tokens(200, 120, 3000, 0)));
  CHECK(write + 9 * read < 10 * 0.0038);
}

TEST_CASE("pricing: negative counts from a broken answer cost nothing", "[llm][gateway]") {
  CHECK(cost_usd(haiku, tokens(-5, -1, -1, -1)) == 0.0);
  CHECK(baseline_cost_usd(haiku, tokens(-5, -1, -1, -1)) == 0.0);
}
