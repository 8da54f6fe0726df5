#include "agents/cacheability.hpp"
#include "core/cache_unit.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using openhouse::cache::asks_availability;
using openhouse::cache::check_request;
using openhouse::cache::check_response;
using openhouse::cache::decision;
using openhouse::cache::find_names;
using openhouse::cache::find_pii;
using openhouse::cache::foreign_name;
using openhouse::cache::is_greeting;
using openhouse::cache::mentions_relative_time;
using openhouse::cache::scope;
using openhouse::cache::unit;
using openhouse::cache::verdict_follows_key;

namespace {

unit market_unit() {
  unit u;
  u.task = "faq";
  u.model = "m";
  u.template_version = "faq@1";
  u.scope = scope::market;
  u.market_id = "ie";
  u.with("question", "q");
  return u;
}

unit contact_unit() {
  unit u = market_unit();
  u.task = "reply";
  u.scope = scope::contact;
  u.contact_id = "c1";
  return u;
}

}  // namespace

TEST_CASE("streaming and tool-use requests bypass", "[cache][cacheability]") {
  auto u = market_unit();
  u.stream = true;
  auto v = check_request(u, "what are closing costs?");
  CHECK(v.outcome == decision::bypass_request);
  CHECK(v.reason == "streaming");
  u.stream = false;
  u.tools = true;
  v = check_request(u, "what are closing costs?");
  CHECK(v.outcome == decision::bypass_request);
  CHECK(v.reason == "tool_use");
  CHECK(check_response(u, "fine", "end_turn").outcome == decision::bypass_response);
}

TEST_CASE("invalid units bypass with the reason in the detail", "[cache][cacheability]") {
  auto u = contact_unit();
  u.contact_id.clear();
  const auto v = check_request(u, "hello?");
  CHECK(v.outcome == decision::bypass_request);
  CHECK(v.reason == "invalid_unit");
  CHECK(v.detail.find("contact id") != std::string::npos);
}

TEST_CASE("ordinary questions are cacheable", "[cache][cacheability]") {
  for (const char* q :
       {"what are closing costs in riverside?", "Hi, what are closing costs?",
        "how does pre-approval work", "Do I need 20% down for a $450k home?",
        "what first time buyer programs are available?", "how long does escrow take",
        "Whats the avg price of a 3bd/2ba in 92501", "I'm still on the fence about selling",
        "would you be open to a lower offer"}) {
    INFO(q);
    const auto v = check_request(market_unit(), q);
    CHECK(v.outcome == decision::cache);
    CHECK(v.reason.empty());
  }
  CHECK(check_request(market_unit(), "").cacheable());  // units without a question
}

TEST_CASE("greetings bypass; a greeting before a question does not", "[cache][cacheability]") {
  for (const char* q :
       {"hi", "Hello!", "hey there", "heyyy", "Good morning", "hiii :)", "Hi Sarah!", "yo",
        "how are you?", "Hi there, how's it going?", "hello again \xF0\x9F\x91\x8B"}) {
    INFO(q);
    CHECK(is_greeting(q));
    const auto v = check_request(market_unit(), q);
    CHECK(v.outcome == decision::bypass_request);
    CHECK(v.reason == "greeting");
  }
  for (const char* q : {"Hi, what are closing costs?", "hey do you have 3bd homes?", "ok", "thanks",
                        "hi prices?", "Morning, is HOA required?"}) {
    INFO(q);
    CHECK_FALSE(is_greeting(q));
  }
}

TEST_CASE("availability questions bypass", "[cache][cacheability]") {
  for (const char* q :
       {"is it still available?", "Is this available", "still available?",
        "is the 3bd on Main still for sale", "is it still on the market", "has it sold?",
        "is that one pending", "are you open?", "r u open saturday", "are you guys still open",
        "what's available in Corona?", "any homes available under 500k", "Is it under contract?",
        "whats your availability", "is anyone available to show it"}) {
    INFO(q);
    CHECK(asks_availability(q));
    const auto v = check_request(market_unit(), q);
    CHECK(v.outcome == decision::bypass_request);
    CHECK(v.reason == "availability");
  }
  for (const char* q : {"what financing options are available", "what are your office hours",
                        "I'm still looking", "I already sold my condo, now buying",
                        "is there an open house", "would you be open to 10k less"}) {
    INFO(q);
    CHECK_FALSE(asks_availability(q));
  }
}

TEST_CASE("questions and answers about the current time", "[cache][cacheability]") {
  for (const char* s :
       {"can I see it today?", "See you today at 3pm!", "right now rates are 6.8%",
        "I can show it tomorrow", "tonight works", "this weekend", "next Tuesday",
        "let's meet at 3:30", "call me at 5 pm", "around noon", "in 20 minutes",
        "I'll text you in an hour", "listed 3 days ago", "currently listed at 450k",
        "Rates this week are up", "this afternoon?", "free rn?", "I can help you see it today"}) {
    INFO(s);
    CHECK(mentions_relative_time(s));
  }
  for (const char* s : {"Our office is open 9am to 5pm", "escrow takes about 30 days",
                        "closing costs run 2-5% of the price", "open until 6pm on weekdays",
                        "a 3bd at 450k", "now that I'm approved what's next", "we have 3 bedrooms",
                        "What can I help you with today?", "How can I help you today?"}) {
    INFO(s);
    CHECK_FALSE(mentions_relative_time(s));
  }
  auto v = check_request(market_unit(), "can I tour it tomorrow?");
  CHECK(v.reason == "time_relative");
  v = check_response(market_unit(), "Sure! I can show it today at 3pm.", "end_turn");
  CHECK(v.outcome == decision::bypass_response);
  CHECK(v.reason == "time_relative");
}

TEST_CASE("PII detectors", "[cache][cacheability]") {
  struct row {
    const char* text;
    const char* kind;  // nullptr: no PII
  };
  const std::vector<row> rows = {
      {"email me at dana.lopez+homes@gmail.com", "pii_email"},
      {"reach me: j_smith@example.co.uk.", "pii_email"},
      {"call (951) 555-0123", "pii_phone"},
      {"my cell is 951.555.0123", "pii_phone"},
      {"text +1 951 555 0123 anytime", "pii_phone"},
      {"9515550123", "pii_phone"},
      {"1-800-555-0199", "pii_phone"},
      {"call 555-0123", "pii_phone"},
      {"I live at 1234 Elm St", "pii_address"},
      {"it's 55 N Main Street, Riverside", "pii_address"},
      {"123 5th Ave", "pii_address"},
      {"4500 martin luther king blvd", "pii_address"},
      {"Hi Maria, thanks for reaching out", "pii_name"},
      {"Thanks John!", "pii_name"},
      {"My name is Dana", "pii_name"},
      {"I'm Dana and I want to buy", "pii_name"},
      {"Mr. Lopez asked about it", "pii_name"},
      {"Good morning Priya", "pii_name"},
      // not PII
      {"homes around $450,000 in 92501", nullptr},
      {"prices rose 3.5% from 2019-2023", nullptr},
      {"3bd/2ba, 1,850 sqft, 2 car garage", nullptr},
      {"a 3 bedroom house that way", nullptr},
      {"15 minutes drive to the freeway", nullptr},
      {"Hi there, closing costs are 2-5%", nullptr},
      // A contraction after a greeting is no name ("Hi, Im" is not "Hi, Maria").
      {"Hi, I'm looking to buy a 3bd home in Riverside", nullptr},
      {"Hey, Ive been thinking about selling", nullptr},
      {"I'm Looking for a condo", nullptr},
      {"I'm pre-approved for 500k", nullptr},
      {"zips 92501, 92503 and 92504", nullptr},
      {"email is the best way @ any time", nullptr},
      {"Welcome Home!", nullptr},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    const auto found = find_pii(r.text);
    if (r.kind == nullptr) {
      CHECK_FALSE(found.has_value());
    } else {
      REQUIRE(found.has_value());
      CHECK(*found == r.kind);
    }
  }
}

TEST_CASE("answers with PII bypass in every scope", "[cache][cacheability]") {
  for (const auto& u : {market_unit(), contact_unit()}) {
    auto v = check_response(u, "Hi Maria! Homes in Riverside start near $450k.", "end_turn");
    CHECK(v.outcome == decision::bypass_response);
    CHECK(v.reason == "pii_name");
    v = check_response(u, "Call us at (951) 555-0123.", "end_turn");
    CHECK(v.reason == "pii_phone");
  }
}

TEST_CASE("known PII of the lead is found case-insensitively on word boundaries",
          "[cache][cacheability]") {
  const std::vector<std::string> pii{"Dana Lopez", "dana@example.com", "Jo"};
  auto v = check_response(contact_unit(), "Great news dana lopez, it qualifies.", "end_turn", pii);
  CHECK(v.reason == "pii_known");
  // "Jo" is too short to be a signal; "Danas" is not "Dana Lopez".
  v = check_response(contact_unit(), "Join us; Danas Realty will help.", "end_turn", pii);
  CHECK(v.cacheable());
  // A person the CRM does not know is still a name in the answer.
  v = check_response(contact_unit(), "Join us; Josh will help.", "end_turn", pii);
  CHECK(v.reason == "pii_name");
}

TEST_CASE("PII in a shared-scope request bypasses; in the lead's own scope it does not",
          "[cache][cacheability]") {
  const char* q = "My name is Dana, what are closing costs? my email is dana@x.com";
  auto v = check_request(market_unit(), q);
  CHECK(v.outcome == decision::bypass_request);
  CHECK(v.reason == "pii_in_shared_request");
  CHECK(v.detail == "pii_email");
  v = check_request(contact_unit(), q);
  CHECK(v.cacheable());
}

TEST_CASE("answers cut by max_tokens or empty are not stored", "[cache][cacheability]") {
  auto v = check_response(market_unit(), "Closing costs are usually", "max_tokens");
  CHECK(v.outcome == decision::bypass_response);
  CHECK(v.reason == "max_tokens");
  v = check_response(market_unit(), "  \n", "end_turn");
  CHECK(v.reason == "empty_answer");
  v = check_response(market_unit(), "Closing costs usually run 2-5% of the price.", "end_turn");
  CHECK(v.outcome == decision::cache);
  CHECK(to_string(v.outcome) == "cache");
  CHECK(to_string(decision::bypass_response) == "bypass_response");
}

TEST_CASE("the request verdict follows from the key only when the key covers its inputs",
          "[cache][cacheability]") {
  auto u = market_unit();  // input question = "q"
  CHECK(verdict_follows_key(u, "q"));
  CHECK(verdict_follows_key(u, ""));          // no question: only keyed fields are read
  CHECK_FALSE(verdict_follows_key(u, "hi"));  // not an input: the key does not cover it
  u.stream = true;
  CHECK_FALSE(verdict_follows_key(u, "q"));
  u.stream = false;
  u.tools = true;
  CHECK_FALSE(verdict_follows_key(u, "q"));
}

// --- names --------------------------------------------------------------------

TEST_CASE("names are found in every common form; ordinary texts name nobody",
          "[cache][cacheability][names]") {
  // Self-introductions, greetings, thanks, sign-offs, "call me", honorifics,
  // relatives and agents, people addressed or spoken of — capitalised or not —
  // in a lead's text and in an answer.
  const std::vector<std::string> names{
      "my name is Priscilla and I want to sell",
      "my name's tomas, looking in fontana",
      "names gloria btw",
      "Name: Xiomara Reyes",
      "I'm Derek, thinking about listing my condo",
      "im brenda, first time buyer",
      "I am Kenji and we need 4 bedrooms",
      "this is Rhonda, we talked last spring",
      "this is dave",
      "hey this is marcus checking back in",
      "Gabriela here, what are closing costs?",
      "carlos here. still thinking about selling",
      "hey, Tom here",
      "hi its jenny from the open house",
      "It's Will from Compass Realty",
      "hey it's Xochitl from the Redlands open house",
      "It's me, Fernando",
      "Shauna from Coldwell Banker here",
      "ricardo from corona, want to sell",
      "what are hoa fees like? - Maria",
      "Need a 3bd in Rialto \xE2\x80\x93 Yolanda",
      "thanks!! ~Tom",
      "ok sounds good -dave",
      "Appreciate it. \xE2\x80\x94 Xochitl R.",
      "thanks, Maria",
      "thx ramon",
      "thank you Sarah, that helps",
      "Best, Theresa",
      "cheers, nate",
      "talk soon, Maria B.",
      "call me Jim",
      "you can call me Bea",
      "Mr. Okafor wants a CMA",
      "mrs delgado asked me to text",
      "Dr Patel is relocating here",
      "hi maria, is the condo on elm still listed",
      "hey mike what are taxes like in ontario",
      "Hi June, what do you think about pricing?",
      "Hi Mark, we want to buy in 2025",
      "Hey Will, quick question on escrow",
      "my wife Rosa and I want a bigger place",
      "my husband jose works in riverside",
      "our agent Will said to text you",
      "Is Veronica still handling our file?",
      "I talked to Brandon at the office",
      "dana, quick question about escrow",
      "Summer here! looking for a condo",
      "THIS IS DAVE LOOKING TO SELL",
      "Hi Maria, homes in Corona start near $500k.",
      "Thanks Maria! Escrow usually takes 30 days.",
      "Great to hear, Maria! When would you like to move?",
      "Maria, here are three options in Fontana.",
      "Happy to help.\n- Jessica, Inland Empire Home Team",
      "Our agent Brenda Lopez will reach out.",
      "Sounds good, Xochitl!",
      "Congrats Kevin on the pre-approval!",
      "I'm Rich? no lol I'm broke",
      "hi it's Lakshmi",
      "Kenji here, quick q",
      "regards, Deepak",
      "Good morning Priya",
      "Hey Dana!",
      "Dear Mr. Alvarez, thanks for the info",
      "This is Amber from Century 21",
      "my realtor Xochitl told me to text",
      "- Rosa",
      "We spoke with Angela yesterday about listing",
      "Sure thing, Carlos. Escrow takes about 30 days.",
      "Thanks for asking, Jennifer! Rates vary by lender.",
      "Hi Xochitl, the average price in Riverside is $560k.",
      "Hello Mrs. Nguyen, happy to help.",
      "xochitl here, looking in riverside",
      "hi, thuy here",
      "this is thuy from remax",
      "oluwaseun from keller williams realty",
      "thanks! - oluwaseun",
      "yo its kevin again, any update on the offer",
      "Hello, my name is Ingrid Svensson",
      "Sorry for the late reply - Marcus",
      "hey there, robert here. we closed on our old place",
      "Hi I'm Tanisha and im looking for a duplex",
      "this is gloria's husband, she asked me to text",
      "Regards,\nHelen",
      "tell Brenda I said thanks",
      "can you ask Mr Yamamoto about the HOA",
      "please call me Rob not Robert",
      "Good afternoon, Stephanie! Quick question",
      "Its Oscar from the Fontana open house on Sunday",
      "patricia here, my cell died",
      "ok thank u so much Angela",
      "we're the Nguyens, Linh and Tuan",
      "Im Bao from Redfin, following up",
      "Text me back. Thx, Jorge",
      "hey hey, Winston here",
      "my fiance Derek wants a garage",
      "- sent by Lorena",
      "Is Maria's listing still up?",
  };
  // Questions and answers where a given name is a word, a month, a place or a
  // brand, call requests, and texts with no one in them.
  const std::vector<std::string> not_names{
      "will the seller take less",
      "may i see it this weekend",
      "is june a good month to list",
      "Is June a good month to list?",
      "Will the seller take less?",
      "May I see the backyard?",
      "Hi, May I ask about HOA fees?",
      "call me tomorrow",
      "call me back when you can",
      "pls call me at 5",
      "Call me asap",
      "call me when you can",
      "Call me Monday",
      "homes near Victoria St",
      "anything in Chino Hills under 700k",
      "whats the market like in Jordan Ranch",
      "We love Austin but moving to Ontario",
      "is Grand Terrace a good area",
      "is the house near Victoria Gardens",
      "I want to make it rich with rentals",
      "we bank with Chase",
      "Do you know Fannie Mae rules?",
      "Is Freddie Mac the same?",
      "I have faith in this market",
      "hope to buy soon",
      "looking for a home with lots of joy and light",
      "sunny backyard is a must",
      "we're moving in may",
      "Hope you're well, what are rates?",
      "I'm looking to buy in Riverside",
      "I'm pre-approved for 600k",
      "im interested in selling",
      "I'm Relocating from Texas",
      "this is great info thanks",
      "this is urgent",
      "its ok",
      "it's June already, still no offers",
      "Anyone here?",
      "Prices here are nuts",
      "Crime here?",
      "new here, what areas are good",
      "what does san jose have to do with it",
      "Santa Ana winds hit the roof",
      "near Loma Linda University",
      "how far is it from Martin Luther King Blvd",
      "Is Eleanor Roosevelt High a good school?",
      "we saw homes from Lennar",
      "thanks!",
      "thanks so much",
      "ok thanks again",
      "3 bed 2 bath - Riverside",
      "budget 500k - flexible",
      "thank you will do",
      "hey mark my words prices will drop",
      "Hi! Closing costs are about 2-5%.",
      "Great question! Here's the short version.",
      "Thanks for reaching out! What price range are you considering?",
      "Happy to help! What's the property address?",
      "my agent will call me",
      "my wife and I want to sell",
      "Plan B is renting",
      "the seller wants cash, will you take FHA?",
      "Is Colton a good place to buy?",
      "art deco style homes?",
      "can you grant an extension",
      "chase bank preapproval ok?",
      "My name is on the title with my ex",
      "Summer here is brutal, is there AC",
      "Are there good schools near Tyler Mall?",
      "What about Sierra Lakes in Fontana?",
      "Is Madison St a busy road",
      "Looking near Magnolia Ave and Tyler",
      "any condos near Kaiser hospital",
      "We want something like Victoria Ave homes",
      "Can I use my IRA for the down payment?",
      "Is there a chance the seller says no",
      "Jack up the price? no thanks",
      "do you guys work with Wells Fargo",
      "What's the deal with Prop 13",
      "Walker score for the neighborhood?",
      "is it near Angel Stadium",
      "what about homes in San Jacinto",
      "Galleria at Tyler is close right?",
      "drew up an offer yet?",
      "Its Riverside or Corona for us",
      "Ok, thanks, will do",
      "Thanks, will check it out",
      "thx, may do that",
      "best time to list?",
      "Best neighborhoods in Riverside?",
      "hey guys whats the market like",
      "Hi there, what are closing costs?",
      "hello again, any update",
      "yes",
      "No, just looking",
      "what is a HELOC",
      "Is Ontario Ranch a good area?",
      "I saw a listing by Keller Williams",
      "how about Rancho Cucamonga or Upland",
      "whats the average in 92505",
      "Do you cover Moreno Valley?",
      "3bd/2ba under 550k in Menifee",
      "the listing said Jade tile and Crystal chandeliers",
      "Sterling silver fixtures included?",
      "Earnest money - how much?",
      "frank question: is it overpriced",
      "Grace period on the mortgage?",
      "same here, want to buy",
      "crime here?",
      "budget 500k - negotiable",
      "someone from zillow called me",
      "got a call from redfin",
      "this is far from the freeway",
      "its close from the 91",
      "we heard from keller williams",
      "Thanks! - anytime works",
      "will the appraisal come in low",
      "may we bring our dog to the showing",
      "june or july closing works",
      "Is August too late to buy before school?",
      "please call me back after 6",
      "call me when the price drops",
      "homes near Lincoln Ave in Corona?",
      "what about Dallas? thinking of moving there",
      "I hope the rates drop",
      "mark it as sold lol",
      "we just want a sunny yard and a pool",
      "Chase or Wells for a jumbo loan?",
      "Rose garden in back is a plus",
      "Art studio space would be great",
      "grant programs for first time buyers?",
      "Is Jordan Ranch still building?",
      "Any new builds by Lennar in Menifee",
      "Thanks! That helps a lot",
      "Best time to sell in Temecula?",
      "Hi again - whats the commission",
      "is there a Trader Joe's close by",
  };
  CHECK(names.size() + not_names.size() >= 80);
  for (const auto& text : names) {
    INFO(text);
    CHECK_FALSE(find_names(text).empty());
    CHECK(std::string{find_pii(text).value_or("")} == "pii_name");
  }
  for (const auto& text : not_names) {
    INFO(text);
    CHECK(find_names(text).empty());
    CHECK(std::string{find_pii(text).value_or("")} != "pii_name");
  }
}

TEST_CASE("the word found is the name, in lower case", "[cache][cacheability][names]") {
  using names = std::vector<std::string>;
  CHECK(find_names("It's Will from Compass Realty") == names{"will"});
  CHECK(find_names("hi maria, is the condo on elm still listed") == names{"maria"});
  CHECK(find_names("call me Jim") == names{"jim"});
  CHECK(find_names("carlos here. my wife Rosa wants a pool") == names{"carlos", "rosa"});
  CHECK(find_names("Appreciate it. \xE2\x80\x94 Xochitl R.") == names{"xochitl"});
  CHECK(find_names("Mr. Okafor wants a CMA") == names{"okafor"});
  CHECK(find_names("my name is on the title") == names{});
}

TEST_CASE("the given-name list helps only where a pattern or a capital says name",
          "[cache][cacheability][names]") {
  // The same listed name: in lower case alone it is not a name, in an
  // introduction it is, and capitalised it is (unless it is also a word).
  CHECK(find_names("looking near maria st and 5th").empty());
  CHECK_FALSE(find_names("maria here").empty());
  CHECK_FALSE(find_names("Is Maria in today?").empty());
  // A word-like name needs a capital and a pause or an introduction after it.
  CHECK(find_names("hi, may i ask something").empty());
  CHECK(find_names("Hi, May I ask something?").empty());
  CHECK_FALSE(find_names("Hi May, I have a question").empty());
  CHECK_FALSE(find_names("This is May from Redfin").empty());
  CHECK(find_names("this is may from redfin").empty());
  // "call me" is a name only when no call request follows.
  CHECK(find_names("call me at 909 in the evening").empty());
  CHECK(find_names("Call me Tuesday").empty());
  CHECK_FALSE(find_names("just call me Vic").empty());
}

TEST_CASE("a lead's self-introduction keeps a unit out of the shared scopes",
          "[cache][cacheability][names]") {
  for (const char* q :
       {"maria here, whats the avg price in fontana", "this is dave, 3bd in corona?",
        "its jenny from the open house, what are hoa fees", "closing costs? -tom"}) {
    INFO(q);
    const auto v = check_request(market_unit(), q);
    CHECK(v.outcome == decision::bypass_request);
    CHECK(v.reason == "pii_in_shared_request");
    CHECK(v.detail == "pii_name");
    CHECK(check_request(contact_unit(), q).cacheable());
  }
  CHECK(check_request(market_unit(), "will the seller take less than asking?").cacheable());
  CHECK(check_request(market_unit(), "is june a good month to list").cacheable());
}

TEST_CASE("answers naming a person are not stored, in every scope",
          "[cache][cacheability][names]") {
  for (const auto& u : {market_unit(), contact_unit()}) {
    for (const char* a :
         {"Hi Maria, homes in Corona start near $500k.", "Thanks Maria! Escrow takes 30 days.",
          "Great to hear, Maria! When would you like to move?",
          "Maria, here are three options in Fontana.", "Happy to help!\n- Jessica",
          "Glad to help, Xochitl!", "Our agent Brenda will call you.",
          "Happy to help. Best, Dana"}) {
      INFO(a);
      const auto v = check_response(u, a, "end_turn");
      CHECK(v.outcome == decision::bypass_response);
      CHECK(v.reason == "pii_name");
    }
    for (const char* a :
         {"Great question! Escrow usually takes 30 to 45 days.",
          "Thanks for reaching out! What price range and neighborhoods are you considering?",
          "May through August is the busiest season for listings.",
          "Homes near Victoria Ave in Riverside sell quickly.",
          "Hope that helps! Anything else about Chino Hills?",
          "Fannie Mae and Freddie Mac set the conforming loan limits."}) {
      INFO(a);
      CHECK(check_response(u, a, "end_turn").cacheable());
    }
  }
}

TEST_CASE("foreign_name: a shared answer naming someone the lead did not name",
          "[cache][cacheability][names]") {
  struct row {
    const char* answer;
    const char* question;
    bool foreign;
  };
  const std::vector<row> rows{
      {"Hi Maria! Escrow takes about 30 days.", "how long is escrow", true},
      {"Thanks, Dave. HOA fees vary.", "what are hoa fees like", true},
      {"Our agent Brenda will call you.", "can someone call me", true},
      {"Happy to help!\n- Xochitl", "what are closing costs", true},
      // The lead's own text names them: the answer tells them nothing new.
      {"Hi Maria! Escrow takes about 30 days.", "escrow length for maria", false},
      {"Thanks, Dave. HOA fees vary.", "DAVE asking: hoa fees?", false},
      // No person in the answer.
      {"Escrow usually takes 30 to 45 days.", "how long is escrow", false},
      {"May and June are busy months to list.", "best month to list?", false},
      {"Victoria Ave homes sell fast; San Jose prices differ.", "is it a fast market", false},
      {"", "anything", false},
  };
  for (const auto& r : rows) {
    INFO(r.answer << " / " << r.question);
    CHECK(foreign_name(r.answer, r.question) == r.foreign);
  }
}
