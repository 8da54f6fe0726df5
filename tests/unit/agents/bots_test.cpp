#include "agents/bots.hpp"

#include "agents/facts.hpp"
#include "config/market.hpp"
#include "core/messages.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using openhouse::agents::bot_kind;
using openhouse::agents::bot_system_prompt;
using openhouse::agents::finish_bot_reply;
using openhouse::agents::lead_facts;
using openhouse::config::market_config;
using openhouse::runtime::history_entry;

namespace {

market_config three_bots() {
  market_config cfg;
  cfg.market.business_name = "Test Homes";
  cfg.market.name = "Test Market";
  cfg.reply.max_chars = 160;
  cfg.bots.lead = {"You are Lea.", {{"Are you buying or selling?", "intent"}}};
  cfg.bots.buyer = {
      "You are Bo.",
      {{"Are you pre-approved?", "pre_approved"}, {"What's your budget?", "budget_usd"}}};
  cfg.bots.seller = {"You are Sam.", {{"What condition is the home in?", "condition"}}};
  return cfg;
}

}  // namespace

TEST_CASE("each bot speaks with its own persona and goal", "[agents][bots]") {
  const auto cfg = three_bots();
  const auto lead = bot_system_prompt(cfg, bot_kind::lead);
  const auto buyer = bot_system_prompt(cfg, bot_kind::buyer);
  const auto seller = bot_system_prompt(cfg, bot_kind::seller);
  CHECK_THAT(lead, Catch::StartsWith("You are Lea."));
  CHECK_THAT(buyer, Catch::StartsWith("You are Bo.") && Catch::Contains("scheduling a tour"));
  CHECK_THAT(seller, Catch::StartsWith("You are Sam.") && Catch::Contains("free valuation"));
}

TEST_CASE("a bot's reply is its answer, then the next question of its own flow", "[agents][bots]") {
  const auto cfg = three_bots();
  const std::vector<history_entry> none;
  struct row {
    bot_kind bot;
    bool pre_approved_known;
    std::string expected;
  };
  const std::vector<row> rows{
      {bot_kind::lead, false, "Happy to help. Are you buying or selling?"},
      {bot_kind::buyer, false, "Happy to help. Are you pre-approved?"},
      // A known fact's question is skipped (a "no" is known too).
      {bot_kind::buyer, true, "Happy to help. What's your budget?"},
      {bot_kind::seller, false, "Happy to help. What condition is the home in?"},
  };
  for (const auto& r : rows) {
    lead_facts facts;
    if (r.pre_approved_known) {
      facts.pre_approved = false;
    }
    CHECK(finish_bot_reply(cfg, r.bot, "Happy to help.", facts, none) == r.expected);
  }
}

TEST_CASE("a bot does not ask again what it asked in the recent history", "[agents][bots]") {
  const auto cfg = three_bots();
  const std::vector<history_entry> history{{"assistant", "Sure. Are you pre-approved?"},
                                           {"user", "not sure yet"}};
  CHECK(finish_bot_reply(cfg, bot_kind::buyer, "Got it.", {}, history) ==
        "Got it. What's your budget?");
}

TEST_CASE("an empty answer gives no reply; a long one is cut to the reply cap", "[agents][bots]") {
  const auto cfg = three_bots();
  CHECK(finish_bot_reply(cfg, bot_kind::buyer, "", {}, {}).empty());
  CHECK(finish_bot_reply(cfg, bot_kind::buyer, "   ", {}, {}).empty());
  const std::string long_answer(400, 'a');
  const auto reply = finish_bot_reply(cfg, bot_kind::buyer, long_answer, {}, {});
  CHECK(reply.size() <= cfg.reply.max_chars);
  CHECK_THAT(reply, Catch::EndsWith("Are you pre-approved?"));
}
