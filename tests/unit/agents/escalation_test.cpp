#include "agents/escalation.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace openhouse::agents;

namespace {

struct escalation_case {
  std::string text;
  escalation_reason reason;
  std::string detail;
};

}  // namespace

TEST_CASE("explicit requests for a person escalate", "[agents][escalation]") {
  const std::vector<escalation_case> cases{
      {"Can I talk to a human?", escalation_reason::human_request, "talk to human"},
      {"I'd like to speak with an agent please", escalation_reason::human_request,
       "speak with agent"},
      {"let me talk to one of your agents", escalation_reason::human_request, "talk to agent"},
      {"I want to talk to a real person", escalation_reason::human_request, "talk to person"},
      {"is this a bot? real person please", escalation_reason::human_request, "real person"},
      {"Call me at 5pm", escalation_reason::human_request, "call me"},
      {"can someone give me a call", escalation_reason::human_request, "give me call"},
      {"HUMAN PLEASE", escalation_reason::human_request, "human please"},
      // not requests
      {"Please don't call me, text only", escalation_reason::none, ""},
      {"do not call me", escalation_reason::none, ""},
      {"I already have an agent", escalation_reason::none, ""},
      {"We're looking for a 3 bed in Riverside", escalation_reason::none, ""},
      {"my husband is a real estate agent", escalation_reason::none, ""},
      {"", escalation_reason::none, ""},
  };
  const escalation_settings settings;
  for (const auto& c : cases) {
    INFO(c.text);
    const auto d = check_escalation({c.text, 0, 0, false}, settings);
    CHECK(d.reason == c.reason);
    CHECK(d.detail == c.detail);
    CHECK(d.escalates() == (c.reason != escalation_reason::none));
  }
}

TEST_CASE("legal and financial distress words escalate, as whole words", "[agents][escalation]") {
  const std::vector<escalation_case> cases{
      {"We're facing foreclosure", escalation_reason::distress, "foreclosure"},
      {"FORECLOSURE notice came today", escalation_reason::distress, "foreclosure"},
      {"it's a pre-foreclosure", escalation_reason::distress, "foreclosure"},
      {"we filed for bankruptcy last year", escalation_reason::distress, "bankruptcy"},
      {"the house is in probate", escalation_reason::distress, "probate"},
      {"going through a divorce", escalation_reason::distress, "divorce"},
      {"my attorney said to sell", escalation_reason::distress, "attorney"},
      {"Our lawyer will handle it", escalation_reason::distress, "lawyer"},
      {"there's a lawsuit on the property", escalation_reason::distress, "lawsuit"},
      {"tenant eviction pending", escalation_reason::distress, "eviction"},
      {"could we do a short-sale?", escalation_reason::distress, "short sale"},
      {"we got a notice of default", escalation_reason::distress, "notice of default"},
      // not whole words / not distress
      {"Probates? no", escalation_reason::none, ""},
      {"I love short sales of stocks", escalation_reason::none, ""},
      {"lawyering up is not needed", escalation_reason::none, ""},
      {"the sale is short notice", escalation_reason::none, ""},
      {"Sunday open house?", escalation_reason::none, ""},
  };
  const escalation_settings settings;
  for (const auto& c : cases) {
    INFO(c.text);
    const auto d = check_escalation({c.text, 0, 0, false}, settings);
    CHECK(d.reason == c.reason);
    CHECK(d.detail == c.detail);
  }
}

namespace {

/// Plays a lead's texts through the rules as the conversation does: the
/// confused-turn count, then the decision. The first escalation, or none.
escalation_decision play(const std::vector<std::string>& texts,
                         const escalation_settings& settings) {
  std::vector<std::string> earlier;
  int confused = 0;
  for (const auto& text : texts) {
    confused =
        next_confusion_turns(confused, confusion_of(text, earlier) != confusion_signal::none);
    auto d = check_escalation({text, 0, confused, false}, settings);
    if (d.escalates()) return d;
    earlier.push_back(text);
  }
  return {};
}

}  // namespace

TEST_CASE("questions, answers and thanks never mute, however many in a row",
          "[agents][escalation]") {
  // A curious lead: ten general questions, each thanked, no new fact at all.
  const std::vector<std::string> questions{
      "how much earnest money do buyers usually put down?",
      "who pays the title insurance out here",
      "what's a typical closing cost percentage",
      "do you charge buyers anything",
      "how long does an appraisal take",
      "is a home warranty worth it?",
      "what does the inspection cover",
      "can i back out after the inspection",
      "what are mello-roos taxes exactly",
      "how does a contingent offer work?",
  };
  std::vector<std::string> texts;
  for (const auto& q : questions) {
    texts.push_back(q);
    texts.push_back("thanks!");
  }
  texts.insert(texts.end(), {"ok", "got it", "cool, appreciate it", "thank you so much",
                             "sounds good", "yes", "no", "maybe later"});
  escalation_settings settings;
  for (const int limit : {1, 2, 3}) {
    INFO("confusion_turns " << limit);
    settings.confusion_turns = limit;
    const auto d = play(texts, settings);
    CHECK_FALSE(d.escalates());
    CHECK(d.reason == escalation_reason::none);
  }
}

TEST_CASE("a request for a person mutes on any turn, whatever came before",
          "[agents][escalation]") {
  escalation_settings settings;
  settings.confusion_turns = 0;
  const auto d = play({"what's the commission", "thanks", "how long is escrow", "great",
                       "can I speak with someone on your team please"},
                      settings);
  CHECK(d.reason == escalation_reason::human_request);
  CHECK(check_escalation({"ok thanks", 0.92, 0, false}, settings).reason ==
        escalation_reason::human_request);
}

TEST_CASE("bare what-type texts read as confusion", "[agents][escalation][confusion]") {
  const std::vector<std::string> confused{
      "what?",
      "WHAT",
      "wut??",
      "huh",
      "Huh?!",
      "sorry what?",
      "umm what",
      "come again?",
      "say that again?",
      "??",
      "?",
      "I don't understand",
      "i dont get it",
      "im lost",
      "I’m confused",
      "you lost me",
      "what do you mean?",
      "wdym",
      "wait what do u mean",
      "that makes no sense",
      "what now?",
      "pardon?",
      "what was that??",
      "huh 🤔",
  };
  for (const auto& text : confused) {
    INFO(text);
    CHECK(confusion_of(text, {}) == confusion_signal::bare);
  }
}

TEST_CASE("complaints about the bot read as confusion", "[agents][escalation][confusion]") {
  const std::vector<std::string> complaints{
      "that's not what I asked",
      "no, that is not what i was asking",
      "you're not answering my question",
      "u didnt answer my question",
      "that doesn't answer the question",
      "I already told you that, 3 bedrooms",
      "i just told you my budget",
      "I already said we're pre approved",
      "you already asked me that",
      "why do you keep asking the same thing",
      "stop repeating yourself",
      "are you even reading my texts?",
      "did you read my message",
      "am I talking to a bot?",
      "is this an automated thing",
      "you don't understand what I want",
      "that’s not correct, I said Fontana",
      "wrong answer lol",
      "this bot is useless",
      "what are you talking about, I asked about HOA fees",
      "I never asked about condos",
  };
  for (const auto& text : complaints) {
    INFO(text);
    CHECK(confusion_of(text, {}) == confusion_signal::complaint);
  }
}

TEST_CASE("ordinary questions, answers and thanks are not confusion",
          "[agents][escalation][confusion]") {
  const std::vector<std::string> ordinary{
      "what's the HOA on that one?",
      "what about Rialto?",
      "What time works for a showing Saturday",
      "what do you charge to list",
      "What is escrow",
      "I get it, thanks",
      "ok makes sense",
      "that makes sense, thank you",
      "not what I expected but ok",
      "a condo is not what we want",
      "I already have a lender",
      "we just sold our last place",
      "I told my wife about it",
      "you asked about our timeline: about 6 months",
      "can you read me the listing details",
      "hmm",
      "ok",
      "hello?",
      "thanks!",
      "yes",
      "no",
      "lol",
      "wait, is the garage attached?",
      "sorry, I meant 2 bathrooms not 3",
      "",
  };
  for (const auto& text : ordinary) {
    INFO(text);
    CHECK(confusion_of(text, {}) == confusion_signal::none);
  }
}

TEST_CASE("the same question again reads as confusion; short repeats do not",
          "[agents][escalation][confusion]") {
  const std::vector<std::string> earlier{"How much are closing costs in Corona?",
                                         "we want to move by spring", "ok", "yes please"};
  // Equal once folded, nearly equal, or with a typo.
  CHECK(confusion_of("how much are closing costs in corona", earlier) == confusion_signal::repeat);
  CHECK(confusion_of("HOW MUCH ARE CLOSING COSTS IN CORONA???", earlier) ==
        confusion_signal::repeat);
  CHECK(confusion_of("so how much are closing costs in Corona?", earlier) ==
        confusion_signal::repeat);
  CHECK(confusion_of("how much are closng costs in corona?", earlier) == confusion_signal::repeat);
  // A different city, a different question, or too short to tell.
  CHECK(confusion_of("how much are closing costs in Ontario?", earlier) == confusion_signal::none);
  CHECK(confusion_of("how long is escrow in Corona?", earlier) == confusion_signal::none);
  CHECK(confusion_of("ok", earlier) == confusion_signal::none);
  CHECK(confusion_of("yes please", earlier) == confusion_signal::none);
  CHECK(confusion_of("How much are closing costs in Corona?", {}) == confusion_signal::none);
  // Thanks or an answer said twice is engagement: only a question asked again counts.
  const std::vector<std::string> said{"ok thank you so much", "we are still deciding on the area",
                                      "what school district is it in"};
  CHECK(confusion_of("Ok thank you so much!", said) == confusion_signal::none);
  CHECK(confusion_of("we are still deciding on the area", said) == confusion_signal::none);
  CHECK(confusion_of("what school district is it in", said) == confusion_signal::repeat);
  CHECK(confusion_of("also what school district is it in", said) == confusion_signal::repeat);
}

TEST_CASE("confusion mutes after confusion_turns texts in a row, never when 0",
          "[agents][escalation][confusion]") {
  const std::vector<std::string> stuck{"is the pool heated?", "huh?", "that's not what I asked",
                                       "is the pool heated?"};
  escalation_settings settings;
  settings.confusion_turns = 3;
  const auto d = play(stuck, settings);
  CHECK(d.reason == escalation_reason::confusion);
  CHECK(d.detail == "3 confused texts in a row");

  settings.confusion_turns = 4;
  CHECK_FALSE(play(stuck, settings).escalates());

  settings.confusion_turns = 0;
  std::vector<std::string> endless;
  for (int i = 0; i < 12; ++i) endless.emplace_back(i % 2 == 0 ? "what??" : "you're not listening");
  CHECK_FALSE(play(endless, settings).escalates());

  // Any other text starts the count again.
  settings.confusion_turns = 2;
  CHECK_FALSE(
      play({"huh", "oh I see, thanks", "what?", "ok, and the HOA?", "huh?"}, settings).escalates());
  CHECK(play({"huh", "what do you mean"}, settings).reason == escalation_reason::confusion);

  CHECK(next_confusion_turns(0, true) == 1);
  CHECK(next_confusion_turns(2, true) == 3);
  CHECK(next_confusion_turns(5, false) == 0);
  CHECK(next_confusion_turns(-3, true) == 1);
}

TEST_CASE("a lead becoming Hot mutes only when the market says so", "[agents][escalation]") {
  escalation_settings settings;
  CHECK_FALSE(
      check_escalation({"we can close in 30 days, cash", 0, 0, true}, settings).escalates());
  settings.mute_on_hot = true;
  const auto d = check_escalation({"we can close in 30 days, cash", 0, 0, true}, settings);
  CHECK(d.reason == escalation_reason::hot_lead);
  CHECK_FALSE(
      check_escalation({"we can close in 30 days, cash", 0, 0, false}, settings).escalates());
  CHECK(to_string(escalation_reason::hot_lead) == "hot_lead");

  const auto note = hot_lead_note(88, 81, "pre-approved, moving in 30 days", "cash, 30 days");
  CHECK_THAT(note, Catch::Contains("Hot lead (FRS 88, PCS 81)"));
  CHECK_THAT(note, Catch::Contains("pre-approved, moving in 30 days"));
  CHECK_THAT(note, Catch::Contains("\"cash, 30 days\""));
}

TEST_CASE("escalation reasons have a priority and a human intent counts", "[agents][escalation]") {
  escalation_settings settings;
  settings.mute_on_hot = true;
  CHECK(check_escalation({"foreclosure, call me", 0, 9, true}, settings).reason ==
        escalation_reason::human_request);
  CHECK(check_escalation({"foreclosure", 0, 9, true}, settings).reason ==
        escalation_reason::distress);
  CHECK(check_escalation({"what?", 0, 9, true}, settings).reason == escalation_reason::confusion);
  CHECK(check_escalation({"hmm", 0.85, 0, false}, settings).reason ==
        escalation_reason::human_request);
  CHECK(check_escalation({"hmm", 0.8, 0, false}, settings).reason ==
        escalation_reason::human_request);
  CHECK(check_escalation({"hmm", 0.79, 0, false}, settings).reason == escalation_reason::none);

  escalation_settings custom;
  custom.distress_words = {"tax lien"};
  custom.human_phrases = {"manager"};
  CHECK(check_escalation({"there is a tax lien", 0, 0, false}, custom).detail == "tax lien");
  CHECK(check_escalation({"divorce", 0, 0, false}, custom).reason == escalation_reason::none);
  CHECK(check_escalation({"get me your manager", 0, 0, false}, custom).reason ==
        escalation_reason::human_request);
  CHECK(to_string(escalation_reason::distress) == "distress");
  CHECK(to_string(confusion_signal::repeat) == "repeat");
}

TEST_CASE("a muted lead's holding reply is due once per hold_reply_every", "[agents][escalation]") {
  using namespace std::chrono_literals;
  constexpr std::int64_t hour = 3'600'000;
  constexpr std::int64_t t0 = 1'767'600'000'000;
  CHECK(holding_reply_due(0, t0, 4h));             // none since the mute
  CHECK_FALSE(holding_reply_due(t0, t0 + 1, 4h));  // just sent
  CHECK_FALSE(holding_reply_due(t0, t0 + 4 * hour - 1, 4h));
  CHECK(holding_reply_due(t0, t0 + 4 * hour, 4h));
  CHECK(holding_reply_due(t0, t0 + 30 * hour, 4h));
  CHECK_FALSE(holding_reply_due(0, t0, 0ms));  // 0: never
  CHECK_FALSE(holding_reply_due(t0, t0 + 99 * hour, 0ms));
  CHECK(holding_reply("Test Homes") ==
        "Thanks \u2014 an agent from Test Homes has your message and will text you shortly.");
}

TEST_CASE("a market's escalation section extends the built-in lists", "[agents][escalation]") {
  using namespace std::chrono_literals;
  openhouse::config::escalation_config cfg;
  cfg.distress_words = {"notice of default"};
  cfg.human_phrases = {"your manager"};
  cfg.human_intent_threshold = 0.95;
  cfg.confusion_turns = 0;
  cfg.mute_on_hot = true;
  cfg.hold_reply_every = 30min;
  const auto settings = escalation_settings::from_config(cfg);
  const auto check = [&](std::string_view text, double human = 0, int confused = 0) {
    return check_escalation({text, human, confused, false}, settings);
  };
  CHECK(check("we got a notice of default last week").detail == "notice of default");
  CHECK(check("we are going through a divorce").reason == escalation_reason::distress);  // built in
  CHECK(check("put me through to your manager").reason == escalation_reason::human_request);
  CHECK(check("what?", 0, 99).reason == escalation_reason::none);  // 0 turns: off
  CHECK(check("hmm", 0.9).reason == escalation_reason::none);
  CHECK(check("hmm", 0.95).reason == escalation_reason::human_request);
  CHECK(settings.mute_on_hot);
  CHECK(settings.hold_reply_every == 30min);
  CHECK(settings.confusion_turns == 0);
}
