#include "agents/facts.hpp"

#include "integrations/llm/sim_answers.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <variant>
#include <vector>

using namespace openhouse::agents;

namespace {

lead_facts parsed(const std::string& text) {
  auto result = parse_facts(text);
  if (!result) FAIL("parse error: " << result.error().message);
  return result.value();
}

}  // namespace

TEST_CASE("the simulator's facts answer parses", "[agents][facts]") {
  const auto answer = openhouse::llm::sim::facts_answer(
      {"Hi, we're relocating for a new job", "Looking for a 3 bedroom condo around $450k in 92501",
       "We're pre-approved and want to move in 3-6 months"});
  const auto f = parsed(answer);
  CHECK(f.budget_usd == 450000.0);
  CHECK(f.pre_approved == true);
  CHECK(f.timeline_months == 4.5);
  CHECK(f.motivation == "relocation");
  CHECK(f.bedrooms == 3);
  CHECK(f.property_type == "condo");
  CHECK(f.areas == std::vector<std::string>{"92501"});
  CHECK_FALSE(f.condition.has_value());
}

TEST_CASE("the simulator's all-null answer is a valid empty fact set", "[agents][facts]") {
  const auto f = parsed(openhouse::llm::sim::facts_answer({"hello"}));
  CHECK(f == lead_facts{});
}

TEST_CASE("facts are found in fences, prose and wrappers", "[agents][facts]") {
  const std::vector<std::string> answers{
      R"({"budget_usd": 500000})",
      "```json\n{\"budget_usd\": 500000}\n```",
      "```\n{\"budget_usd\": 500000}\n```",
      "Here are the extracted facts:\n```json\n{\"budget_usd\": 500000}\n```\nLet me know!",
      "Sure! {\"budget_usd\": 500000} is what I found.",
      R"(Facts: {"facts": {"budget": "$500k", "notes": "likes {braces}"}})",
      R"({"facts": {"budget_usd": 500000}})",
  };
  for (const auto& answer : answers) {
    INFO(answer);
    CHECK(parsed(answer).budget_usd == 500000.0);
  }
}

TEST_CASE("malformed answers are errors", "[agents][facts]") {
  const std::vector<std::string> answers{
      "",
      "I could not find any facts.",
      "{\"budget\": 450000",  // truncated
      "[1, 2, 3]",
      R"({"budget": {"currency": "usd"}, "pre_approved": "maybe"})",
      R"({"budget": true})",
      R"({"budget": "lots"})",
      R"({"budget": 5000})",          // below 10k: not a home budget
      R"({"budget": 500000000000})",  // above 100M
      R"({"pre_approved": "maybe"})",
      R"({"pre_approved": 1})",
      R"({"down_payment_pct": 140})",
      R"({"timeline_months": 400})",
      R"({"timeline_months": [3]})",
      R"({"bedrooms": 45})",
      R"({"bedrooms": "many"})",
      R"({"bathrooms": -1})",
      R"({"motivation": 7})",
      R"({"motivation_strength": 3})",
      R"({"areas": [{"city": "Riverside"}]})",
      R"({"must_haves": {"pool": true}})",
  };
  for (const auto& answer : answers) {
    INFO(answer);
    CHECK_FALSE(parse_facts(answer).has_value());
  }
}

TEST_CASE("values are validated and normalised", "[agents][facts]") {
  SECTION("money in every common spelling") {
    CHECK(parsed(R"({"budget": "$450k"})").budget_usd == 450000.0);
    CHECK(parsed(R"({"budget": "450,000"})").budget_usd == 450000.0);
    CHECK(parsed(R"({"budget": "$1.2 million"})").budget_usd == 1200000.0);
    CHECK(parsed(R"({"budget": "400k-500k"})").budget_usd == 500000.0);
    CHECK(parsed(R"({"budget": [400000, 550000]})").budget_usd == 550000.0);
    CHECK(parsed(R"({"budget": {"min": 400000, "max": 600000}})").budget_usd == 600000.0);
    CHECK(parsed(R"({"asking_price": "$725,000"})").price_expectation_usd == 725000.0);
  }
  SECTION("null and unknown-ish strings mean unknown") {
    const auto f =
        parsed(R"({"budget": null, "pre_approved": "unknown", "timeline": "", "motivation": "N/A",
                              "bedrooms": "not mentioned", "areas": []})");
    CHECK(f == lead_facts{});
  }
  SECTION("booleans") {
    CHECK(parsed(R"({"pre_approved": "yes"})").pre_approved == true);
    CHECK(parsed(R"({"pre_approved": "Not yet"})").pre_approved == false);
    CHECK(parsed(R"({"preapproved": false})").pre_approved == false);
  }
  SECTION("down payment as percent, fraction or dollars") {
    CHECK(parsed(R"({"down_payment_pct": 20})").down_payment_pct == 20.0);
    CHECK(parsed(R"({"down_payment_pct": 0.1})").down_payment_pct == Approx(10.0));
    CHECK(parsed(R"({"down_payment": "3.5%"})").down_payment_pct == 3.5);
    CHECK(parsed(R"({"budget": 500000, "down_payment": "$100k"})").down_payment_pct == 20.0);
    CHECK_FALSE(parsed(R"({"down_payment": 100000})")
                    .down_payment_pct.has_value());  // no budget to relate it to
  }
  SECTION("labels are snake_case; unknown vocabulary leaves a field unknown") {
    const auto f = parsed(R"({"motivation": "Growing Family", "condition": "Move-in ready",
                              "urgency": "HIGH", "property_type": "Single Family"})");
    CHECK(f.motivation == "growing_family");
    CHECK(f.condition == property_condition::good);
    CHECK(f.motivation_strength == motivation_level::high);
    CHECK(f.property_type == "single_family");
    CHECK_FALSE(parsed(R"({"condition": "quirky"})").condition.has_value());
  }
  SECTION("counts") {
    CHECK(parsed(R"({"bedrooms": "3+"})").bedrooms == 3);
    CHECK(parsed(R"({"beds": 4.0, "baths": "2.5 baths"})").bathrooms == 2.5);
  }
  SECTION("areas collect every alias, deduplicated; unknown keys are ignored") {
    const auto f = parsed(R"({"areas": ["Riverside", "Corona"], "city": "riverside", "zip": 92501,
                              "must_haves": "pool, garage; big yard", "favorite_color": "blue"})");
    CHECK(f.areas == std::vector<std::string>{"Riverside", "Corona", "92501"});
    CHECK(f.must_haves == std::vector<std::string>{"pool", "garage", "big yard"});
  }
  SECTION("the canonical key wins over an alias") {
    CHECK(parsed(R"({"budget": 300000, "budget_usd": 400000})").budget_usd == 400000.0);
  }
}

TEST_CASE("timelines in words become months", "[agents][facts]") {
  struct timeline_case {
    std::string text;
    std::optional<double> months;
  };
  const std::vector<timeline_case> cases{
      {"asap", 0.0},
      {"right away", 0.0},
      {"2 weeks", 0.46},
      {"3 months", 3.0},
      {"3-6 months", 4.5},
      {"3 to 6 months", 4.5},
      {"six months", 6.0},
      {"within a year", 12.0},
      {"1 year", 12.0},
      {"2 years", 24.0},
      {"a few months", 3.0},
      {"next month", 1.0},
      {"next week", 0.25},
      {"this spring", 3.0},
      {"next summer", 9.0},
      {"browsing", no_rush_timeline_months},
      {"just looking", no_rush_timeline_months},
      {"no_rush", no_rush_timeline_months},
      {"6", 6.0},
      {"when the kids finish school", std::nullopt},
      {"20 years", 120.0},  // capped
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto got = parse_timeline_months(c.text);
    REQUIRE(got.has_value() == c.months.has_value());
    if (got) CHECK(*got == Approx(*c.months).margin(0.01));
  }
}

TEST_CASE("parse_usd reads amounts", "[agents][facts]") {
  const std::vector<std::pair<std::string, std::optional<double>>> cases{
      {"$450k", 450000.0},
      {"450K", 450000.0},
      {"$450,000", 450000.0},
      {"1.2m", 1200000.0},
      {"$2 mil", 2000000.0},
      {"500 thousand", 500000.0},
      {"between 400 and 500k", 500000.0},
      {"450000", 450000.0},
      {"lots", std::nullopt},
  };
  for (const auto& [text, usd] : cases) {
    INFO(text);
    CHECK(parse_usd(text) == usd);
  }
}

TEST_CASE("merge keeps old facts and takes new ones", "[agents][facts]") {
  lead_facts previous;
  previous.budget_usd = 400000;
  previous.pre_approved = false;
  previous.areas = {"Riverside"};
  previous.engagement.inbound_messages = 4;

  lead_facts extracted;
  extracted.pre_approved = true;
  extracted.timeline_months = 3;
  extracted.areas = {"riverside", "Corona"};
  extracted.engagement.inbound_messages = 99;  // not the LLM's to say

  const auto merged = merge(previous, extracted);
  CHECK(merged.budget_usd == 400000.0);  // unknown now, known before: kept
  CHECK(merged.pre_approved == true);    // known now: replaces
  CHECK(merged.timeline_months == 3.0);
  CHECK(merged.areas == std::vector<std::string>{"Riverside", "Corona"});
  CHECK(merged.engagement.inbound_messages == 4);
  CHECK(changed_fields(previous, merged) ==
        std::vector<std::string>{"pre_approved", "timeline_months", "areas"});
  CHECK(changed_fields(merged, merge(merged, extracted)).empty());
}

TEST_CASE("CRM custom fields are applied, pinned and released", "[agents][facts]") {
  lead_facts facts;
  facts.budget_usd = 400000;

  const auto update = apply_crm_fields(facts, {{"contact.budget", "$600k"},
                                               {"Pre Approved", "yes"},
                                               {"timeline", "2 months"},
                                               {"areas", "Ontario, Chino"},
                                               {"bedrooms", "lots"},
                                               {"lead_source", "Zillow"}});
  CHECK(update.facts.budget_usd == 600000.0);
  CHECK(update.facts.pre_approved == true);
  CHECK(update.facts.timeline_months == 2.0);
  CHECK(update.facts.areas == std::vector<std::string>{"Ontario", "Chino"});
  CHECK_FALSE(update.facts.bedrooms.has_value());
  CHECK(update.rejected == std::vector<std::string>{"bedrooms"});
  CHECK(update.applied.size() == 4);
  CHECK(update.facts.crm_pinned ==
        std::set<std::string>{"budget_usd", "pre_approved", "timeline_months", "areas"});

  SECTION("an extraction that re-reads old messages does not revert a person's value") {
    lead_facts extracted;
    extracted.budget_usd = 400000;
    extracted.bedrooms = 3;
    const auto merged = merge(update.facts, extracted);
    CHECK(merged.budget_usd == 600000.0);
    CHECK(merged.bedrooms == 3);
  }
  SECTION("clearing a field releases it") {
    const auto cleared = apply_crm_fields(update.facts, {{"budget_usd", ""}});
    CHECK_FALSE(cleared.facts.budget_usd.has_value());
    CHECK_FALSE(cleared.facts.crm_pinned.contains("budget_usd"));
    lead_facts extracted;
    extracted.budget_usd = 450000;
    CHECK(merge(cleared.facts, extracted).budget_usd == 450000.0);
  }
  SECTION("down payment in dollars is related to the budget") {
    CHECK(apply_crm_fields(update.facts, {{"down_payment", "$120,000"}}).facts.down_payment_pct ==
          20.0);
    CHECK(apply_crm_fields(lead_facts{}, {{"down_payment", "$120,000"}}).rejected.size() == 1);
  }
}

TEST_CASE("field names are canonical and complete", "[agents][facts]") {
  CHECK(fact_field_names().size() == 13);
  lead_facts all;
  all.budget_usd = 1e5;
  all.pre_approved = true;
  all.down_payment_pct = 5;
  all.timeline_months = 1;
  all.motivation = "x";
  all.motivation_strength = motivation_level::low;
  all.condition = property_condition::fair;
  all.price_expectation_usd = 1e5;
  all.bedrooms = 1;
  all.bathrooms = 1;
  all.property_type = "condo";
  all.areas = {"a"};
  all.must_haves = {"b"};
  const auto changed = changed_fields(lead_facts{}, all);
  CHECK(std::vector<std::string_view>(changed.begin(), changed.end()) == fact_field_names());
}
