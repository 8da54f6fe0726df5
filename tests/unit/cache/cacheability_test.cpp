#include "cache/cacheability.hpp"
#include "cache/unit.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using openhouse::cache::asks_availability;
using openhouse::cache::check_request;
using openhouse::cache::check_response;
using openhouse::cache::decision;
using openhouse::cache::find_pii;
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
  v = check_response(contact_unit(), "Join us; Josh will help.", "end_turn", pii);
  CHECK(v.cacheable());
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
