#include "agents/question_flow.hpp"

#include "agents/facts.hpp"
#include "config/market.hpp"
#include "core/messages.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using openhouse::agents::asked_question;
using openhouse::agents::compose_reply;
using openhouse::agents::fact_field_names;
using openhouse::agents::fact_known;
using openhouse::agents::lead_facts;
using openhouse::agents::next_question;
using openhouse::config::bot_settings;
using openhouse::config::bots_settings;
using openhouse::runtime::history_entry;

namespace {

/// One canonical fact and how to make it known (and only it).
struct fact_row {
  std::string_view name;
  std::function<void(lead_facts&)> set;
};

const std::vector<fact_row>& fact_rows() {
  using openhouse::agents::motivation_level;
  using openhouse::agents::property_condition;
  static const std::vector<fact_row> rows{
      {"budget_usd", [](lead_facts& f) { f.budget_usd = 450000; }},
      // A known "no" is still known: the question must not be asked again.
      {"pre_approved", [](lead_facts& f) { f.pre_approved = false; }},
      {"down_payment_pct", [](lead_facts& f) { f.down_payment_pct = 0; }},
      {"timeline_months", [](lead_facts& f) { f.timeline_months = 3; }},
      {"motivation", [](lead_facts& f) { f.motivation = "relocation"; }},
      {"motivation_strength",
       [](lead_facts& f) { f.motivation_strength = motivation_level::high; }},
      {"property_condition", [](lead_facts& f) { f.condition = property_condition::fair; }},
      {"price_expectation_usd", [](lead_facts& f) { f.price_expectation_usd = 600000; }},
      {"bedrooms", [](lead_facts& f) { f.bedrooms = 0; }},
      {"bathrooms", [](lead_facts& f) { f.bathrooms = 2.5; }},
      {"property_type", [](lead_facts& f) { f.property_type = "condo"; }},
      {"areas", [](lead_facts& f) { f.areas = {"Riverside"}; }},
      {"must_haves", [](lead_facts& f) { f.must_haves = {"pool"}; }},
  };
  return rows;
}

lead_facts all_facts_known() {
  lead_facts f;
  for (const auto& row : fact_rows()) row.set(f);
  return f;
}

/// Flows shaped like the shipped market's: a question without a fact first.
bots_settings test_bots() {
  bots_settings bots;
  bots.lead.questions = {{"Are you looking to buy, sell, or both?", ""},
                         {"Which part of the Inland Empire are you focused on?", "areas"}};
  bots.buyer.questions = {{"What price range are you shopping in?", "budget_usd"},
                          {"Are you pre-approved with a lender yet?", "pre_approved"}};
  bots.seller.questions = {{"What's prompting the move?", "motivation"},
                           {"Do you have a price in mind?", "price_expectation_usd"}};
  return bots;
}

}  // namespace

TEST_CASE("fact_known covers every canonical fact name, each on its own field",
          "[agents][question_flow]") {
  // The rows must be exactly the canonical names: a fact added to the schema
  // without a fact_known branch would make its flow question repeat forever.
  std::vector<std::string_view> names;
  for (const auto& row : fact_rows()) names.push_back(row.name);
  CHECK(names == fact_field_names());

  const lead_facts none;
  for (const auto& row : fact_rows()) {
    SECTION(std::string{row.name}) {
      CHECK_FALSE(fact_known(none, row.name));
      lead_facts one;
      row.set(one);
      CHECK(fact_known(one, row.name));
      // Setting one fact makes no other name known (no crossed branches).
      for (const auto& other : fact_rows()) {
        if (other.name != row.name) {
          INFO("other fact: " << other.name);
          CHECK_FALSE(fact_known(one, other.name));
        }
      }
    }
  }
}

TEST_CASE("empty lists are unknown facts", "[agents][question_flow]") {
  lead_facts f = all_facts_known();
  f.areas.clear();
  f.must_haves.clear();
  CHECK_FALSE(fact_known(f, "areas"));
  CHECK_FALSE(fact_known(f, "must_haves"));
  CHECK(fact_known(f, "budget_usd"));
}

TEST_CASE("unknown or empty fact names are never known", "[agents][question_flow]") {
  // Even with every fact known: a flow question naming no (or a wrong) fact
  // is asked until it appears in the history.
  const lead_facts f = all_facts_known();
  const std::vector<std::string_view> names{
      "",           "budget",     "Budget_usd",     "budget_usd ", "condition",
      "engagement", "crm_pinned", "contact.budget", "zip"};
  for (const auto name : names) {
    INFO("name: \"" << name << "\"");
    CHECK_FALSE(fact_known(f, name));
  }
}

TEST_CASE("asked_question finds the flow question a bot message ends with",
          "[agents][question_flow]") {
  const auto bots = test_bots();
  struct row {
    const char* name;
    std::string text;
    std::string expected;
  };
  const std::vector<row> rows{
      {"the question alone", "Are you looking to buy, sell, or both?",
       "Are you looking to buy, sell, or both?"},
      {"an answer then the question",
       "Riverside has a lot to offer. Which part of the Inland Empire are you focused on?",
       "Which part of the Inland Empire are you focused on?"},
      // Whichever bot is active, the question is looked up in every flow.
      {"the buyer's question", "Great! Are you pre-approved with a lender yet?",
       "Are you pre-approved with a lender yet?"},
      {"the seller's question", "Thanks. What's prompting the move?", "What's prompting the move?"},
      {"trailing whitespace is not part of the message", "Do you have a price in mind?  \n",
       "Do you have a price in mind?"},
      {"a question followed by more text", "Do you have a price in mind? No pressure.", ""},
      {"a question cut short", "Are you pre-approved with a lender", ""},
      {"no flow question", "Homes in Riverside start around $450k.", ""},
      {"an empty message", "", ""},
  };
  for (const auto& r : rows) {
    SECTION(r.name) { CHECK(asked_question(bots, r.text) == r.expected); }
  }
}

TEST_CASE("asked_question with no flows finds nothing", "[agents][question_flow]") {
  CHECK(asked_question(bots_settings{}, "What price range are you shopping in?").empty());
}

TEST_CASE("next_question: the first question whose fact is unknown and not recently asked",
          "[agents][question_flow]") {
  bot_settings flow;
  flow.questions = {{"Buy or sell?", ""},
                    {"What price range are you shopping in?", "budget_usd"},
                    {"Are you pre-approved with a lender yet?", "pre_approved"},
                    {"Which cities are you considering?", "areas"}};

  lead_facts budget;
  budget.budget_usd = 500000;
  lead_facts budget_and_no_approval = budget;
  budget_and_no_approval.pre_approved = false;  // a known "no"
  lead_facts approval_only;
  approval_only.pre_approved = true;
  const lead_facts everything = all_facts_known();

  const history_entry asked_kind{"assistant", "Hi! Buy or sell?"};
  const history_entry asked_budget{"assistant",
                                   "Happy to help. What price range are you shopping in?"};
  const history_entry asked_cities{"assistant", "Which cities are you considering?"};

  struct row {
    const char* name;
    lead_facts facts;
    std::vector<history_entry> history;
    std::optional<std::string> expected;
  };
  const std::vector<row> rows{
      {"a question without a fact comes first", {}, {}, "Buy or sell?"},
      {"a question without a fact is asked even when every fact is known",
       everything,
       {},
       "Buy or sell?"},
      {"a question asked in the history is skipped",
       {},
       {asked_kind},
       "What price range are you shopping in?"},
      {"a known fact skips its question",
       budget,
       {asked_kind},
       "Are you pre-approved with a lender yet?"},
      {"a known \"no\" skips its question too",
       budget_and_no_approval,
       {asked_kind},
       "Which cities are you considering?"},
      {"asked but unanswered is not asked again",
       {},
       {asked_kind, asked_budget},
       "Are you pre-approved with a lender yet?"},
      {"a known fact later in the flow does not skip earlier ones",
       approval_only,
       {asked_kind},
       "What price range are you shopping in?"},
      // Only the bots' own messages count as asking.
      {"the lead typing the question is not the bot asking it",
       {},
       {{"user", "Buy or sell?"}},
       "Buy or sell?"},
      {"a question in the middle of a message was not the one asked",
       {},
       {{"assistant", "Buy or sell? Either way we can help."}},
       "Buy or sell?"},
      {"every question asked: the flow is done",
       {},
       {asked_kind,
        asked_budget,
        asked_cities,
        {"assistant", "Are you pre-approved with a lender yet?"}},
       std::nullopt},
      {"every fact known and the fact-less question asked: done",
       everything,
       {asked_kind},
       std::nullopt},
  };
  for (const auto& r : rows) {
    SECTION(r.name) { CHECK(next_question(flow, r.facts, r.history) == r.expected); }
  }
}

TEST_CASE("next_question on an empty flow is done at once", "[agents][question_flow]") {
  CHECK_FALSE(next_question(bot_settings{}, lead_facts{}, {}).has_value());
}

TEST_CASE("compose_reply: the answer, then the question, one space apart",
          "[agents][question_flow]") {
  struct row {
    const char* name;
    std::string answer;
    std::optional<std::string> question;
    std::string expected;
  };
  const std::vector<row> rows{
      {"both", "Homes start around $450k.", "Are you pre-approved?",
       "Homes start around $450k. Are you pre-approved?"},
      {"the answer is trimmed first", "  Homes start around $450k. \n", "Are you pre-approved?",
       "Homes start around $450k. Are you pre-approved?"},
      {"no answer: the question alone", "", "Are you pre-approved?", "Are you pre-approved?"},
      {"a blank answer: the question alone", " \n\t", "Are you pre-approved?",
       "Are you pre-approved?"},
      {"flow done: the answer alone", " Homes start around $450k. ", std::nullopt,
       "Homes start around $450k."},
      {"an empty question: the answer alone", "Homes start around $450k.", "",
       "Homes start around $450k."},
      {"neither", "", std::nullopt, ""},
  };
  for (const auto& r : rows) {
    SECTION(r.name) { CHECK(compose_reply(r.answer, r.question) == r.expected); }
  }
}

TEST_CASE("a reply asks one question, the flow's: the answer's own questions are dropped",
          "[agents][flow]") {
  using openhouse::agents::questions_in;
  const std::optional<std::string> flow{"Are you pre-approved with a lender yet?"};
  // The answer asked two things of its own: both go, the flow's question stays.
  const auto reply = compose_reply(
      "Noted: 3 bedrooms, around $435,000. Happy to help! How many bedrooms do you need, and "
      "what's your budget?",
      flow);
  CHECK(reply == "Noted: 3 bedrooms, around $435,000. Happy to help! " + *flow);
  CHECK(questions_in(reply).size() == 1);
  // "3.5%" and "..." are not sentence ends.
  CHECK(compose_reply("FHA starts at 3.5% down... great for first buyers.", flow) ==
        "FHA starts at 3.5% down... great for first buyers. " + *flow);
  // An answer of questions only gives way to the flow's question.
  CHECK(compose_reply("Are you looking to buy or sell?", flow) == *flow);
  // With no flow question, the answer's first sentence alone.
  CHECK(compose_reply("What area? And what budget?", std::nullopt) == "What area?");
  CHECK(compose_reply("Thanks! Talk soon.", std::nullopt) == "Thanks! Talk soon.");
}

TEST_CASE("the facts a question asks for are read from its words", "[agents][flow]") {
  using openhouse::agents::facts_asked;
  using v = std::vector<std::string>;
  CHECK(facts_asked("What price range are you shopping in?") == v{"budget_usd"});
  CHECK(facts_asked("Are you pre-approved with a lender yet?") == v{"pre_approved"});
  CHECK(facts_asked("How many bedrooms and bathrooms do you need?") == v{"bedrooms", "bathrooms"});
  CHECK(facts_asked("Are you looking to buy, sell, or both?") == v{"goal"});
  CHECK(facts_asked("Which cities or neighborhoods are you considering?") == v{"areas"});
  CHECK(facts_asked("Anything else I can help with?").empty());
}
