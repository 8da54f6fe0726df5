#include "agents/scoring.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

using namespace openhouse::agents;
using namespace std::chrono_literals;

namespace {

/// The weights of config/markets/inland-empire.yaml.
openhouse::config::scoring_settings market_scoring() {
  openhouse::config::scoring_settings s;
  s.frs_weights = {
      {"pre_approval", 0.35}, {"budget", 0.25}, {"down_payment", 0.20}, {"timeline", 0.20}};
  s.pcs_weights = {{"motivation", 0.35},
                   {"timeline_urgency", 0.25},
                   {"engagement", 0.25},
                   {"condition_clarity", 0.15}};
  s.frs_share = 0.5;
  s.hot_threshold = 80;
  s.warm_threshold = 40;
  return s;
}

struct score_case {
  std::string name;
  std::function<lead_facts()> facts;
  double frs;
  double pcs;
  temperature temp;
};

}  // namespace

TEST_CASE("FRS, PCS and temperature from facts", "[agents][scoring]") {
  const std::vector<score_case> cases{
      {"nothing known", [] { return lead_facts{}; }, 0, 0, temperature::cold},
      {"ready buyer",
       [] {
         lead_facts f;
         f.pre_approved = true;
         f.budget_usd = 500000;
         f.down_payment_pct = 20;
         f.timeline_months = 1;
         f.motivation = "relocation";
         f.bedrooms = 3;
         f.bathrooms = 2;
         f.areas = {"Riverside"};
         f.engagement = {6, 3, 2min};
         return f;
       },
       100, 100, temperature::hot},
      {"buyer without pre-approval, six months out",
       [] {
         lead_facts f;
         f.pre_approved = false;
         f.budget_usd = 450000;
         f.timeline_months = 6;
         return f;
       },
       // FRS 35*0.25 + 25 + 20; PCS urgency 25*0.5
       53.75, 12.5, temperature::cold},
      {"motivated seller",
       [] {
         lead_facts f;
         f.price_expectation_usd = 700000;
         f.condition = property_condition::needs_work;
         f.timeline_months = 2;
         f.motivation = "divorce";
         f.engagement = {3, 1, std::nullopt};
         return f;
       },
       // FRS 35*0.5 + 25 + 20*0.4 + 20; PCS 35 + 25*0.75 + 25*(0.25+0.1) + 15
       70.5, 77.5, temperature::warm},
      {"browsing investor",
       [] {
         lead_facts f;
         f.budget_usd = 300000;
         f.timeline_months = no_rush_timeline_months;
         f.motivation = "investment";
         return f;
       },
       // FRS 25 + 20*0.5; PCS 35*0.25 + 25*0.05
       35, 10, temperature::cold},
      {"stated strength wins over the reason",
       [] {
         lead_facts f;
         f.motivation = "investment";
         f.motivation_strength = motivation_level::high;
         return f;
       },
       0, 35, temperature::cold},
      {"down payment below 20% counts partly",
       [] {
         lead_facts f;
         f.down_payment_pct = 10;
         return f;
       },
       20 * 0.7, 0, temperature::cold},
      {"slow but engaged",
       [] {
         lead_facts f;
         f.engagement = {12, 6, 3h};
         return f;
       },
       0, 25 * (0.5 + 0.3 + 0.2 * 0.3), temperature::cold},
  };
  const auto settings = market_scoring();
  for (const auto& c : cases) {
    INFO(c.name);
    const auto s = score_lead(c.facts(), settings);
    CHECK(s.frs == Approx(c.frs).margin(0.051));
    CHECK(s.pcs == Approx(c.pcs).margin(0.051));
    CHECK(s.composite == Approx((c.frs + c.pcs) / 2).margin(0.1));
    CHECK(s.temp == c.temp);
    CHECK(s.frs_components.size() == 4);
    CHECK(s.pcs_components.size() == 4);
  }
}

TEST_CASE("the composite follows frs_share", "[agents][scoring]") {
  auto settings = market_scoring();
  lead_facts f;
  f.pre_approved = true;
  f.budget_usd = 500000;  // FRS 60, PCS 0
  for (const auto& [share, composite] :
       std::vector<std::pair<double, double>>{{0.5, 30}, {0.7, 42}, {1.0, 60}, {0.0, 0}}) {
    settings.frs_share = share;
    INFO("share " << share);
    CHECK(score_lead(f, settings).composite == Approx(composite));
  }
}

TEST_CASE("temperature thresholds are inclusive", "[agents][scoring]") {
  struct threshold_case {
    double composite;
    double hot;
    double warm;
    temperature expected;
  };
  const std::vector<threshold_case> cases{
      {0, 80, 40, temperature::cold},    {39.9, 80, 40, temperature::cold},
      {40, 80, 40, temperature::warm},   {79.9, 80, 40, temperature::warm},
      {80, 80, 40, temperature::hot},    {100, 80, 40, temperature::hot},
      {69.9, 70, 30, temperature::warm}, {70, 70, 30, temperature::hot},
      {29.9, 70, 30, temperature::cold},
  };
  for (const auto& c : cases) {
    auto settings = market_scoring();
    settings.hot_threshold = c.hot;
    settings.warm_threshold = c.warm;
    INFO(c.composite << " with hot " << c.hot << ", warm " << c.warm);
    CHECK(temperature_for(c.composite, settings) == c.expected);
  }
}

TEST_CASE("temperatures have names and CRM tags", "[agents][scoring]") {
  for (const auto t : {temperature::cold, temperature::warm, temperature::hot}) {
    CHECK(parse_temperature(to_string(t)) == t);
    CHECK(temperature_of_tag(crm_tag(t)) == t);
  }
  CHECK(crm_tag(temperature::hot) == "Hot-Lead");
  CHECK(crm_tag(temperature::warm) == "Warm-Lead");
  CHECK(crm_tag(temperature::cold) == "Cold-Lead");
  CHECK(parse_temperature("HOT") == temperature::hot);
  CHECK_FALSE(parse_temperature("lukewarm"));
  CHECK(temperature_of_tag("hot-lead") == temperature::hot);
  CHECK_FALSE(temperature_of_tag("Hot Lead"));
  CHECK_FALSE(temperature_of_tag("vip"));
}

TEST_CASE("tag changes add the new temperature tag and remove stale ones", "[agents][scoring]") {
  struct tag_case {
    std::vector<std::string> current;
    temperature t;
    std::vector<std::string> add;
    std::vector<std::string> remove;
  };
  const std::vector<tag_case> cases{
      {{}, temperature::hot, {"Hot-Lead"}, {}},
      {{"Warm-Lead", "vip"}, temperature::hot, {"Hot-Lead"}, {"Warm-Lead"}},
      {{"hot-lead", "cold-lead", "Buyer"}, temperature::hot, {}, {"cold-lead"}},
      {{"Hot-Lead"}, temperature::hot, {}, {}},
      {{"Hot-Lead", "Warm-Lead", "Cold-Lead"}, temperature::cold, {}, {"Hot-Lead", "Warm-Lead"}},
      {{"Hot Lead", "vip"}, temperature::warm, {"Warm-Lead"}, {}},
  };
  for (const auto& c : cases) {
    INFO("to " << to_string(c.t) << " from " << c.current.size() << " tags");
    const auto change = tag_changes(c.current, c.t);
    CHECK(change.add == c.add);
    CHECK(change.remove == c.remove);
  }
}

TEST_CASE("tags never reach the score", "[agents][scoring]") {
  lead_facts f;
  f.budget_usd = 500000;
  const auto before = score_lead(f, market_scoring());
  // A tag arriving as a CRM field is not a fact: it is ignored.
  const auto update = apply_crm_fields(f, {{"tags", "Hot-Lead"}, {"temperature", "hot"}});
  CHECK(update.applied.empty());
  const auto after = score_lead(update.facts, market_scoring());
  CHECK(after.composite == before.composite);
  CHECK(after.temp == before.temp);
}

TEST_CASE("the side of a lead is read from its facts", "[agents][scoring]") {
  lead_facts buyer;
  buyer.pre_approved = false;
  lead_facts seller;
  seller.condition = property_condition::good;
  lead_facts both = buyer;
  both.price_expectation_usd = 600000;
  lead_facts unknown;
  unknown.timeline_months = 3;
  CHECK(lead_side_of(buyer) == lead_side::buyer);
  CHECK(lead_side_of(seller) == lead_side::seller);
  CHECK(lead_side_of(both) == lead_side::both);
  CHECK(lead_side_of(unknown) == lead_side::unknown);
}

TEST_CASE("motivation reasons imply a strength", "[agents][scoring]") {
  const std::vector<std::pair<std::string, motivation_level>> cases{
      {"relocation", motivation_level::high},       {"job_transfer", motivation_level::high},
      {"divorce", motivation_level::high},          {"inheritance", motivation_level::high},
      {"growing_family", motivation_level::medium}, {"downsizing", motivation_level::medium},
      {"retirement", motivation_level::medium},     {"first_home", motivation_level::medium},
      {"something_else", motivation_level::medium}, {"investment", motivation_level::low},
      {"just_looking", motivation_level::low},
  };
  for (const auto& [reason, level] : cases) {
    INFO(reason);
    CHECK(motivation_for(reason) == level);
  }
}

TEST_CASE("weights without a component count zero and are reported", "[agents][scoring]") {
  auto settings = market_scoring();
  settings.frs_weights = {{"pre_approval", 0.5}, {"credit_score", 0.5}};
  CHECK(unknown_components(settings) == std::vector<std::string>{"frs_weights.credit_score"});
  CHECK(unknown_components(market_scoring()).empty());
  lead_facts f;
  f.pre_approved = true;
  CHECK(score_lead(f, settings).frs == Approx(50));
}

TEST_CASE("describe names the scores and components", "[agents][scoring]") {
  lead_facts f;
  f.pre_approved = true;
  const auto text = describe(score_lead(f, market_scoring()));
  CHECK(text.find("cold composite 17.5") == 0);
  CHECK(text.find("pre_approval 1.00") != std::string::npos);
  CHECK(text.find("PCS 0.0") != std::string::npos);
}
