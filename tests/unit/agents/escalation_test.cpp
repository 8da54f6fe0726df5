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
    const auto d = check_escalation({c.text, 0, 0}, settings);
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
    const auto d = check_escalation({c.text, 0, 0}, settings);
    CHECK(d.reason == c.reason);
    CHECK(d.detail == c.detail);
  }
}

TEST_CASE("repeated unproductive turns escalate", "[agents][escalation]") {
  struct turns_case {
    int turns;
    int limit;
    bool escalates;
  };
  const std::vector<turns_case> cases{
      {0, 4, false}, {3, 4, false}, {4, 4, true},   {9, 4, true},
      {2, 2, true},  {1, 2, false}, {50, 0, false},
  };
  for (const auto& c : cases) {
    INFO(c.turns << " turns, limit " << c.limit);
    escalation_settings settings;
    settings.max_unproductive_turns = c.limit;
    const auto d = check_escalation({"ok", c.turns, 0}, settings);
    CHECK(d.escalates() == c.escalates);
    if (c.escalates) CHECK(d.reason == escalation_reason::unproductive);
  }
  CHECK(next_unproductive_turns(0, false) == 1);
  CHECK(next_unproductive_turns(3, false) == 4);
  CHECK(next_unproductive_turns(3, true) == 0);
  CHECK(next_unproductive_turns(-2, false) == 1);
}

TEST_CASE("escalation reasons have a priority and a human intent counts", "[agents][escalation]") {
  const escalation_settings settings;
  CHECK(check_escalation({"foreclosure, call me", 9, 0}, settings).reason ==
        escalation_reason::human_request);
  CHECK(check_escalation({"foreclosure", 9, 0}, settings).reason == escalation_reason::distress);
  CHECK(check_escalation({"hmm", 0, 0.85}, settings).reason == escalation_reason::human_request);
  CHECK(check_escalation({"hmm", 0, 0.8}, settings).reason == escalation_reason::human_request);
  CHECK(check_escalation({"hmm", 0, 0.79}, settings).reason == escalation_reason::none);

  escalation_settings custom;
  custom.distress_words = {"tax lien"};
  custom.human_phrases = {"manager"};
  CHECK(check_escalation({"there is a tax lien", 0, 0}, custom).detail == "tax lien");
  CHECK(check_escalation({"divorce", 0, 0}, custom).reason == escalation_reason::none);
  CHECK(check_escalation({"get me your manager", 0, 0}, custom).reason ==
        escalation_reason::human_request);
  CHECK(to_string(escalation_reason::distress) == "distress");
}

TEST_CASE("a market's escalation section extends the built-in lists", "[agents][escalation]") {
  openhouse::config::escalation_config cfg;
  cfg.distress_words = {"notice of default"};
  cfg.human_phrases = {"your manager"};
  cfg.max_unproductive_turns = 0;
  cfg.human_intent_threshold = 0.95;
  const auto settings = escalation_settings::from_config(cfg);
  const auto check = [&](std::string_view text, int unproductive = 0, double human = 0) {
    return check_escalation({text, unproductive, human}, settings);
  };
  CHECK(check("we got a notice of default last week").detail == "notice of default");
  CHECK(check("we are going through a divorce").reason == escalation_reason::distress);  // built in
  CHECK(check("put me through to your manager").reason == escalation_reason::human_request);
  CHECK(check("ok", 99).reason == escalation_reason::none);  // 0 turns: off
  CHECK(check("hmm", 0, 0.9).reason == escalation_reason::none);
  CHECK(check("hmm", 0, 0.95).reason == escalation_reason::human_request);
}
