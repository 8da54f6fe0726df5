#include "agents/lead_update.hpp"

#include "agents/lead_state.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace openhouse;
using json = nlohmann::json;

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

runtime::conversation_snapshot cold_lead() {
  runtime::conversation_snapshot s;
  s.contact = "+19095551234";
  s.temperature = "cold";
  s.crm_tags = {"Cold-Lead", "vip"};
  return s;
}

constexpr const char* release = "Release-To-Bots";

}  // namespace

TEST_CASE("custom fields replace every spelling of a fact and pin it against the LLM",
          "[crm][facts]") {
  const auto merged = crm::merge_fields(R"({"budget": 450000, "timeline": "3 months"})",
                                        {{"contact.budget", "$600k"}, {"hobby", "golf"}});
  CHECK(merged.applied == std::vector<std::string>{"budget_usd"});
  CHECK(merged.rejected.empty());
  const auto stored = json::parse(merged.facts_json);
  CHECK_FALSE(stored.contains("budget"));
  CHECK(stored.at("budget_usd") == 600000.0);
  CHECK(stored.at("timeline") == "3 months");
  CHECK(stored.at(std::string{agents::crm_pins_key}) == json::array({"budget_usd"}));
  CHECK(agents::stored_facts(merged.facts_json).budget_usd == 600000.0);

  // The next turn's extraction re-reads an old message: the person's value stays.
  const auto turn = agents::update_scoring(scoring(), merged.facts_json, "cold",
                                           R"({"budget": 300000, "bedrooms": 3})");
  REQUIRE(turn.valid);
  CHECK(agents::stored_facts(turn.facts_json).budget_usd == 600000.0);
  CHECK(agents::stored_facts(turn.facts_json).bedrooms == 3);

  // Clearing the field in the CRM releases it.
  const auto cleared = crm::merge_fields(merged.facts_json, {{"budget_usd", ""}});
  CHECK(cleared.applied == std::vector<std::string>{"budget_usd"});
  const auto after = json::parse(cleared.facts_json);
  CHECK_FALSE(after.contains("budget_usd"));
  CHECK_FALSE(after.contains(std::string{agents::crm_pins_key}));
}

TEST_CASE("every kind of custom field round-trips through the stored facts", "[crm][facts]") {
  struct row {
    const char* key;
    const char* value;
    const char* canonical;
  };
  const std::vector<row> rows{
      {"budget", "$450k", "budget_usd"},
      {"pre_approved", "yes", "pre_approved"},
      {"down_payment", "20%", "down_payment_pct"},
      {"timeline", "3 months", "timeline_months"},
      {"motivation", "relocation", "motivation"},
      {"urgency", "high", "motivation_strength"},
      {"condition", "needs work", "property_condition"},
      {"asking_price", "$700,000", "price_expectation_usd"},
      {"bedrooms", "4", "bedrooms"},
      {"bathrooms", "2.5", "bathrooms"},
      {"property_type", "condo", "property_type"},
      {"areas", "Riverside, 92501", "areas"},
      {"must_haves", "pool, garage", "must_haves"},
  };
  for (const auto& r : rows) {
    INFO(r.key);
    const auto once = crm::merge_fields("{}", {{r.key, r.value}});
    REQUIRE(once.applied == std::vector<std::string>{r.canonical});
    // What is stored parses back to the same facts as applying it directly.
    const auto direct = agents::apply_crm_fields({}, {{r.key, r.value}}).facts;
    auto stored = agents::stored_facts(once.facts_json);
    stored.crm_pinned = direct.crm_pinned;
    CHECK(stored == direct);
  }
}

TEST_CASE("a value that does not validate is rejected and changes nothing", "[crm][facts]") {
  const auto merged = crm::merge_fields(R"({"budget": 450000})", {{"budget", "lots"}});
  CHECK(merged.applied.empty());
  CHECK(merged.rejected == std::vector<std::string>{"budget"});
  CHECK(agents::stored_facts(merged.facts_json).budget_usd == 450000.0);
}

TEST_CASE("a person's temperature tag overrides the score and invalidates the lead",
          "[crm][temperature]") {
  const auto u =
      crm::apply_crm_event(scoring(), release, cold_lead(), tags_event({"vip", "Hot-Lead"}));
  CHECK(u.person_temperature);
  CHECK(u.state.temperature == "hot");
  CHECK(u.state.temperature_override == "hot");
  CHECK(u.state.override_basis == "cold");
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
    CHECK(again.state.temperature == "hot");
    CHECK(again.state.temperature_override == "hot");
  }
  SECTION("removing the tag gives the lead back to the score") {
    const auto removed = crm::apply_crm_event(scoring(), release, u.state, tags_event({"vip"}));
    CHECK(removed.state.temperature == "cold");
    CHECK(removed.state.temperature_override.empty());
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
    CHECK(moved.state.temperature != "cold");
    CHECK(moved.state.temperature_override.empty());
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
  CHECK(u.state.temperature_override.empty());
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
  CHECK(a.state.temperature == "warm");
  CHECK(b.state.temperature == "warm");
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
