// The cache actor's plain decisions, without an actor: entries, what may be
// served from below L1, what each waiter of a flight gets, and how counters move.

#include "cache/llm_cache_rules.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using namespace openhouse;
using namespace openhouse::cache;
using namespace std::chrono_literals;

namespace {

/// Counters in the struct's order: global, market, contact, task, epoch.
generations gens(std::uint64_t global, std::uint64_t market, std::uint64_t contact,
                 std::uint64_t task, std::uint64_t epoch = 0) {
  return generations{global, market, contact, task, epoch};
}

runtime::llm_answer answer(const std::string& text, const std::string& model) {
  runtime::llm_answer a;
  a.response.text = text;
  a.response.stop_reason = "end_turn";
  a.response.model = model;
  a.response.tokens.input_tokens = 120;
  a.response.tokens.output_tokens = 30;
  a.model = model;
  a.cost_usd = 0.0021;
  a.baseline_cost_usd = 0.0034;
  return a;
}

unit market_unit() {
  unit u;
  u.task = "faq";
  u.model = "claude-haiku-4-5";
  u.template_version = "faq@2";
  u.system_prompt = "Answer from the brokerage's facts.";
  u.scope = scope::market;
  u.market_id = "riverside";
  u.with("question", "how long does escrow usually take");
  return u;
}

}  // namespace

TEST_CASE("counters compare without the epoch; a snapshot is outdated by a counter or a life",
          "[cache][rules]") {
  CHECK(same_counters(gens(1, 2, 3, 4, 10), gens(1, 2, 3, 4, 99)));
  CHECK_FALSE(same_counters(gens(1, 2, 3, 4), gens(1, 2, 4, 4)));

  CHECK(snapshot_outdated(gens(0, 0, 5, 0, 7), gens(0, 0, 4, 0, 7)));        // behind a bump
  CHECK(snapshot_outdated(gens(0, 0, 5, 0, 7), gens(0, 0, 5, 0, 6)));        // an ended life
  CHECK_FALSE(snapshot_outdated(gens(0, 0, 5, 0, 7), gens(0, 0, 5, 0, 0)));  // just unstamped
}

TEST_CASE("with no Redis, a bump moves only its own counter, by one", "[cache][rules]") {
  const auto now = gens(3, 8, 1, 5);
  CHECK(next_local_generation(invalidation::kind::global, now) == 4);
  CHECK(next_local_generation(invalidation::kind::market, now) == 9);
  CHECK(next_local_generation(invalidation::kind::contact, now) == 2);
  CHECK(next_local_generation(invalidation::kind::task, now) == 6);
  CHECK(next_local_generation(invalidation::kind::key, now) == 0);
}

TEST_CASE("a stored entry keeps the answer, its source and generations, and its expiry",
          "[cache][rules]") {
  const auto e = entry_for(answer("Escrow runs about 30 days.", "claude-haiku-4-5"), "SM77",
                           gens(0, 2, 0, 1), 1'000'000, 90s);
  CHECK(e.text == "Escrow runs about 30 days.");
  CHECK(e.model == "claude-haiku-4-5");
  CHECK(e.stop_reason == "end_turn");
  CHECK(e.source_sid == "SM77");
  CHECK(e.generation == gens(0, 2, 0, 1));
  CHECK(e.stored_at_ms == 1'000'000);
  CHECK(e.expires_at_ms == 1'090'000);
  // It round-trips through the stored form unchanged.
  CHECK(decode_answer(encode(e)) == e);
}

TEST_CASE("an answer from another model than the key names is not stored", "[cache][rules]") {
  const auto u = market_unit();
  CHECK(answer_verdict(u, answer("Escrow runs about 30 days.", u.model), {}).cacheable());
  const auto downgraded = answer_verdict(u, answer("Escrow runs about 30 days.", "cheaper"), {});
  CHECK(downgraded.outcome == decision::bypass_response);
  CHECK(downgraded.reason == "downgraded");

  auto cut = answer("Escrow runs about", u.model);
  cut.response.stop_reason = "max_tokens";
  CHECK(answer_verdict(u, cut, {}).reason == "max_tokens");
}

TEST_CASE("an entry from below L1 is served only under its key's counters and before expiry",
          "[cache][rules]") {
  cached_answer e;
  e.generation = gens(0, 1, 2, 0);
  e.expires_at_ms = 5000;
  CHECK(l2_entry_servable(e, gens(0, 1, 2, 0, 42), 4999));
  CHECK_FALSE(l2_entry_servable(e, gens(0, 1, 2, 0), 5000));
  CHECK_FALSE(l2_entry_servable(e, gens(0, 1, 3, 0), 100));

  CHECK(time_left(e, 4000) == 1000ms);
  CHECK_FALSE(time_left(e, 5000).has_value());
}

TEST_CASE("a hit reply carries the entry, the tier and its source", "[cache][rules]") {
  cached_answer e;
  e.text = "Our office opens at 9.";
  e.model = "claude-haiku-4-5";
  e.stop_reason = "end_turn";
  e.source_sid = "SM5";
  e.generation = gens(0, 3, 0, 0);
  const auto r = hit_reply(e, outcome::l3, "digest-1", 0.93);
  CHECK(r.answer.response.text == e.text);
  CHECK(r.answer.model == e.model);
  CHECK(r.answer.cost_usd == 0);
  CHECK(r.outcome == outcome::l3);
  CHECK(r.source_sid == "SM5");
  CHECK(r.similarity == Approx(0.93));
  CHECK(r.entry_generation == e.generation);
  CHECK(r.key == "digest-1");
}

TEST_CASE("of a flight's waiters the first pays for the call, the others wait for free",
          "[cache][rules]") {
  const auto a = answer("Sure, that area has good schools.", "claude-sonnet-4-6");
  const auto first = flight_reply(a, 0, "SM1", gens(0, 0, 4, 0), "k");
  CHECK(first.outcome == outcome::miss);
  CHECK(first.answer.cost_usd == Approx(0.0021));
  CHECK(first.answer.response.tokens.output_tokens == 30);
  CHECK(first.source_sid.empty());
  const auto second = flight_reply(a, 1, "SM1", gens(0, 0, 4, 0), "k");
  CHECK(second.outcome == outcome::coalesced);
  CHECK(second.answer.cost_usd == 0);
  CHECK(second.answer.baseline_cost_usd == 0);
  CHECK(second.answer.response.tokens.input_tokens == 0);
  CHECK(second.answer.response.text == a.response.text);
  CHECK(second.source_sid == "SM1");
  CHECK(second.entry_generation == gens(0, 0, 4, 0));
  CHECK(second.key == "k");
}

TEST_CASE("the semantic input is the named one among the unit's inputs", "[cache][rules]") {
  cache_request req;
  req.unit = market_unit();
  CHECK_FALSE(named_input(req).has_value());  // nothing named
  req.semantic_input = "question";
  CHECK(named_input(req) == "how long does escrow usually take");
  req.semantic_input = "city";
  CHECK_FALSE(named_input(req).has_value());
}

TEST_CASE("one L3 hit in `every` is checked; the false-hit rate is disagreements over checks",
          "[cache][rules]") {
  std::vector<std::uint64_t> checked;
  for (std::uint64_t served = 0; served < 10; ++served) {
    if (sampled_for_check(served, 4)) checked.push_back(served);
  }
  CHECK(checked == std::vector<std::uint64_t>{0, 4, 8});
  CHECK_FALSE(sampled_for_check(0, 0));

  CHECK(false_hit_rate(0, 0) == 0);
  CHECK(false_hit_rate(3, 1) == Approx(0.25));
  CHECK(false_hit_rate(0, 2) == Approx(1.0));
}
