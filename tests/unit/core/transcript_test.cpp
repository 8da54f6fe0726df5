#include "core/transcript.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace openhouse::agents;

namespace {

/// A lead with two answered turns (the second a shared-cache hit), a
/// follow-up and a turn that was never answered.
lead_transcript sample() {
  lead_transcript t;
  t.found = true;
  t.contact = "+17145550123";
  t.bot = "buyer";
  t.temperature = "warm";
  t.frs = 55;
  t.pcs = 40.5;
  t.facts_json = R"({"budget_usd": 610000})";

  turn_provenance first;
  first.bot = "buyer";
  first.answered_by = "bot";
  first.intent = "buyer";
  first.intent_confidence = 0.9;
  first.units = {{"intent", "miss", "", 0, "claude-haiku-4-5", 0.00021},
                 {"reply", "miss", "", 0, "claude-sonnet-4-6", 0.0031}};
  first.escalation = "none";
  first.handoff_reason = "handed_off";
  first.handoff_from = "lead";
  first.handoff_to = "buyer";
  first.frs = 55;
  first.pcs = 40.5;
  first.temperature = "warm";
  first.temperature_from = "cold";

  turn_provenance second;
  second.bot = "buyer";
  second.answered_by = "faq";
  second.units = {{"faq", "l3", "SMother-lead-7", 0.8766, "claude-sonnet-4-6", 0},
                  {"intent", "l1", "SMother-lead-6", 0, "claude-haiku-4-5", 0}};
  second.faq = "topic";
  second.faq_topic = "hoa_fees";
  second.faq_city = "Irvine";
  second.escalation = "none";
  second.handoff_reason = "no_bot_intent";
  second.temperature = "warm";

  t.turns = {
      {"SMa1", 1767600000000, "looking for a condo around 610k", true,
       "Happy to help! Are you pre-approved?", true, "buyer", 0, provenance_json(first)},
      {"SMa2", 1767600060000, "what are hoa fees like in irvine?", true,
       "They run about ... Are you pre-approved?", true, "buyer", 0, provenance_json(second)},
      {"", 1767690000000, "", false, "Still looking? Happy to help.", true, "follow_up", 1, ""},
      {"SMa3", 1767700000000, "hello?", true, "", false, "", 0, ""}};
  return t;
}

}  // namespace

TEST_CASE("a unit prints as task, tier, source and similarity, model and cost",
          "[agents][transcript]") {
  turn_provenance p;
  p.bot = "lead";
  p.units = {{"faq", "l3", "SMsrc", 0.8766, "claude-sonnet-4-6", 0},
             {"facts", "miss", "", 0, "claude-haiku-4-5", 0.00042},
             {"reply", "error", "", 0, "", 0}};
  const auto text = format_provenance(p, "  ");
  CHECK_THAT(text, Catch::Contains("faq l3 [SMsrc, 0.877] claude-sonnet-4-6 $0\n"));
  CHECK_THAT(text, Catch::Contains("facts miss claude-haiku-4-5 $0.00042\n"));
  CHECK_THAT(text, Catch::Contains("reply error\n"));  // no answer: no model, no cost
  // Every line carries the indent.
  std::size_t start = 0;
  while (start < text.size()) {
    CHECK(text.compare(start, 2, "  ") == 0);
    start = text.find('\n', start) + 1;
  }
}

TEST_CASE("the verdicts and the scores after the turn are one line each", "[agents][transcript]") {
  turn_provenance p;
  p.bot = "seller";
  p.answered_by = "escalation";
  p.compliance = "";
  p.opt_out = "unsure";
  p.opt_out_rule = "quit";
  p.escalation = "distress";
  p.escalation_detail = "distress: foreclosure";
  p.handoff_reason = "below_threshold";
  p.handoff_detail = "seller 0.55 < 0.7";
  p.frs = 12;
  p.pcs = 80.4;
  p.temperature = "warm";
  p.temperature_from = "hot";
  const auto text = format_provenance(p, "");
  CHECK_THAT(text, Catch::StartsWith("bot seller, reply by escalation\n"));
  CHECK_THAT(text, Catch::Contains("compliance ok; opt-out unsure (quit); escalation distress "
                                   "(distress: foreclosure); handoff none (below_threshold: "
                                   "seller 0.55 < 0.7)\n"));
  CHECK_THAT(text, Catch::EndsWith("after: FRS 12.0, PCS 80.4, warm (was hot)\n"));
}

TEST_CASE("the transcript shows each text, its reply and the reply's provenance in order",
          "[agents][transcript]") {
  const auto text = format_transcript(sample());
  CHECK_THAT(text, Catch::StartsWith("+17145550123: bot buyer, warm, FRS 55.0, PCS 40.5\n"
                                     "facts: {\"budget_usd\": 610000}\n"));
  const auto first = text.find("looking for a condo");
  const auto second = text.find("what are hoa fees");
  const auto follow = text.find("follow-up 1");
  const auto unanswered = text.find("(no reply stored)");
  REQUIRE(first != std::string::npos);
  CHECK(first < second);
  CHECK(second < follow);
  CHECK(follow < unanswered);
  CHECK_THAT(text, Catch::Contains("2026-01-05T08:00:00Z SMa1\n  lead says: looking for a condo"));
  CHECK_THAT(text, Catch::Contains("handoff lead -> buyer (handed_off)"));
  CHECK_THAT(text, Catch::Contains("faq l3 [SMother-lead-7, 0.877] claude-sonnet-4-6 $0"));
  CHECK_THAT(text, Catch::Contains("intent l1 [SMother-lead-6] claude-haiku-4-5 $0"));
  CHECK_THAT(text, Catch::Contains("faq by topic hoa_fees, Irvine"));
  CHECK_THAT(text, Catch::Contains("after: FRS 55.0, PCS 40.5, warm (was cold)"));
  CHECK_THAT(text, Catch::Contains("follow-up 1\n  follow_up bot: Still looking?"));
}

TEST_CASE("a reply stored before provenance existed says so", "[agents][transcript]") {
  lead_transcript t;
  t.found = true;
  t.contact = "+17145550999";
  t.turns = {{"SMold", 0, "hi", true, "Hello!", true, "lead", 0, ""}};
  CHECK_THAT(
      format_transcript(t),
      Catch::Contains("  lead says: hi\n  lead bot: Hello!\n      (no provenance recorded)"));
  // An opted-out lead's text is stored with an empty reply: nothing went out.
  t.turns.push_back({"SMlate", 1000, "one more thing", true, "", true, "lead", 0, ""});
  CHECK_THAT(format_transcript(t), Catch::Contains("  lead says: one more thing\n"
                                                   "  lead bot: (nothing sent)\n"));
  t.opted_out = true;
  t.muted = true;
  CHECK_THAT(format_transcript(t),
             Catch::StartsWith("+17145550999: bot lead, cold, FRS 0.0, PCS 0.0, opted out, muted"));
}

TEST_CASE("the transcript as JSON: state, turns, provenance objects", "[agents][transcript]") {
  const auto j = transcript_json(sample());
  CHECK(j["contact"] == "+17145550123");
  CHECK(j["state"]["bot"] == "buyer");
  CHECK(j["state"]["temperature"] == "warm");
  CHECK(j["state"]["opted_out"] == false);
  CHECK(j["state"]["facts"]["budget_usd"] == 610000);
  REQUIRE(j["turns"].size() == 4);
  const auto& hit = j["turns"][1];
  CHECK(hit["sid"] == "SMa2");
  CHECK(hit["at"] == "2026-01-05T08:01:00Z");
  CHECK(hit["inbound"] == "what are hoa fees like in irvine?");
  CHECK(hit["provenance"]["units"][0]["source_sid"] == "SMother-lead-7");
  CHECK(hit["provenance"]["faq"]["topic"] == "hoa_fees");
  const auto& follow_up = j["turns"][2];
  CHECK(follow_up["sid"].is_null());
  CHECK(follow_up["inbound"].is_null());
  CHECK(follow_up["follow_up"] == 1);
  CHECK(follow_up["provenance"].is_null());
  const auto& unanswered = j["turns"][3];
  CHECK(unanswered["reply"].is_null());
  CHECK(unanswered["provenance"].is_null());
}

TEST_CASE("unreadable stored facts show as an empty object", "[agents][transcript]") {
  lead_transcript t;
  t.found = true;
  t.facts_json = "{broken";
  CHECK(transcript_json(t)["state"]["facts"] == nlohmann::json::object());
}

TEST_CASE("timestamps print in UTC to the second", "[agents][transcript]") {
  CHECK(utc_timestamp(0) == "1970-01-01T00:00:00Z");
  CHECK(utc_timestamp(1767600000999) == "2026-01-05T08:00:00Z");
}
