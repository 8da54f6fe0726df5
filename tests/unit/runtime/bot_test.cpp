// The bot actors on CAF's test coordinator: the real cache actor (no Redis)
// in front of a fake provider that records what each bot asked.

#include "runtime/bot.hpp"
#include "core/type_ids.hpp"
#include "runtime/llm_gateway.hpp"

#include <caf/all.hpp>
#include <caf/test/dsl.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace openhouse;
using namespace openhouse::runtime;

namespace {

struct test_config : caf::actor_system_config {
  test_config() { add_message_types<caf::id_block::openhouse>(); }
};

struct provider {
  std::vector<llm::messages_request> calls;
  std::string answer = "Happy to help.";
  bool fails = false;
};

gateway_actor::behavior_type fake_gateway(gateway_actor::pointer, std::shared_ptr<provider> p) {
  return {
      [p](complete_atom, const llm_call& call) -> caf::result<llm_answer> {
        p->calls.push_back(call.request);
        if (p->fails) {
          return make_error(gateway_errc::circuit_open, "provider down");
        }
        llm_answer answer;
        answer.model = call.request.model;
        answer.response.text = p->answer;
        answer.response.stop_reason = "end_turn";
        return answer;
      },
  };
}

std::shared_ptr<config::market_config> market() {
  auto cfg = std::make_shared<config::market_config>();
  cfg->market.id = "test";
  cfg->market.business_name = "Test Homes";
  cfg->llm.routing["reply"] = "claude-sonnet-4-6";
  cfg->bots.lead = {"You are Lea.", {{"Are you buying or selling?", "intent"}}};
  cfg->bots.buyer = {
      "You are Bo.",
      {{"Are you pre-approved?", "pre_approved"}, {"What's your budget?", "budget_usd"}}};
  cfg->bots.seller = {"You are Sam.", {{"What condition is the home in?", "condition"}}};
  return cfg;
}

struct fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<provider> seen = std::make_shared<provider>();
  std::shared_ptr<manual_clock> time = std::make_shared<manual_clock>();
  bot_team bots;

  fixture() {
    auto cfg = market();
    cache::cache_deps cd;
    cd.config = cfg;
    cd.time = time;
    cd.gateway = sys.spawn(fake_gateway, seen);
    bots = spawn_bots(sys, bot_deps{cfg, cache::spawn_cache(sys, cd)});
    sched.run();
  }

  /// Asks `bot` for its reply to `text` and runs the system until it answers.
  caf::expected<std::string> ask(agents::bot_kind bot, std::string text,
                                 std::string facts_json = "{}", std::string handed_from = {},
                                 std::string contact = "+19095551234") {
    bot_turn turn;
    turn.contact = std::move(contact);
    turn.inbound = {"SM" + std::to_string(seen->calls.size()), turn.contact, "+19095550100",
                    std::move(text), 0};
    turn.facts = agents::facts_from_json(facts_json);
    turn.handed_from = std::move(handed_from);
    turn.generations_verified = true;
    auto handle = self->request(bots.of(bot), caf::infinite, std::move(turn));
    sched.run();
    caf::expected<std::string> out{caf::error{}};
    handle.receive(
        [&](bot_reply& r) {
          out = std::move(r.text);
          last_unit = std::move(r.unit);
        },
        [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  agents::unit_provenance last_unit;  ///< where the last answer's reply unit came from
};

}  // namespace

TEST_CASE_METHOD(fixture, "each bot answers in its own persona and asks its own flow",
                 "[runtime][bots]") {
  struct row {
    agents::bot_kind bot;
    std::string persona;
    std::string reply;
  };
  const std::vector<row> rows{
      {agents::bot_kind::lead, "You are Lea.", "Happy to help. Are you buying or selling?"},
      {agents::bot_kind::buyer, "You are Bo.", "Happy to help. Are you pre-approved?"},
      {agents::bot_kind::seller, "You are Sam.", "Happy to help. What condition is the home in?"},
  };
  for (const auto& r : rows) {
    const auto calls = seen->calls.size();
    auto reply = ask(r.bot, "we want to move this year");
    REQUIRE(reply);
    CHECK(*reply == r.reply);
    // Same text, different bot: a different unit, so each bot's persona is asked.
    REQUIRE(seen->calls.size() == calls + 1);
    CHECK_THAT(seen->calls.back().system.front().text, Catch::StartsWith(r.persona));
  }
}

TEST_CASE_METHOD(fixture, "a bot skips the questions the lead's facts already answer",
                 "[runtime][bots]") {
  auto reply = ask(agents::bot_kind::buyer, "looking in Riverside", R"({"pre_approved": true})");
  REQUIRE(reply);
  CHECK(*reply == "Happy to help. What's your budget?");
}

TEST_CASE_METHOD(fixture, "the receiving bot of a handoff introduces itself", "[runtime][bots]") {
  auto reply = ask(agents::bot_kind::buyer, "I want to buy a 3bd", "{}", "lead");
  REQUIRE(reply);
  REQUIRE(seen->calls.size() == 1);
  REQUIRE(seen->calls[0].system.size() == 2);
  CHECK_THAT(seen->calls[0].system[1].text, Catch::Contains("from the lead assistant"));
}

TEST_CASE_METHOD(fixture, "one bot's answer to a PII-free text is shared by every lead",
                 "[runtime][bots]") {
  REQUIRE(ask(agents::bot_kind::seller, "thinking of selling", "{}", {}, "+19095551111"));
  REQUIRE(ask(agents::bot_kind::seller, "thinking of selling", "{}", {}, "+19095552222"));
  CHECK(seen->calls.size() == 1);
}

TEST_CASE_METHOD(fixture, "a bot's answer says where its reply unit came from",
                 "[runtime][bots][provenance]") {
  REQUIRE(ask(agents::bot_kind::buyer, "is it a good time to buy?", "{}", {}, "+19095551111"));
  CHECK(last_unit.task == "reply");
  CHECK(last_unit.outcome == "miss");
  CHECK(last_unit.source_sid.empty());
  CHECK(last_unit.model == "claude-sonnet-4-6");
  // The same text from another lead: the entry the first request filled.
  REQUIRE(ask(agents::bot_kind::buyer, "is it a good time to buy?", "{}", {}, "+19095552222"));
  CHECK(last_unit.outcome == "l1");
  CHECK(last_unit.source_sid == "SM0");  // the first request's inbound sid
  CHECK(last_unit.model == "claude-sonnet-4-6");
  CHECK(last_unit.cost_usd == 0);
}

TEST_CASE_METHOD(fixture, "a provider failure or an empty answer reaches the conversation",
                 "[runtime][bots]") {
  seen->fails = true;
  auto failed = ask(agents::bot_kind::lead, "hi there, selling soon");
  CHECK_FALSE(failed);
  seen->fails = false;
  seen->answer = "";
  auto empty = ask(agents::bot_kind::lead, "any homes with a pool?");
  REQUIRE(empty);
  CHECK(empty->empty());  // the conversation sends the fallback
}
