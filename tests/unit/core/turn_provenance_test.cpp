#include "core/turn_provenance.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace openhouse::agents;

namespace {

/// A turn that did a bit of everything: a cached intent, a semantic FAQ hit,
/// a paid facts call, a handoff and a temperature change.
turn_provenance busy_turn() {
  turn_provenance p;
  p.bot = "seller";
  p.answered_by = "faq";
  p.intent = "seller";
  p.intent_confidence = 0.81;
  p.units = {{"intent", "l2", "SMsource-intent", 0, "claude-haiku-4-5", 0},
             {"facts", "miss", "", 0, "claude-haiku-4-5", 0.000412},
             {"faq", "l3", "SMsource-faq", 0.913, "claude-sonnet-4-6", 0}};
  p.faq = "topic";
  p.faq_topic = "closing_costs";
  p.faq_city = "Corona";
  p.opt_out = "unsure";
  p.opt_out_rule = "cancel";
  p.escalation = "none";
  p.handoff_reason = "handed_off";
  p.handoff_detail = "seller 0.81 >= 0.7";
  p.handoff_from = "lead";
  p.handoff_to = "seller";
  p.frs = 41.5;
  p.pcs = 63.25;
  p.temperature = "warm";
  p.temperature_from = "cold";
  return p;
}

}  // namespace

TEST_CASE("a turn's provenance survives its JSON unchanged", "[agents][provenance]") {
  const auto p = busy_turn();
  const auto text = provenance_json(p);
  const auto back = parse_provenance(text);
  REQUIRE(back);
  CHECK(*back == p);
  // Stored as one line (one column of the outbound row).
  CHECK(text.find('\n') == std::string::npos);
}

TEST_CASE("the provenance JSON groups the verdicts and the scores after the turn",
          "[agents][provenance]") {
  const auto j = nlohmann::json::parse(provenance_json(busy_turn()));
  CHECK(j["bot"] == "seller");
  CHECK(j["answered_by"] == "faq");
  REQUIRE(j["units"].size() == 3);
  CHECK(j["units"][2]["task"] == "faq");
  CHECK(j["units"][2]["outcome"] == "l3");
  CHECK(j["units"][2]["source_sid"] == "SMsource-faq");
  CHECK(j["units"][2]["similarity"].get<double>() == Approx(0.913));
  CHECK(j["units"][1]["cost_usd"].get<double>() == Approx(0.000412));
  CHECK(j["faq"] ==
        nlohmann::json{{"by", "topic"}, {"topic", "closing_costs"}, {"city", "Corona"}});
  CHECK(j["opt_out"]["verdict"] == "unsure");
  CHECK(j["escalation"]["verdict"] == "none");
  CHECK(j["handoff"]["from"] == "lead");
  CHECK(j["handoff"]["to"] == "seller");
  CHECK(j["after"]["temperature"] == "warm");
  CHECK(j["after"]["temperature_from"] == "cold");
  CHECK(j["after"]["pcs"].get<double>() == Approx(63.25));
}

TEST_CASE("reading provenance tolerates missing groups and wrong types", "[agents][provenance]") {
  // A row written by an older build, or by hand: what is there is read.
  const auto p = parse_provenance(R"({"bot": "buyer", "units": [{"task": "reply",
      "outcome": "l1", "source_sid": "SMx"}, 7], "after": {"frs": "high", "pcs": 12}})");
  REQUIRE(p);
  CHECK(p->bot == "buyer");
  REQUIRE(p->units.size() == 1);
  CHECK(p->units[0].source_sid == "SMx");
  CHECK(p->units[0].cost_usd == 0);
  CHECK(p->frs == 0);  // not a number: the default
  CHECK(p->pcs == 12);
  CHECK(p->opt_out == "none");
  CHECK(p->escalation.empty());
}

TEST_CASE("no provenance is read from an empty or non-object text", "[agents][provenance]") {
  CHECK_FALSE(parse_provenance(""));
  CHECK_FALSE(parse_provenance("[1, 2]"));
  CHECK_FALSE(parse_provenance("{not json"));
}

TEST_CASE("a detail quoting a broken byte still makes valid JSON", "[agents][provenance]") {
  turn_provenance p;
  p.escalation = "distress";
  p.escalation_detail = std::string{"lost my job \xff"};
  const auto text = provenance_json(p);
  const auto j = nlohmann::json::parse(text);  // would throw on invalid UTF-8
  CHECK(j["escalation"]["verdict"] == "distress");
}
