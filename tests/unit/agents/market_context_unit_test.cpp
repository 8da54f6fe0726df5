#include "agents/market_context_unit.hpp"

#include "agents/cacheability.hpp"
#include "cache/key.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace agents = openhouse::agents;
namespace cfg = openhouse::config;

namespace {

cfg::market_row row(std::string place, std::int64_t median, int month = 3) {
  cfg::market_row r;
  r.place = std::move(place);
  r.year = 2027;
  r.month = month;
  r.median_price = median;
  r.price_per_sqft = 377.4;
  r.days_on_market = 26;
  r.inventory = 93;
  r.mom_change_pct = -0.6;
  return r;
}

cfg::market_config market() {
  cfg::market_config c;
  c.market.id = "test";
  c.market.name = "Test, CA";
  c.market.business_name = "Test Realty";
  c.llm.max_output_tokens = 200;
  return c;
}

openhouse::cache::cache_request request(const agents::market_place& asked, const cfg::market_row& r,
                                        std::string_view day, std::string_view version,
                                        std::string_view contact, std::string_view body) {
  openhouse::runtime::inbound_sms sms;
  sms.sid = "SM1";
  sms.from = std::string{contact};
  sms.body = std::string{body};
  return agents::build_market_context_request(market(), asked, r, day, version, contact, sms, {},
                                              true);
}

}  // namespace

TEST_CASE("prices are said short, months by name", "[agents][market_context]") {
  CHECK(agents::short_price(585'000) == "$585k");
  CHECK(agents::short_price(584'500) == "$585k");
  CHECK(agents::short_price(584'499) == "$584k");
  CHECK(agents::short_price(1'250'000) == "$1.25M");
  CHECK(agents::short_price(1'052'000) == "$1.05M");
  CHECK(agents::short_price(2'000'000) == "$2M");
  CHECK(agents::month_label(row("Brea", 1, 12)) == "Dec 2027");
}

TEST_CASE("the template sentence carries the data", "[agents][market_context]") {
  const auto r = row("Brea", 918'300);
  const auto s = agents::market_answer_sentence(r);
  CHECK(s.find("about $918k") != std::string::npos);
  CHECK(s.find("Mar 2027") != std::string::npos);
  CHECK(s.find("26 days") != std::string::npos);
  CHECK(s.find("down 0.6%") != std::string::npos);
  CHECK(agents::carries_data(s, r));
  CHECK(agents::market_data_line(r).find("median sale price: about $918k") != std::string::npos);
}

TEST_CASE("an answer must carry the median, about and the month", "[agents][market_context]") {
  const auto r = row("Brea", 918'300);
  CHECK(agents::carries_data("Brea homes went for about $918,300 in Mar 2027.", r));
  CHECK(agents::carries_data("About $918k was the median in Mar 2027.", r));
  CHECK_FALSE(agents::carries_data("Brea homes go for about $950k in Mar 2027.", r));
  CHECK_FALSE(agents::carries_data("Brea homes went for $918k in Mar 2027.", r));   // no "about"
  CHECK_FALSE(agents::carries_data("Brea homes went for about $918k lately.", r));  // no month
  CHECK_FALSE(agents::carries_data("Brea homes went for about $918k in Mar 2026.", r));
}

TEST_CASE("no data for a place says so and offers an agent", "[agents][market_context]") {
  const auto s = agents::no_market_data_answer(market(), "La Habra");
  CHECK(s.find("don't have") != std::string::npos);
  CHECK(s.find("La Habra") != std::string::npos);
  CHECK(s.find("An agent from Test Realty") != std::string::npos);
}

TEST_CASE("the unit is the market's, keyed by place, day and data version",
          "[agents][market_context]") {
  const agents::market_place brea{"Brea", "Brea", false};
  const auto r = row("Brea", 918'300);
  const auto a = request(brea, r, "2027-04-02", "v1", "+17145550101", "brea prices? - Dana");
  const auto& u = a.unit;
  CHECK(u.task == "market_context");
  CHECK(u.scope == openhouse::cache::scope::market);
  CHECK(u.market_id == "test");
  auto routed = u;
  routed.model = "m";  // the cache's router names the model
  CHECK_FALSE(openhouse::cache::validate(routed).has_value());
  // Nothing of the lead is in the prompt: not their words, not their name.
  for (const auto& m : a.call.request.messages) {
    CHECK(m.content.find("Dana") == std::string::npos);
  }
  CHECK(a.call.request.system.back().text == agents::market_data_line(r));
  const auto key = [](const openhouse::cache::cache_request& q) {
    auto u = q.unit;
    u.model = "m";
    return openhouse::cache::key_digest(u);
  };
  // Another lead, other words, same place and day: one entry.
  CHECK(key(request(brea, r, "2027-04-02", "v1", "+17145550102",
                    "what r homes going for in "
                    "brea")) == key(a));
  CHECK(key(request(brea, r, "2027-04-03", "v1", "+17145550101", "x")) != key(a));
  CHECK(key(request(brea, r, "2027-04-02", "v2", "+17145550101", "x")) != key(a));
  CHECK(key(request({"92821", "Brea", true}, r, "2027-04-02", "v1", "+17145550101", "x")) !=
        key(a));
}

TEST_CASE("answers written from the data are cacheable", "[agents][market_context]") {
  const agents::market_place brea{"Brea", "Brea", false};
  const auto r = row("Brea", 918'300);
  auto req = request(brea, r, "2027-04-02", "v1", "+17145550101", "x");
  req.unit.model = "m";
  const auto before = openhouse::cache::check_request(req.unit, req.question);
  CHECK(before.cacheable());
  const auto after = openhouse::cache::check_response(req.unit, agents::market_answer_sentence(r),
                                                      "end_turn", req.known_pii);
  INFO(after.reason);
  CHECK(after.cacheable());
  const auto sim = openhouse::cache::check_response(
      req.unit,
      "In Brea, the median home sold for about $918k in Mar 2027 (about $377 a square foot), after "
      "about 26 days on the market; 93 homes are for sale.",
      "end_turn", req.known_pii);
  INFO(sim.reason);
  CHECK(sim.cacheable());
}
