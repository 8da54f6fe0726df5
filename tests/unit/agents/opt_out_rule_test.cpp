#include "agents/opt_out_rule.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using openhouse::agents::honour_opt_out;
using openhouse::agents::intent;
using openhouse::agents::intent_ranking;
using openhouse::agents::opt_out_intent_min_confidence;
using openhouse::agents::opt_out_match;
using openhouse::agents::opt_out_rule;
using openhouse::agents::opt_out_verdict;

// The phrasings below were written for this test, not taken from any trace.

TEST_CASE("the FCC's words and plain-word revocations opt out without a model",
          "[agents][opt_out]") {
  const opt_out_rule rule;
  const std::vector<std::string> opt_outs{
      "STOP",
      "stop",
      "Stop.",
      "STOP!!!",
      "stop pls",
      "Stop please",
      "please stop",
      "PLEASE STOP!!",
      "stop it",
      "stop now",
      "just stop",
      "i said stop",
      "STOP STOP STOP",
      "stop already",
      "Stop \xF0\x9F\x9B\x91"
      "",
      "\xF0\x9F\x9B\x91"
      "",
      "quit",
      "QUIT!",
      "Quit it",
      "i quit",
      "end",
      "END.",
      "End please",
      "revoke",
      "REVOKE",
      "i revoke",
      "opt out",
      "Opt-out",
      "OPT OUT please",
      "optout",
      "opt me out",
      "I want to opt out",
      "I'd like to opt out of these texts",
      "please opt me out of this",
      "cancel",
      "CANCEL",
      "Cancel please",
      "cancel everything",
      "unsubscribe",
      "Unsubscribe me",
      "unsubscribe me please",
      "UNSUBSCRIBE!!",
      "unsub",
      "please unsubscribe this number",
      "how do i unsubscribe",
      "stopp",
      "stoooop",
      "Stop texting me",
      "stop txting me pls",
      "Stop messaging me",
      "stop sending me these",
      "stop sending me messages",
      "Stop sending texts to this number",
      "stop contacting me",
      "quit texting me",
      "quit messaging me already",
      "can you stop texting me",
      "could u please stop sending me stuff",
      "Stop with the texts",
      "stop the spam",
      "end these messages",
      "cancel these texts",
      "cancel my subscription",
      "no more texts",
      "no more messages please",
      "no more texting",
      "no texts please",
      "Don't text me",
      "dont text me again",
      "do not contact me",
      "Please do not text this number",
      "never text me again",
      "don't message me anymore",
      "you don't need to text me again",
      "pls dont txt",
      "I don't want these texts",
      "i do not want to receive messages from you",
      "I don't want to be contacted",
      "we dont need any more texts",
      "I no longer want these messages",
      "remove me",
      "Remove me from your list",
      "please remove my number",
      "remove this number",
      "delete my number",
      "lose my number",
      "take me off your list",
      "take me off",
      "get me off this list",
      "take my number off your list",
      "off the list please",
      "I revoke my consent",
      "I no longer consent to receive texts",
      "I did not consent to this",
      "I withdraw my consent",
      "leave me alone",
      "please leave me alone",
      "wrong number",
      "Wrong #",
      "u have the wrong number",
      "go away",
      "knock it off",
      "STOP who is this",
      "stop pls I already sold",
      "Stop. I'm not interested",
      "not interested, stop",
      "Not interested. Please stop texting.",
      "I already bought a house, stop messaging me",
      "stop, I'm not selling",
      "why wont you stop texting me",
      "can't you stop messaging me?",
      "I'm blocking this number",
      "reported as spam",
      "Baja",
      "alto",
      "basta",
      "Stop sending these ads",
      "stop texting this number",
      "Quit contacting me please",
      "Stop calling and texting me",
      "Unsubscribe from your list",
      "I opted out already",
      "Stop bugging me",
      "stop harassing me with texts",
      "remove me please",
      "Please take us off your list",
      "I'd like to be removed from your list",
  };
  CHECK(opt_outs.size() >= 100);
  for (const auto& body : opt_outs) {
    INFO(body);
    const auto m = rule.classify(body);
    CHECK(m.verdict == opt_out_verdict::opt_out);
    CHECK_FALSE(m.rule.empty());
  }
}

TEST_CASE("messages that only contain an opt-out word are not opt-outs", "[agents][opt_out]") {
  const opt_out_rule rule;
  const std::vector<std::string> others{
      "could you stop by the office tomorrow",
      "we had to cancel the inspection",
      "by the end of the week",
      "my wife wants to quit her job first",
      "Can you stop by the house at 5?",
      "I'll stop in on Saturday",
      "we might stop over after lunch",
      "cancel my showing",
      "Please cancel the tour on Friday",
      "I need to cancel my appointment",
      "we canceled the contract",
      "Can we end escrow early?",
      "Our lease ends in March",
      "at the end of the day it's about price",
      "in the end we want 4 bedrooms",
      "the end unit looks nice",
      "is it a high end neighborhood",
      "what's the end date of the listing",
      "The bus stop is close to the house?",
      "is there a stop sign at the corner",
      "is the house on a dead end street",
      "we want to end our lease early",
      "I want to quit renting",
      "quit my job last month so need to wait",
      "Can we revoke our offer?",
      "I want to revoke the offer on Elm",
      "can we opt out of the HOA",
      "is it possible to opt out of mello roos",
      "please don't stop sending listings",
      "never stop looking lol",
      "don't stop, this is helpful",
      "Remove the carpet before listing?",
      "should we remove the pool",
      "take me to see it",
      "can you take me through the house",
      "I don't text much, call me",
      "I don't want a house with an HOA",
      "I don't want to overpay",
      "we don't need a pool",
      "no more than 500k",
      "no more showings this week, we found one",
      "not interested in condos",
      "text me the address",
      "Can you text me the listing?",
      "keep me on the list",
      "Send me more listings",
      "don't send me anything over 600k",
      "don't send me listings outside Riverside",
      "I stopped looking for a while but now I'm back",
      "we stopped by the open house",
      "weekend works",
      "the seller wants to end the deal?",
      "who is this?",
      "Not interested right now, maybe next year",
      "no thanks",
      "yes please",
      "hi",
      "How long does escrow take",
      "full stop, the price is too high",
      "it's non stop traffic there",
      "can i text you pictures of my house",
      "what is the end of escrow date",
      "will the sellers cancel if we ask for repairs?",
      "my husband wants to stop renting and buy",
      "I'd like to remove the contingency",
      "Can you remove the lockbox",
      "call me tomorrow",
      "Don't call me before noon, text is fine",
      "Lets end the day with an offer",
  };
  CHECK(others.size() >= 60);
  for (const auto& body : others) {
    INFO(body);
    CHECK(rule.classify(body).verdict == opt_out_verdict::none);
  }
}

TEST_CASE("an opt-out word the rule cannot place is unsure, for the model to settle",
          "[agents][opt_out]") {
  const opt_out_rule rule;
  const std::vector<std::string> unsure{
      "Stop wasting time, what's the price?",
      "we need to cancel and reschedule the showing for Sunday",
      "cancel it",
      "end that",
  };
  for (const auto& body : unsure) {
    INFO(body);
    CHECK(rule.classify(body).verdict == opt_out_verdict::unsure);
  }
}

TEST_CASE("an unsure verdict is honoured when the model says opt-out at any confidence",
          "[agents][opt_out]") {
  const opt_out_match sure{opt_out_verdict::opt_out, "keyword"};
  const opt_out_match unsure{opt_out_verdict::unsure, "unsure:cancel"};
  const opt_out_match none{};
  const intent_ranking faint{{intent::scheduling, 0.9, {}}, {intent::opt_out_family, 0.05, {}}};
  const intent_ranking other{{intent::scheduling, 0.9, {}}};
  const intent_ranking confident{{intent::opt_out_family, opt_out_intent_min_confidence, {}}};
  const intent_ranking hesitant{{intent::opt_out_family, 0.79, {}}};
  const intent_ranking second{{intent::other, 0.9, {}}, {intent::opt_out_family, 0.85, {}}};
  const intent_ranking empty;

  // Sure needs no model.
  CHECK(honour_opt_out(sure, nullptr));
  CHECK(honour_opt_out(sure, &other));
  // Unsure: any mention by the model, or no model answer at all.
  CHECK(honour_opt_out(unsure, &faint));
  CHECK(honour_opt_out(unsure, nullptr));
  CHECK(honour_opt_out(unsure, &empty));
  CHECK_FALSE(honour_opt_out(unsure, &other));
  // No opt-out word: only a confident model that ranks it first.
  CHECK(honour_opt_out(none, &confident));
  CHECK_FALSE(honour_opt_out(none, &hesitant));
  CHECK_FALSE(honour_opt_out(none, &second));
  CHECK_FALSE(honour_opt_out(none, &faint));
  CHECK_FALSE(honour_opt_out(none, nullptr));
}

TEST_CASE("a market extends the rule with its own keywords and phrases", "[agents][opt_out]") {
  openhouse::config::compliance_settings market;
  market.opt_out_keywords = {"ALTO", "Arrete"};
  market.opt_out_phrases = {"no me escriban", "borrame de la lista"};
  market.not_opt_out_phrases = {"stop sign"};
  const opt_out_rule rule{market};
  CHECK(rule.classify("arrete!!").verdict == opt_out_verdict::opt_out);
  CHECK(rule.classify("arrete por favor").verdict == opt_out_verdict::opt_out);
  CHECK(rule.classify("Por favor no me escriban mas").verdict == opt_out_verdict::opt_out);
  CHECK(rule.classify("Borrame de la lista.").rule == "phrase");
  // The lookalike phrase is read as something else; STOP alone still counts.
  CHECK(rule.classify("stop sign").verdict == opt_out_verdict::none);
  CHECK(rule.classify("Stop").verdict == opt_out_verdict::opt_out);
  // The built-in rule alone does not know the market's words.
  CHECK(opt_out_rule{}.classify("arrete").verdict == opt_out_verdict::none);
}

TEST_CASE("the rule reads SMS spellings as words", "[agents][opt_out]") {
  using words = std::vector<std::string>;
  CHECK(opt_out_rule::words("Don\xE2\x80\x99t TXT me!!") == words{"dont", "text", "me"});
  CHECK(opt_out_rule::words("STOOOPP pls") == words{"stop", "please"});
  CHECK(opt_out_rule::words("opt-out") == words{"optout"});
  CHECK(opt_out_rule::words("do not, u") == words{"dont", "|", "you"});
  CHECK(opt_out_rule::words("\xF0\x9F\x9B\x91") == words{"stop"});
  CHECK(opt_out_rule::words("wrong #") == words{"wrong", "number"});
  CHECK(opt_out_rule::words("") == words{});
}

namespace {

struct labelled {
  char label;
  std::string text;
};

std::vector<labelled> read_labelled(const std::string& path) {
  std::ifstream in(path);
  std::vector<labelled> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    if (tab != 1) continue;
    out.push_back({line[0], line.substr(2)});
  }
  return out;
}

}  // namespace

TEST_CASE("on phrasings written by someone who never saw the rule, no opt-out is missed",
          "[agents][opt_out]") {
  // tests/data/opt_out_phrasings.tsv: LABEL<TAB>TEXT, Y = an opt-out, N = not
  // one, A = ambiguous; three sets written by people who never saw the rule.
  // The rule was measured on each before any change (README: first figures)
  // and then corrected on them, so they are regression data now, not a
  // held-out measure.
  const auto rows = read_labelled(OPENHOUSE_SOURCE_DIR "/tests/data/opt_out_phrasings.tsv");
  REQUIRE(rows.size() >= 150);
  const opt_out_rule rule;
  std::size_t yes = 0, missed = 0, no = 0, false_opt_outs = 0;
  for (const auto& r : rows) {
    const auto m = rule.classify(r.text);
    // An unsure verdict goes to the model; with no model answer it is
    // honoured. A Y must never be "none"; an N must never be a sure opt-out.
    if (r.label == 'Y') {
      ++yes;
      if (m.verdict == opt_out_verdict::none) {
        ++missed;
        UNSCOPED_INFO("missed: " << r.text);
      }
    } else if (r.label == 'N') {
      ++no;
      if (m.verdict == opt_out_verdict::opt_out) {
        ++false_opt_outs;
        UNSCOPED_INFO("false opt-out: " << r.text << " (" << m.rule << ")");
      }
    }
  }
  CHECK(yes >= 300);
  CHECK(no >= 300);
  CHECK(missed == 0);
  // One known false opt-out: "Stop texting me so early lol ... anything after
  // 9 is fine", a revocation for mornings honoured whole: the safe mistake.
  CHECK(false_opt_outs * 100 <= no);
}
