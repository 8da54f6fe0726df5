#include "agents/lead_state.hpp"

#include "core/messages.hpp"
#include "tests/support/lead_state_sample.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/meta/annotation.hpp>

#include <catch2/catch.hpp>

#include <type_traits>
#include <vector>

using namespace openhouse;

namespace {

config::scoring_settings scoring() {
  config::scoring_settings s;
  s.frs_weights = {
      {"pre_approval", 0.35}, {"budget", 0.25}, {"down_payment", 0.20}, {"timeline", 0.20}};
  s.pcs_weights = {{"motivation", 0.35},
                   {"timeline_urgency", 0.25},
                   {"engagement", 0.25},
                   {"condition_clarity", 0.15}};
  return s;
}

/// Counts the values an inspect() overload hands its inspector (CAF's
/// annotations, such as the type name, are not values).
struct value_counter {
  using result_type = void;
  static constexpr bool reads_state = true;
  static constexpr bool writes_state = false;
  std::size_t values = 0;

  template <class... Ts>
  void operator()(Ts&&... xs) {
    ((values += std::is_base_of_v<caf::meta::annotation, std::decay_t<Ts>> ? 0 : 1), ...);
    (void)sizeof...(xs);
  }
};

template <class T>
T through_caf(const T& value) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  auto copy = value;
  REQUIRE_FALSE(sink(copy));
  T out;
  caf::binary_deserializer source{nullptr, buf};
  REQUIRE_FALSE(source(out));
  return out;
}

}  // namespace

TEST_CASE("the state's inspect lists every member of lead_state", "[agents][lead_state]") {
  auto state = test::every_field_set();
  value_counter counter;
  inspect(counter, state);
  CHECK(counter.values == agents::lead_state_field_count);
}

TEST_CASE("a lead's state crosses an actor message whole", "[agents][lead_state]") {
  const auto state = test::every_field_set();
  CHECK(through_caf(state) == state);
  CHECK(through_caf(agents::lead_state{}) == agents::lead_state{});

  runtime::conversation_snapshot snap{state, {{"user", "is the yard fenced?"}}};
  const auto back = through_caf(snap);
  CHECK(back.lead == state);
  REQUIRE(back.history.size() == 1);
  CHECK(back.history[0].text == "is the yard fenced?");
}

TEST_CASE("stored facts read back equal, engagement and CRM pins included",
          "[agents][lead_state][facts]") {
  const auto facts = test::every_field_set().facts;
  CHECK(agents::facts_from_json(agents::facts_to_json(facts)) == facts);
  CHECK(agents::facts_from_json(agents::facts_to_json({})) == agents::lead_facts{});
  CHECK(agents::facts_to_json({}) == "{}");
  // An older stored form kept the model's own keys: still read.
  const auto old =
      agents::facts_from_json(R"({"beds": 2, "zip": "92509", "crm_pinned": ["bedrooms"]})");
  CHECK(old.bedrooms == 2);
  CHECK(old.areas == std::vector<std::string>{"92509"});
  CHECK(old.crm_pinned == std::set<std::string>{"bedrooms"});
  CHECK(agents::facts_from_json("[1, 2") == agents::lead_facts{});
}

TEST_CASE("a facts answer merges into the lead: new values replace, unsaid ones stay",
          "[agents][lead_state][scoring]") {
  agents::lead_facts stored;
  stored.timeline_months = 2;
  stored.areas = {"Rialto"};
  stored.bedrooms = 3;
  stored.crm_pinned = {"bedrooms"};

  const auto u = agents::update_scoring(scoring(), stored, agents::temperature::cold,
                                        "Sure: ```json\n{\"budget\": \"$390k\", \"beds\": 5, "
                                        "\"city\": \"Colton\", \"timeline\": null}\n```");
  REQUIRE(u.valid);
  CHECK(u.new_fact);
  CHECK(u.facts.budget_usd == 390000.0);
  CHECK(u.facts.timeline_months == 2.0);  // not said again: kept
  CHECK(u.facts.bedrooms == 3);           // pinned by a person in the CRM
  CHECK(u.facts.areas == std::vector<std::string>{"Rialto", "Colton"});
  CHECK(u.score.frs > 0);
  CHECK(u.temperature_changed == (u.score.temp != agents::temperature::cold));
  CHECK_FALSE(u.reason.empty());

  const auto same =
      agents::update_scoring(scoring(), u.facts, u.score.temp, R"({"budget": 390000})");
  REQUIRE(same.valid);
  CHECK_FALSE(same.new_fact);
  CHECK_FALSE(same.temperature_changed);
}

TEST_CASE("a facts answer that breaks the schema changes nothing",
          "[agents][lead_state][scoring]") {
  agents::lead_facts stored;
  stored.budget_usd = 450000;
  for (const auto* answer : {"no idea, sorry", R"({"bedrooms": "lots and lots"})",
                             R"({"down_payment_pct": 140})", "[1, 2, 3]"}) {
    INFO(answer);
    const auto u = agents::update_scoring(scoring(), stored, agents::temperature::warm, answer);
    CHECK_FALSE(u.valid);
    CHECK_FALSE(u.new_fact);
  }
}

TEST_CASE("the handoff history keeps the most recent entries", "[agents][lead_state][handoff]") {
  agents::lead_state state;
  const std::chrono::system_clock::time_point t0{std::chrono::hours{480'000}};
  for (std::size_t i = 0; i < agents::max_handoffs_kept + 7; ++i) {
    agents::append_handoff(state, {t0 + std::chrono::minutes{i}, agents::bot_kind::lead,
                                   i % 2 ? agents::bot_kind::buyer : agents::bot_kind::seller});
  }
  REQUIRE(state.handoffs.size() == agents::max_handoffs_kept);
  CHECK(state.handoffs.front().at == t0 + std::chrono::minutes{7});
  CHECK(state.handoffs.back().at == t0 + std::chrono::minutes{agents::max_handoffs_kept + 6});
}

TEST_CASE("an optional temperature is stored by its name, none as empty", "[agents][lead_state]") {
  CHECK(agents::to_string(std::optional<agents::temperature>{}).empty());
  CHECK(agents::to_string(std::optional{agents::temperature::hot}) == "hot");
}
