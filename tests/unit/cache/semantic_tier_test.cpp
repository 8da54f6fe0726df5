#include "cache/semantic_tier.hpp"

#include "cache/local_embedder.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>

using namespace openhouse::cache;
using namespace std::chrono_literals;

namespace {

using time_point = semantic_tier::time_point;

const time_point t0 = time_point{} + 1000h;

std::shared_ptr<const embedder> shared_embedder() {
  static const auto instance = std::make_shared<const local_embedder>(default_lexicon());
  return instance;
}

semantic_tier make_tier(semantic_tier_options options = {}, double threshold = 0.72) {
  return semantic_tier(shared_embedder(), default_lexicon(), {{"faq", threshold}}, options);
}

}  // namespace

TEST_CASE("tier: a paraphrase above the threshold is served with its source", "[cache][l3]") {
  auto tier = make_tier();
  CHECK(tier.eligible("faq"));
  CHECK_FALSE(tier.eligible("reply"));
  const auto entry =
      tier.insert("p1", "faq", "How much are HOA fees in Corona?", "answer-1", "SM1", t0 + 1h, t0);
  CHECK(entry.id != 0);
  CHECK(entry.vector.size() == shared_embedder()->dimension());
  CHECK(entry.partition == "p1");
  const auto hit = tier.lookup("p1", "faq", "how much r hoa fees in corona?", t0 + 1min);
  REQUIRE(hit);
  CHECK(hit->value == "answer-1");
  CHECK(hit->source_sid == "SM1");
  CHECK(hit->id == entry.id);
  CHECK(hit->similarity >= 0.72);
  CHECK(hit->text == "How much are HOA fees in Corona?");
  CHECK(tier.stats().hits == 1);
  CHECK(tier.last_best_similarity().value_or(0) == Approx(hit->similarity));
}

TEST_CASE("tier: below the task's threshold is a miss", "[cache][l3]") {
  auto strict = make_tier({}, 0.999);
  strict.insert("p1", "faq", "How much are HOA fees in Corona?", "a", "SM1", t0 + 1h, t0);
  CHECK_FALSE(strict.lookup("p1", "faq", "hoa fees corona how much", t0));
  CHECK(strict.stats().below_threshold == 1);
  // Not eligible: never a hit, not counted.
  CHECK_FALSE(strict.lookup("p1", "reply", "How much are HOA fees in Corona?", t0));
  CHECK(strict.stats().lookups == 1);
  CHECK_THROWS_AS(strict.insert("p1", "reply", "x", "v", "SM", t0 + 1h, t0), std::invalid_argument);
}

TEST_CASE("tier: the entity guard turns a near neighbour into a miss", "[cache][l3]") {
  auto tier = make_tier({}, 0.5);
  tier.insert("p", "faq", "any 3bd homes in 92501 under $500k", "a", "SM1", t0 + 1h, t0);
  CHECK_FALSE(tier.lookup("p", "faq", "any 3bd homes in 92504 under $500k", t0));
  CHECK(tier.stats().guard_blocked.at("zip") == 1);
  CHECK_THAT(tier.last_guard_detail(), Catch::StartsWith("zip:"));
  CHECK_FALSE(tier.lookup("p", "faq", "any 4bd homes in 92501 under $500k", t0));
  CHECK_FALSE(tier.lookup("p", "faq", "any 3bd homes in 92501 under $600k", t0));
  CHECK_FALSE(tier.lookup("p", "faq", "any 3bd homes in 92501 not under $500k", t0));
  CHECK(tier.lookup("p", "faq", "any 3 bed homes in 92501 under 500k", t0));
}

TEST_CASE("tier: the guard skips a nearer entry to serve one that agrees", "[cache][l3]") {
  semantic_tier_options options;
  options.candidates = 3;
  auto tier = make_tier(options, 0.5);
  tier.insert("p", "faq", "open house saturday at 2pm in riverside", "sat", "SM1", t0 + 1h, t0);
  tier.insert("p", "faq", "open house sunday at 2pm in riverside", "sun", "SM2", t0 + 1h, t0);
  const auto hit = tier.lookup("p", "faq", "is the open house sunday at 2pm in riverside", t0);
  REQUIRE(hit);
  CHECK(hit->value == "sun");
}

TEST_CASE("tier: partitions never mix", "[cache][l3]") {
  auto tier = make_tier();
  tier.insert("faq|m1|market-a", "faq", "What are closing costs?", "a", "SM1", t0 + 1h, t0);
  CHECK_FALSE(tier.lookup("faq|m1|market-b", "faq", "What are closing costs?", t0));
  CHECK(tier.stats().empty == 1);
  CHECK(tier.lookup("faq|m1|market-a", "faq", "What are closing costs?", t0));
  tier.insert("faq|m1|market-b", "faq", "What are closing costs?", "b", "SM2", t0 + 1h, t0);
  CHECK(tier.lookup("faq|m1|market-b", "faq", "what r closing costs", t0)->value == "b");
  CHECK(tier.lookup("faq|m1|market-a", "faq", "what r closing costs", t0)->value == "a");

  CHECK(tier.erase_partition_prefix("faq|m1|market-a") == 1);
  CHECK_FALSE(tier.lookup("faq|m1|market-a", "faq", "What are closing costs?", t0));
  CHECK(tier.lookup("faq|m1|market-b", "faq", "What are closing costs?", t0));
  tier.clear();
  CHECK(tier.size() == 0);
  CHECK_FALSE(tier.lookup("faq|m1|market-b", "faq", "What are closing costs?", t0));
}

TEST_CASE("tier: entries expire at their time point", "[cache][l3]") {
  auto tier = make_tier();
  tier.insert("p", "faq", "What are closing costs?", "a", "SM1", t0 + 10min, t0);
  tier.insert("p", "faq", "Who pays the escrow fees?", "b", "SM2", t0 + 1h, t0);
  CHECK(tier.lookup("p", "faq", "What are closing costs?", t0 + 10min - 1s));
  CHECK_FALSE(tier.lookup("p", "faq", "What are closing costs?", t0 + 10min));
  CHECK(tier.size() == 1);  // dropped lazily by the lookup
  CHECK(tier.stats().expirations == 1);
  CHECK(tier.purge(t0 + 59min) == 0);
  CHECK(tier.purge(t0 + 1h) == 1);
  CHECK(tier.size() == 0);
}

TEST_CASE("tier: a full partition drops the entry closest to expiry", "[cache][l3]") {
  semantic_tier_options options;
  options.max_entries_per_partition = 2;
  auto tier = make_tier(options);
  tier.insert("p", "faq", "What are closing costs?", "a", "SM1", t0 + 1h, t0);
  tier.insert("p", "faq", "Who pays the escrow fees?", "b", "SM2", t0 + 5min, t0);
  tier.insert("p", "faq", "How long does an inspection take?", "c", "SM3", t0 + 2h, t0);
  CHECK(tier.partition_size("p") == 2);
  CHECK(tier.stats().evictions == 1);
  CHECK_FALSE(tier.lookup("p", "faq", "Who pays the escrow fees?", t0));
  CHECK(tier.lookup("p", "faq", "What are closing costs?", t0));
}

TEST_CASE("tier: large partitions switch to the HNSW graph and still answer", "[cache][l3]") {
  semantic_tier_options options;
  options.brute_force_below = 8;
  auto tier = make_tier(options);
  for (int i = 0; i < 40; ++i) {
    tier.insert("p", "faq", "is " + std::to_string(1000 + i) + " main st still available",
                std::to_string(i), "SM", t0 + 1h, t0);
  }
  const auto hit = tier.lookup("p", "faq", "is 1017 Main Street still available?", t0);
  REQUIRE(hit);
  CHECK(hit->value == "17");
  CHECK_FALSE(tier.lookup("p", "faq", "is 1099 Main Street still available?", t0));
}

TEST_CASE("tier: restore rebuilds the same answers and skips expired entries", "[cache][l3]") {
  auto first = make_tier();
  const auto live = first.insert("p", "faq", "What are closing costs?", "a", "SM1", t0 + 1h, t0);
  const auto old = first.insert("p", "faq", "Who pays the escrow fees?", "b", "SM2", t0 + 1min, t0);
  const auto before = first.lookup("p", "faq", "what r closing costs", t0 + 2min);
  REQUIRE(before);

  auto second = make_tier();
  CHECK(second.restore(live, t0 + 2min));
  CHECK_FALSE(second.restore(old, t0 + 2min));
  auto wrong = live;
  wrong.vector.resize(3);
  CHECK_FALSE(second.restore(wrong, t0 + 2min));
  const auto after = second.lookup("p", "faq", "what r closing costs", t0 + 2min);
  REQUIRE(after);
  CHECK(after->id == before->id);
  CHECK(after->value == before->value);
  CHECK(after->similarity == before->similarity);
  // New ids never collide with restored ones.
  const auto next = second.insert("q", "faq", "Is the HOA strict?", "c", "SM3", t0 + 1h, t0);
  CHECK(next.id > live.id);
}

TEST_CASE("tier: vectors computed elsewhere give the same answers as the tier's own",
          "[cache][l3]") {
  auto tier = make_tier();
  const auto& embed = *shared_embedder();
  const std::string stored = "How much are HOA fees in Corona?";
  const auto entry =
      tier.insert("p1", "faq", stored, embed.embed(stored), "answer-1", "SM1", t0 + 1h, t0);
  CHECK(entry.vector == embed.embed(stored));
  const std::string query = "how much r hoa fees in corona?";
  const auto own = tier.lookup("p1", "faq", query, t0 + 1min);
  const auto given = tier.lookup("p1", "faq", query, embed.embed(query), t0 + 1min);
  REQUIRE(own);
  REQUIRE(given);
  CHECK(given->id == own->id);
  CHECK(given->similarity == Approx(own->similarity));
  // The guard still reads the text: another city is a miss whatever the vector.
  CHECK_FALSE(tier.lookup("p1", "faq", "How much are HOA fees in Ontario?", embed.embed(stored),
                          t0 + 1min));
  // A vector of another length cannot be from this embedder.
  CHECK_FALSE(tier.lookup("p1", "faq", query, std::vector<float>(3, 0.5F), t0 + 1min));
  CHECK_THROWS_AS(
      tier.insert("p1", "faq", "x", std::vector<float>(3, 0.5F), "v", "SM2", t0 + 1h, t0),
      std::invalid_argument);
}
