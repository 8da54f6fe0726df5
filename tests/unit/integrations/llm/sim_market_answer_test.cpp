#include "agents/market_context_unit.hpp"
#include "integrations/llm/sim_answers.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

openhouse::config::market_row row() {
  openhouse::config::market_row r;
  r.place = "Placentia";
  r.year = 2027;
  r.month = 5;
  r.median_price = 1'118'000;
  r.price_per_sqft = 611;
  r.days_on_market = 19;
  r.inventory = 57;
  r.mom_change_pct = 2.2;
  return r;
}

}  // namespace

TEST_CASE("the simulator answers a market prompt from its data line",
          "[llm][sim][market_context]") {
  openhouse::config::market_config cfg;
  cfg.market.id = "test";
  cfg.market.business_name = "Test Realty";
  cfg.llm.max_output_tokens = 200;
  openhouse::runtime::inbound_sms sms;
  sms.sid = "SM9";
  const auto req = openhouse::agents::build_market_context_request(
      cfg, {"92870", "Placentia", true}, row(), "2027-06-01", "v", "+17145550109", sms, {}, true);
  std::string system;
  for (const auto& block : req.call.request.system) system += block.text + "\n";
  const auto answer =
      openhouse::llm::sim::market_answer(system, req.call.request.messages.back().content);
  CHECK(answer.find("about $1.12M") != std::string::npos);
  CHECK(answer.find("May 2027") != std::string::npos);
  CHECK(answer.find("19 days") != std::string::npos);
  CHECK(openhouse::agents::carries_data(answer, row()));
  // Another row, another answer: it reads the prompt, it knows no figures.
  auto other = row();
  other.median_price = 640'000;
  const auto again = openhouse::llm::sim::market_answer(openhouse::agents::market_data_line(other),
                                                        "Summarise the market.");
  CHECK(again.find("about $640k") != std::string::npos);
  // No data line: the simulator's ordinary reply, no figure.
  CHECK(openhouse::llm::sim::market_answer("no data here", "hi").find('$') == std::string::npos);
}
