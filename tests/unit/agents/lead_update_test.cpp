#include "agents/lead_update.hpp"

#include "agents/lead_state.hpp"

#include <catch2/catch.hpp>

#include <set>

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

runtime::crm_event tags_event(std::vector<std::string> tags) {
  runtime::crm_event ev;
  ev.kind = "ContactTagUpdate";
  ev.contact = "+19095551234";
  ev.full_tags = true;
  ev.tags = std::move(tags);
  return ev;
}

runtime::crm_event fields_event(std::map<std::string, std::string> fields) {
  runtime::crm_event ev;
  ev.kind = "ContactUpdate";
  ev.contact = "+19095551234";
  ev.fields = std::move(fields);
  return ev;
}

agents::lead_state cold_lead() {
  agents::lead_state s;
  s.contact = "+19095551234";
  s.temperature = agents::temperature::cold;
  s.crm_tags = {"Cold-Lead", "vip"};
  return s;
}

constexpr const char* release = "Release-To-Bots";

}  // namespace

TEST_CASE("a CRM field pins a fact, so a later LLM answer cannot overwrite it", "[crm][facts]") {
  auto lead = cold_lead();
  lead.facts.budget_usd = 380000;
  lead.facts.timeline_months = 6;
  const auto set = crm::apply_crm_event(scoring(), release, lead,
                                        fields_event({{"Contact.Budget", "$725k"}, {"pets", "2"}}));
  CHECK(set.fields_applied == std::vector<std::string>{"budget_usd"});
  CHECK(set.fields_rejected.empty());
  CHECK(set.state.facts.budget_usd == 725000.0);
  CHECK(set.state.facts.timeline_months == 6.0);
  CHECK(set.state.facts.crm_pinned == std::set<std::string>{"budget_usd"});
  CHECK(set.invalidate);

  // A turn re-reading an older message: the person's figure stays, the new fact lands.
  const auto turn = agents::update_scoring(scoring(), set.state.facts, set.state.temperature,
                                           R"({"budget": "290k", "bathrooms": 2})");
  REQUIRE(turn.valid);
  CHECK(turn.facts.budget_usd == 725000.0);
  CHECK(turn.facts.bathrooms == 2.0);
  CHECK(turn.new_fact);

  // An empty value in the CRM clears the field and gives it back to the conversation.
  const auto cleared =
      crm::apply_crm_event(scoring(), release, set.state, fields_event({{"budget", ""}}));
  CHECK(cleared.fields_applied == std::vector<std::string>{"budget_usd"});
  CHECK_FALSE(cleared.state.facts.budget_usd);
  CHECK(cleared.state.facts.crm_pinned.empty());
}

TEST_CASE("facts set from every kind of CRM field read back equal from their stored form",
          "[crm][facts]") {
  struct row {
    const char* key;
    const char* value;
    const char* canonical;
  };
  const std::vector<row> rows{
      {"max_budget", "$1.1m", "budget_usd"},
      {"preapproved", "no", "pre_approved"},
      {"down_payment", "12.5%", "down_payment_pct"},
      {"timeframe", "next summer", "timeline_months"},
      {"reason", "job transfer", "motivation"},
      {"motivation_level", "medium", "motivation_strength"},
      {"condition", "updated", "property_condition"},
      {"expected_price", "640,000", "price_expectation_usd"},
      {"beds", "2", "bedrooms"},
      {"baths", "1.5", "bathrooms"},
      {"type", "townhouse", "property_type"},
      {"cities", "Fontana; 92335", "areas"},
      {"features", "RV parking, solar", "must_haves"},
  };
  for (const auto& r : rows) {
    INFO(r.key);
    const auto u = agents::apply_crm_fields({}, {{r.key, r.value}});
    REQUIRE(u.applied == std::vector<std::string>{r.canonical});
    CHECK(u.facts.crm_pinned == std::set<std::string>{r.canonical});
    CHECK(agents::facts_from_json(agents::facts_to_json(u.facts)) == u.facts);
  }
}

TEST_CASE("a value that does not validate is rejected and changes nothing", "[crm][facts]") {
  auto lead = cold_lead();
  lead.facts.budget_usd = 510000;
  const auto u =
      crm::apply_crm_event(scoring(), release, lead, fields_event({{"budget", "a fair amount"}}));
  CHECK(u.fields_applied.empty());
  CHECK(u.fields_rejected == std::vector<std::string>{"budget"});
  CHECK(u.state.facts == lead.facts);
  CHECK_FALSE(u.invalidate);
}

TEST_CASE("a person's temperature tag overrides the score and invalidates the lead",
          "[crm][temperature]") {
  const auto u =
      crm::apply_crm_event(scoring(), release, cold_lead(), tags_event({"vip", "Hot-Lead"}));
  CHECK(u.person_temperature);
  CHECK(u.state.temperature == agents::temperature::hot);
  CHECK(u.state.temperature_override == agents::temperature::hot);
  CHECK(u.state.override_basis == agents::temperature::cold);
  CHECK(u.temperature_from == "cold");
  CHECK(u.invalidate);
  CHECK(u.state.crm_tags == std::vector<std::string>{"vip", "Hot-Lead"});
  CHECK(u.tags.diff.added == std::vector<std::string>{"Hot-Lead"});
  CHECK(u.tags.diff.removed == std::vector<std::string>{"Cold-Lead"});

  SECTION("the same list again changes nothing") {
    const auto again =
        crm::apply_crm_event(scoring(), release, u.state, tags_event({"vip", "Hot-Lead"}));
    CHECK_FALSE(again.invalidate);
    CHECK(again.temperature_from.empty());
    CHECK(again.state.temperature == agents::temperature::hot);
    CHECK(again.state.temperature_override == agents::temperature::hot);
  }
  SECTION("removing the tag gives the lead back to the score") {
    const auto removed = crm::apply_crm_event(scoring(), release, u.state, tags_event({"vip"}));
    CHECK(removed.state.temperature == agents::temperature::cold);
    CHECK(removed.state.temperature_override == std::nullopt);
    CHECK(removed.temperature_from == "hot");
    CHECK(removed.invalidate);
  }
  SECTION("facts that move the score end the override") {
    const auto moved = crm::apply_crm_event(scoring(), release, u.state,
                                            fields_event({{"pre_approved", "yes"},
                                                          {"budget", "600k"},
                                                          {"down_payment", "20%"},
                                                          {"timeline", "1 month"},
                                                          {"motivation", "relocation"}}));
    CHECK(moved.fields_applied.size() == 5);
    CHECK(moved.state.temperature != agents::temperature::cold);
    CHECK(moved.state.temperature_override == std::nullopt);
    CHECK(moved.invalidate);
  }
}

TEST_CASE("the runtime's own temperature tag never feeds back", "[crm][temperature]") {
  // The lead is cold and the runtime writes Cold-Lead: seeing it again (in
  // any case) is an echo, not a person's decision.
  auto lead = cold_lead();
  lead.crm_tags = {"vip"};
  const auto u = crm::apply_crm_event(scoring(), release, lead, tags_event({"vip", "cold-lead"}));
  CHECK_FALSE(u.person_temperature);
  CHECK(u.tags.own == std::vector<std::string>{"cold-lead"});
  CHECK(u.state.temperature_override == std::nullopt);
  CHECK_FALSE(u.invalidate);
  CHECK(u.temperature_from.empty());
}

TEST_CASE("trace deltas and full lists reach the same state", "[crm][tags]") {
  runtime::crm_event delta;
  delta.contact = "+19095551234";
  delta.add_tags = {"Warm-Lead"};
  delta.remove_tags = {"Cold-Lead"};
  const auto a = crm::apply_crm_event(scoring(), release, cold_lead(), delta);
  const auto b =
      crm::apply_crm_event(scoring(), release, cold_lead(), tags_event({"vip", "Warm-Lead"}));
  CHECK(a.state.crm_tags == b.state.crm_tags);
  CHECK(a.state.temperature == agents::temperature::warm);
  CHECK(b.state.temperature == agents::temperature::warm);
}

TEST_CASE("the release tag unmutes a lead a person had taken over", "[crm][release]") {
  auto lead = cold_lead();
  lead.muted = true;
  lead.needs_human = true;
  lead.confusion_turns = 3;
  const auto u = crm::apply_crm_event(scoring(), release, lead,
                                      tags_event({"Cold-Lead", "vip", "release-to-bots"}));
  CHECK(u.released);
  CHECK_FALSE(u.state.muted);
  CHECK_FALSE(u.state.needs_human);
  CHECK(u.state.confusion_turns == 0);
  CHECK_FALSE(u.invalidate);
}

TEST_CASE("a field set to the value it already has invalidates nothing", "[crm][facts]") {
  auto lead = cold_lead();
  const auto first =
      crm::apply_crm_event(scoring(), release, lead, fields_event({{"budget", "600k"}}));
  CHECK(first.invalidate);
  const auto same =
      crm::apply_crm_event(scoring(), release, first.state, fields_event({{"budget", "$600,000"}}));
  CHECK(same.fields_applied == std::vector<std::string>{"budget_usd"});
  CHECK_FALSE(same.invalidate);
  CHECK(same.temperature_from.empty());
}
