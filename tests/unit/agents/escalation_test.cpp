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
      "idk",
      "I don't know",
      "no idea honestly",
      // Asking for a lost message again is not confusion about the bot.
      "I lost your last message, can you send it again?",
      "can you repeat what you said about the HOA",
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

// Written after the rules, as a check that they generalise. First batch on
// its first run: 8 of 28 missed, none of 29 flagged (then elongations,
// "even", "like I told you", "read my last text", "I never said that");
// second batch, written after that: 10 of 20 missed, none of 20 flagged
// (then intensifiers between a complaint's words, trailing "rn"/"there",
// "asking me that again", "in circles", "are you human", "I told you that",
// "I asked about", "no, wrong"); third batch, written after that: 16 of 20
// missed, none of 20 flagged (then the general form of a bare "what?" and
// complaint families: ignoring, "not an answer", repeating, "N times").
// fourth batch: 12 of 20 missed, none of 20 flagged (then a clause of its
// own may be a bare "I'm lost"/"not following" or "that's not right",
// "asking again", "the third time you asked", "idk what you're asking",
// "doesn't help", "a different question", "Again: ..."). All pass now but
// two: they are no longer a blind test, the figures above are; the next
// test case is.
TEST_CASE("confusion rules on phrasings written after them", "[agents][escalation][confusion]") {
  const std::vector<std::string> confused{
      "wat",
      "Huh??? ",
      "sorry come again",
      "I'm not following",
      "ummm what do you mean by that",
      "what does that even mean",
      "that's not what I was asking about",
      "you didn't answer me",
      "why do you keep asking me that",
      "I already answered that",
      "like I told you, 2 kids",
      "r u a robot",
      "is this automated?",
      "that answer makes no sense",
      "??? ",
      "what are you even talking about",
      "you misunderstood me",
      "u got it wrong",
      "read my last text please",
      "stop sending me the same thing",
      "I don't get what you're saying",
      "what??",
      "Pardon me?",
      "say what now",
      "you keep saying the same thing",
      "hello? did you even read that",
      "not what I meant lol",
      "What? I never said that",
      // A second batch, written after the first was passing.
      "hm? what",
      "sorry, you lost me there",
      "I don’t follow",
      "that wasn't my question",
      "you're not listening to me",
      "u still didnt answer my question",
      "answer the question please",
      "omg i literally just told you that",
      "are you a real human or a bot",
      "this is going in circles",
      "why are you asking me that again",
      "that has nothing to do with my question",
      "wut do u mean",
      "what are u saying",
      "so confused rn",
      "huh? I asked about parking",
      "Did you not read what I wrote?",
      "you already told me that",
      "no, wrong, I said Riverside",
      "I've asked this twice now",
      // The third batch.
      "whaaaat??",
      "im so lost right now",
      "nooo I said TWO bedrooms",
      "can u just answer what I asked",
      "You're repeating yourself",
      "that's literally the same thing you sent before",
      "i dont think you understood me",
      "Are you a human?",
      "ummm ok that's not an answer",
      "Why do you keep ignoring my question",
      "???? hello",
      "I don't know what that means",
      "what r u talking abt",
      "I've told you three times now",
      "you literally just asked me that",
      "Huh, come again?",
      "this isn't helpful at all",
      "ugh. not what I asked for",
      "Do you even know what I'm asking?",
      "say it in plain english please",
      // The fourth batch ("hold on, what are we talking about" still missed;
      // "Is a real person reading these?" is missed here but is a request
      // for a person, which mutes on its own).
      "Sorry I'm confused, what?",
      "That doesn't help me at all",
      "you answered a different question",
      "I feel like I'm talking to a wall",
      "Again: how many bathrooms?",
      "Can you please just read my previous message",
      "lol what",
      "Not following, can you explain differently?",
      "hmm that's not right, I'm in Fontana not Ontario",
      "You keep sending me the same text",
      "Why are you asking again? I answered",
      "idk what you're asking",
      "I don't get it. what?",
      "that's the third time you asked",
      "Wtf does that mean",
      "Still not an answer to my question",
      "Did you read anything I sent?",
      "I literally just said that 😑",
  };
  const std::vector<std::string> engaged{
      "what's the square footage?",
      "What about schools nearby",
      "what are HOA fees like in Eastvale",
      "I don't understand escrow, can you explain?",
      "you guys are awesome",
      "Are you available Saturday?",
      "Are you a licensed agent?",
      "Is this a good time to buy?",
      "I already toured it last week",
      "we just listed our condo",
      "can you answer a question about property taxes?",
      "Thanks, that makes sense",
      "no rush",
      "sounds good, talk soon",
      "I never thought about a condo",
      "Do you know what the HOA covers?",
      "we're not sure what we want yet",
      "What's next?",
      "how do I read the disclosure report",
      "My wife said the same thing",
      "Is the robot vacuum included lol",
      "lost my job, so we have to sell",
      "I'm lost on what pre-approval means",
      "huh, didn't know that, thanks",
      "Wait what's the price again?",
      "we told our lender already",
      "you asked about timing - probably June",
      "Sorry, what was the address?",
      "what do you think about Menifee?",
      // The second batch.
      "what's the lot size on that one",
      "huh interesting, I didn't know escrow took that long",
      "are you open on Sundays?",
      "I don't understand why rates went up",
      "is this a new listing?",
      "you're fast, thanks!",
      "I told you guys we'd be back in touch",
      "sorry, I meant Redlands",
      "what do you need from me?",
      "Same question for the Corona one - any HOA?",
      "Can you read the fine print on the disclosure for me",
      "never mind, we found one",
      "we're lost without a realtor haha",
      "What? That's a great price!",
      "no sense waiting, let's go see it",
      "it says 3 bed but the photos show 4, which is right?",
      "just got pre-approved!",
      "ok what's the next step",
      "Please answer when you can, no hurry",
      "The bot at the other company was useless",
      // The third batch.
      "what's the commute like to LA from there?",
      "Is parking included or extra?",
      "I know what I want, just need the right price",
      "we already have a lender lined up",
      "Can we see it again next week?",
      "ok that's helpful, thanks",
      "I'd rather not say my budget yet",
      "what about a 4 bedroom instead",
      "no thanks, not interested in condos",
      "Are you the listing agent?",
      "I asked my husband and he's in",
      "never been through escrow before, how does it work",
      "that's a lot of questions lol, sure",
      "lost track of time, sorry for the late reply",
      "wait is the HOA monthly or yearly?",
      "The inspector said the roof is fine",
      "What do buyers usually offer here?",
      "we said the same to the last agent",
      "any chance the seller would go lower?",
      "I just want something close to my mom's",
      // The fourth batch.
      "what's included in closing costs?",
      "How's the market in Hemet these days",
      "i'm not sure yet, maybe next spring",
      "Got it. And the property taxes?",
      "What time is the open house",
      "We don't know much about the area",
      "You asked about budget: around 550",
      "I'd like to know what the HOA covers",
      "Can you send me that again? My phone deleted it",
      "we get it, the market's hot lol",
      "not sure what neighborhood, somewhere quiet",
      "What does a buyer's agent do exactly?",
      "I mean we could stretch to 600",
      "The seller's agent never replied to us",
      "is that price negotiable?",
      "Honestly we're just browsing",
      "sure, same time works for us",
      "what happens if the appraisal comes in low?",
      "I never knew closing took so long",
      "Thanks for explaining, makes sense now",
  };
  int missed = 0;
  for (const auto& text : confused) {
    INFO(text);
    const bool ok = confusion_of(text, {}) != confusion_signal::none;
    missed += ok ? 0 : 1;
    CHECK(ok);
  }
  int flagged = 0;
  for (const auto& text : engaged) {
    INFO(text);
    const bool ok = confusion_of(text, {}) == confusion_signal::none;
    flagged += ok ? 0 : 1;
    CHECK(ok);
  }
  WARN("missed " << missed << "/" << confused.size() << ", flagged " << flagged << "/"
                 << engaged.size());
}

// A fifth batch, written after the rules above were final and run once as
// they stand, a blind measure. First run: 10 of 20 caught, none of 20
// flagged; it asserts those rates, so a change making them worse fails
// (general fixes came after: "you said that already", "don't understand
// your reply", automated replies, "who said anything about", ...).
TEST_CASE("confusion rules on a blind batch: most stuck leads caught, no engaged lead flagged",
          "[agents][escalation][confusion]") {
  const std::vector<std::string> confused{
      "I'm sorry, I don't understand your reply",
      "that's not what I wanted to know",
      "Huh? Who said anything about selling?",
      "you're confusing me",
      "Um... what",
      "I asked a simple question",
      "can you actually answer me",
      "Did you even look at what I sent",
      "nope, still not what I asked",
      "these answers make no sense",
      "you said that already",
      "Are these automatic replies?",
      "what does that have to do with anything",
      "I have no clue what you mean",
      "Hello?? Did you get my question",
      "why does it keep asking me the same thing",
      "I said 3 bedrooms, not 2. again, 3",
      "Seriously? I just told you",
      "come again??",
      "This makes zero sense",
  };
  const std::vector<std::string> engaged{
      "huh, good to know",
      "what neighborhoods are near good schools?",
      "I'm sorry, we've been busy with the kids",
      "that's not what we expected to pay, but ok",
      "What's a reasonable offer on a place like that",
      "we already sold, thanks anyway",
      "Can you answer a couple more questions for me?",
      "I looked at what you sent, love the second one",
      "nope, not pre-approved yet",
      "zero interest in condos tbh",
      "you said the seller pays the title fees, right?",
      "Are these homes move-in ready?",
      "what do we do after the inspection",
      "I have a question about the HOA",
      "did you get my email with the documents?",
      "we keep going back and forth on the location",
      "3 bedrooms, 2 baths, in Corona",
      "Seriously considering it now",
      "come by anytime after 5",
      "This is exciting!",
  };
  std::size_t caught = 0;
  for (const auto& text : confused) {
    const bool hit = confusion_of(text, {}) != confusion_signal::none;
    if (!hit) WARN("missed: " << text);
    caught += hit ? 1 : 0;
  }
  std::size_t flagged = 0;
  for (const auto& text : engaged) {
    const bool hit = confusion_of(text, {}) != confusion_signal::none;
    if (hit) WARN("flagged: " << text);
    flagged += hit ? 1 : 0;
  }
  WARN("caught " << caught << "/" << confused.size() << ", flagged " << flagged << "/"
                 << engaged.size());
  CHECK(caught >= 10);
  CHECK(flagged <= 1);
}
