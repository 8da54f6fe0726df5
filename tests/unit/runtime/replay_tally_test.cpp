// The replay's bookkeeping of turns and CRM changes, fed made-up results in
// trace order: duplicates, opt-outs (the runtime's and the labels'), texts
// left unanswered, what replies ask, and the generations known per turn.

#include "runtime/replay_tally.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <unordered_set>

using openhouse::runtime::crm_result;
using openhouse::runtime::replay_tally;
using openhouse::runtime::trace_event;
using openhouse::runtime::turn_result;

namespace {

trace_event text(const std::string& sid, const std::string& from = "+19515550142") {
  trace_event e;
  e.type = "sms";
  e.sid = sid;
  e.from = from;
  e.to = "+19515550999";
  e.body = "anything";
  return e;
}

turn_result answered(const std::string& reply, const std::string& compliance = "") {
  turn_result r;
  r.reply = reply;
  r.compliance = compliance;
  return r;
}

/// One SMS through the tally, as the replay drives it.
void deliver(replay_tally& t, const trace_event& e, const std::optional<turn_result>& result,
             std::int64_t now_ms = 0) {
  const bool repeated = t.begin_sms(e);
  t.end_sms(e, repeated, result, now_ms, 1.0);
}

}  // namespace

TEST_CASE(
    "a redelivered sid is a duplicate delivery, and a second new text for it a duplicate "
    "reply",
    "[runtime][replay]") {
  replay_tally t;
  deliver(t, text("SMa"), answered("Glad to help with that."));
  auto again = answered("The stored answer.");
  again.duplicate = true;
  deliver(t, text("SMa"), again);
  CHECK(t.counts().messages == 2);
  CHECK(t.counts().duplicate_deliveries == 1);
  CHECK(t.counts().duplicate_replies == 0);
  CHECK(t.counts().replies == 2);

  deliver(t, text("SMa"), answered("A fresh text for the same message."));
  CHECK(t.counts().duplicate_replies == 1);
  // Only first deliveries are asked to be answered.
  CHECK(t.counts().answerable_inbound == 1);
}

TEST_CASE("opt-outs are counted by rule and any later text to the lead is counted against it",
          "[runtime][replay]") {
  replay_tally t;
  deliver(t, text("SM1"), answered("You're unsubscribed.", "opt_out"), 1000);
  deliver(t, text("SM2", "+19515550177"), answered("Unsubscribed.", "opt_out:plain_words"), 1500);
  CHECK(t.counts().opt_outs == 2);
  CHECK(t.counts().opt_outs_by_rule.at("keyword") == 1);
  CHECK(t.counts().opt_outs_by_rule.at("plain_words") == 1);
  CHECK(t.counts().messages_after_opt_out == 0);

  deliver(t, text("SM3"), answered("Here are three new listings."), 2000);
  CHECK(t.counts().messages_after_opt_out == 1);

  deliver(t, text("SM4"), answered("Welcome back.", "opt_in"), 3000);
  deliver(t, text("SM5"), answered("Sure, Tuesday works."), 4000);
  CHECK(t.counts().messages_after_opt_out == 1);

  const auto& history = t.opt_history().at("+19515550142");
  REQUIRE(history.size() == 2);
  CHECK(history[0] == std::pair<std::int64_t, bool>{1000, true});
  CHECK(history[1] == std::pair<std::int64_t, bool>{3000, false});
  // An opt-out answered by nothing is not an unanswered text.
  CHECK(t.counts().unanswered_inbound == 0);
  CHECK(t.counts().answerable_inbound == 3);
}

TEST_CASE(
    "a labelled opt-out the runtime answered like any text is missed, and so are later "
    "texts",
    "[runtime][replay]") {
  replay_tally t{std::unordered_set<std::string>{"SMx", "SMy"}};
  deliver(t, text("SMx"), answered("Which neighbourhood do you like?"));
  CHECK(t.counts().opt_outs_missed == 1);
  CHECK(t.counts().opt_outs_labelled == 1);
  CHECK(t.counts().messages_after_opt_out == 1);
  deliver(t, text("SMz"), answered("One more thing."));
  CHECK(t.counts().messages_after_opt_out == 2);

  // Honoured: labelled, not missed.
  deliver(t, text("SMy", "+19515550188"), answered("Unsubscribed.", "opt_out"));
  CHECK(t.counts().opt_outs_labelled == 2);
  CHECK(t.counts().opt_outs_missed == 1);
  CHECK(t.labelled());
  CHECK_FALSE(replay_tally{}.labelled());
}

TEST_CASE("texts left without a reply count unless the lead opted out or waits for a person",
          "[runtime][replay]") {
  replay_tally t;
  deliver(t, text("SM1"), answered(""));
  deliver(t, text("SM2"), std::nullopt);  // the turn failed
  CHECK(t.counts().unanswered_inbound == 2);
  CHECK(t.counts().failed_turns == 1);

  auto escalated = answered("");
  escalated.escalation = "human_request";
  escalated.muted = true;
  deliver(t, text("SM3", "+19515550160"), escalated);
  deliver(t, text("SM4", "+19515550160"), [] {
    auto r = answered("");
    r.compliance = "muted";
    r.muted = true;
    return r;
  }());
  deliver(t, text("SM5", "+19515550161"), answered("", "suppressed"));
  CHECK(t.counts().unanswered_inbound == 2);
  CHECK(t.counts().answerable_inbound == 2);
  CHECK(t.counts().escalations.at("human_request") == 1);
  CHECK(t.muted_for().at("+19515550160") == "human_request");
}

TEST_CASE("a muted lead released by the CRM is no longer muted; failed CRM changes are counted",
          "[runtime][replay]") {
  replay_tally t;
  auto distress = answered("An agent will reach out.");
  distress.escalation = "distress";
  deliver(t, text("SM1"), distress);
  REQUIRE(t.muted_for().size() == 1);

  trace_event tag;
  tag.type = "crm_tag";
  tag.contact = "+19515550142";
  crm_result released;
  released.released = true;
  t.crm_change(tag, released);
  CHECK(t.muted_for().empty());
  CHECK(t.counts().crm_tags_applied == 1);

  trace_event update;
  update.type = "crm_update";
  update.contact = "+19515550142";
  crm_result partly;
  partly.fields_rejected = {"budget", "beds"};
  partly.person_temperature = true;
  t.crm_change(update, partly);
  t.crm_change(update, std::nullopt);
  CHECK(t.counts().crm_updates_applied == 1);
  CHECK(t.counts().crm_updates_not_applied == 1);
  CHECK(t.counts().crm_fields_rejected == 2);
  CHECK(t.counts().crm_person_temperatures == 1);
}

TEST_CASE("a reply asking twice, or asking what the lead's facts already hold, is counted",
          "[runtime][replay]") {
  replay_tally t;
  deliver(t, text("SM1"),
          answered("Nice area. Are you pre-approved? And when do you plan to move?"));
  CHECK(t.counts().multi_question_replies == 1);

  auto knows_budget = answered("Great choice. What price range are you shopping in?");
  knows_budget.facts.budget_usd = 650000;
  deliver(t, text("SM2"), knows_budget);
  CHECK(t.counts().known_fact_questions == 1);

  auto new_fact = answered("Great choice. What price range are you shopping in?");
  new_fact.facts.bedrooms = 3;
  deliver(t, text("SM3"), new_fact);
  CHECK(t.counts().known_fact_questions == 1);
  CHECK(t.counts().multi_question_replies == 1);
}

TEST_CASE("each first delivery records the contact generation known before it",
          "[runtime][replay]") {
  replay_tally t;
  t.generation_read("+19515550142", 3);
  t.generation_read("+19515550142", 2);  // an older read never lowers it
  deliver(t, text("SM1"), answered("ok"));
  t.generation_read("+19515550142", 5);
  deliver(t, text("SM1"), answered("ok"));  // a duplicate keeps the first
  deliver(t, text("SM2", "+19515550199"), answered("ok"));
  CHECK(t.known_at_turn().at("SM1") == 3);
  CHECK(t.known_at_turn().at("SM2") == 0);
  CHECK(t.leads() == 2);
  CHECK(t.latencies_ms().size() == 3);

  t.follow_up_tick(2, false);
  t.follow_up_tick(0, true);
  CHECK(t.counts().follow_ups_written == 2);
  CHECK(t.counts().follow_up_ticks_held == 1);
}
