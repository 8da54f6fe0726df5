#include "cache/entity_guard.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using openhouse::cache::compare_entities;
using openhouse::cache::default_lexicon;
using openhouse::cache::disagreement;
using openhouse::cache::entities_agree;
using openhouse::cache::extract;
using openhouse::cache::lexicon;

namespace {

const lexicon& lex() {
  static const lexicon instance = default_lexicon();
  return instance;
}

struct row {
  const char* a;
  const char* b;
  const char* kind;  // "" when the two texts must agree
};

void check_rows(const std::vector<row>& rows) {
  for (const auto& r : rows) {
    const auto verdict = compare_entities(extract(r.a, lex()), extract(r.b, lex()));
    INFO(r.a << "  <->  " << r.b << "  :: " << verdict.detail);
    CHECK(verdict.agree == (std::string(r.kind).empty()));
    CHECK(verdict.kind == r.kind);
    // The verdict is symmetric.
    CHECK(compare_entities(extract(r.b, lex()), extract(r.a, lex())).agree == verdict.agree);
  }
}

}  // namespace

TEST_CASE("guard: numbers and their units", "[cache][guard]") {
  check_rows({
      {"Looking for a 5 bedroom in Riverside", "Looking for a 3 bedroom in Riverside", "number"},
      {"looking for 4bd/3ba in corona", "We're looking for a 4 bed 3 bath in Corona", ""},
      {"need 3 bathrooms", "need 3 bedrooms", "number"},
      {"2.5 ba", "2.5 bathrooms", ""},
      {"2.5 ba", "3 ba", "number"},
      {"any 3 bedroom homes", "any three bedroom homes", ""},
      {"Our roof is 25 years old", "Our roof is 5 years old", "number"},
      {"Can I put 0% down?", "Can I put 3.5% down?", "number"},
      {"Can I put 3.5% down?", "can i put 3.5 percent down", ""},
      {"anything over 3,000 sqft", "anything over 3000 sq ft", ""},
      {"a 2 car garage", "a 3 car garage", "number"},
  });
}

TEST_CASE("guard: dollar amounts", "[cache][guard]") {
  check_rows({
      {"Budget is around $650k", "our budget's about 650k", ""},
      {"Would the seller take $610,000?", "would the seller take 610k", ""},
      {"Would the seller take $610,000?", "Would the seller take $601,000?", "money"},
      {"pre-approved for 625k", "pre-approved for 675k", "money"},
      {"max is half a million", "max is $500k", ""},
      {"max is $1.2M", "max is 1.2 million", ""},
      {"max is $1.2M", "max is 1.3 million", "money"},
      {"making 90k a year", "on a $90,000 salary", ""},
      {"HOA is $480 a month", "HOA is $180 a month", "money"},
  });
}

TEST_CASE("guard: street addresses", "[cache][guard]") {
  check_rows({
      {"Any offers yet on 12950 Cherry Ave?", "Any offers yet on 12590 Cherry Ave?", "address"},
      {"Is 1824 Magnolia Ave still available?", "is 1824 magnolia avenue still available", ""},
      {"price on 7710 Sierra Ave", "price on 7710 Sierra Lakes Pkwy", "address"},
      {"worth of 2209 Euclid Ct", "worth of 2209 Euclid Ave", "address"},
      {"tour 455 W Grand Blvd", "tour 455 E Grand Blvd", "address"},
      {"HOA on 1190 N Cedar St Unit 14", "HOA on 1190 N Cedar St Unit 4", "address"},
      {"HOA on 1190 N Cedar St #14", "HOA on 1190 North Cedar Street unit 14", ""},
      {"the house on Sierra Ave", "the house on Magnolia Ave", "address"},
      {"the house on Sierra Ave", "the sierra ave house", ""},
  });
}

TEST_CASE("guard: zips", "[cache][guard]") {
  check_rows({
      {"homes for sale in 92501", "homes for sale in 92504", "zip"},
      {"market in zip 92880", "market in 92880", ""},
      {"listings in 92335 pls", "listings in 92335 please", ""},
  });
}

TEST_CASE("guard: dates, weekdays and times", "[cache][guard]") {
  check_rows({
      {"I'm free Thursday after 5", "I'm free Tuesday after 5", "date"},
      {"I'm free thurs after 5", "I'm free Thursday after 5", ""},
      {"call me tmrw", "call me tomorrow", ""},
      {"call me today", "call me tomorrow", "date"},
      {"is the open house this Saturday", "is the open house sat", "date"},
      {"is the open house next Saturday", "is the open house this Saturday", "date"},
      {"tour this wknd", "tour this weekend", ""},
      {"close by July 15", "close by June 15", "date"},
      {"close by 12/5", "close by Dec 5", ""},
      {"close by 12/5", "close by Dec 6", "date"},
      {"walkthrough on the 21st", "walkthrough on the 14th", "date"},
      {"Should I list in May?", "Should I list in January?", "date"},
      {"meet Friday evening", "meet Friday morning", "date"},
      {"move the showing to 4pm", "move the showing to 2pm", "time"},
      {"move the showing to 4pm", "move the showing to 4 PM", ""},
      {"My appointment is at 11:30", "My appointment is at 1:30", "time"},
  });
}

TEST_CASE("guard: cities and counties", "[cache][guard]") {
  check_rows({
      {"3bd listings in riverside", "3bd listings in rialto", "place"},
      {"listings in Chino", "listings in Chino Hills", "place"},
      {"property taxes in Riverside County", "property tax rate in riverside county", ""},
      {"property taxes in Riverside County", "property taxes in Riverside", "place"},
      {"lake view homes in Lake Elsinore", "lake view homes in Lake Arrowhead", "place"},
      {"homes in Beverly Hills", "homes in Bel Air", "place"},
      {"How's the market in Riverside right now?", "hows the riverside market rn", ""},
      {"commute from Ontario to LA", "commute from Temecula to LA", "place"},
  });
}

TEST_CASE("guard: negations", "[cache][guard]") {
  check_rows({
      {"We're not pre-approved yet", "We're pre-approved", "negation"},
      {"I can't make the appointment", "I can make the appointment", "negation"},
      {"I cant make the appointment", "I can't make the appointment", ""},
      {"We don't need to sell first", "We need to sell first", "negation"},
      {"homes with no HOA", "homes in an HOA", "negation"},
      {"homes without a pool", "homes with a pool", "negation"},
      {"homes w/o a pool", "homes without a pool", ""},
      {"never been pre-approved", "been pre-approved", "negation"},
      {"I'm no longer interested", "I'm interested", "negation"},
      {"Not interested, thanks", "no thx not interested", ""},
      {"Stop texting me", "pls dont text me anymore", ""},
      {"Can you stop texting me the new listings?", "Can you text me the new listings?",
       "negation"},
      {"No, I'm not interested", "Yes, I'm interested", "negation"},
  });
}

TEST_CASE("guard: topic-flipping words", "[cache][guard]") {
  check_rows({
      {"I want to buy a house in Riverside", "I want to sell a house in Riverside", "polarity"},
      {"We want to buy a home", "we r looking to purchase a house", ""},
      {"Should I rent or own?", "should i rent", "polarity"},
      {"Can I back out before the inspection?", "Can I back out after the inspection?", "polarity"},
      {"Can I buy before I sell?", "Can I sell before I buy?", "polarity"},
      {"pls cancel the tour", "I want to cancel my showing", ""},
      {"Please cancel my showing", "Please book my showing", "polarity"},
      {"I want to raise my offer", "I want to withdraw my offer", "polarity"},
      {"Take me off the list", "Keep me on the list", "polarity"},
      {"homes under 500k", "homes over 500k", "polarity"},
      {"any 3bd homes for less than 500k", "any 3 bedroom homes under $500k", ""},
      {"buy with good credit", "buy with bad credit", "polarity"},
      {"buy with bad credit", "buy w/ poor credit", ""},
  });
}

TEST_CASE("guard: interrogatives must ask the same thing", "[cache][guard]") {
  check_rows({
      {"Where is the open house?", "When is the open house?", "question"},
      {"When is the open house?", "what time's the open house", ""},
      {"How much does escrow cost?", "How long does escrow take?", "question"},
      {"How long does a home inspection take?", "how many hours is a home inspection", ""},
      {"Who picks the escrow company?", "How long is escrow?", "question"},
      {"What does pre-approval mean?", "We're pre-approved", "question"},
      {"why is escrow so long", "how long is escrow", "question"},
      {"How many homes sold?", "How much did homes sell for?", "question"},
      {"call me when you can", "call me", ""},
  });
}

TEST_CASE("guard: conflicting topics and one-word swaps", "[cache][guard]") {
  check_rows({
      {"How much earnest money do I need?", "How much down payment do I need?", "topic"},
      {"Can you help me find a contractor?", "Can you help me find a lender?", "topic"},
      {"Does the house have a pool?", "Does the house have a spa?", "subject"},
      {"Who pays for the home inspection?", "Who schedules the home inspection?", "substitution"},
      {"Who orders the appraisal?", "Who reviews the appraisal?", "subject"},
  });
}

TEST_CASE("guard: identical and trivially reworded texts agree", "[cache][guard]") {
  check_rows({
      {"What are the HOA fees in Eastvale?", "What are the HOA fees in Eastvale?", ""},
      {"Thanks for the info!", "thx for the info \xF0\x9F\x99\x8F", ""},
      {"", "", ""},
  });
}

TEST_CASE("guard: extraction is canonical", "[cache][guard]") {
  const auto e = extract(
      "Can I tour 455 W Grand Blvd, Corona 92882 on Sat 12/5 at 4pm for $450k? "
      "Need 3bd, not a condo",
      lex());
  CHECK(e.addresses == std::vector<std::string>{"455 west grand boulevard"});
  CHECK(e.places == std::vector<std::string>{"city:corona"});
  CHECK(e.zips == std::vector<std::string>{"92882"});
  CHECK(e.money == std::vector<std::string>{"450000"});
  CHECK(e.times == std::vector<std::string>{"16:00"});
  CHECK(e.numbers == std::vector<std::string>{"3 bedroom"});
  CHECK(e.negations == std::vector<std::string>{"not:condo"});
  CHECK(e.dates == std::vector<std::string>{"day:5", "month:december", "weekday:saturday"});
}

TEST_CASE("guard: the reason names the differing kind", "[cache][guard]") {
  const auto a = extract("homes in 92501", lex());
  const auto b = extract("homes in 92504", lex());
  CHECK_FALSE(entities_agree(a, b));
  CHECK(disagreement(a, b) == "zip: [92501] vs [92504]");
  CHECK(disagreement(a, a).empty());
}

TEST_CASE("guard: a place no list knows is still a place", "[cache][guard]") {
  check_rows({
      // Lower case, shaped like a place name: a place type last or a prefix first.
      {"lots for sale in cedar glen", "lots for sale in crest park", "place"},
      {"any cabins near lake gregory", "any cabins near lake arrowhead", "place"},
      {"condos in sunnymead ranch", "condos in Moreno Valley", "place"},
      // Capitalised or not, the same unknown place agrees with itself.
      {"homes in Mission Grove", "homes in mission grove", ""},
      // Ordinary words after "in" are no place.
      {"is the house in good shape", "is the home in good shape", ""},
  });
}

TEST_CASE("guard: a longer name around a known city is another place", "[cache][guard]") {
  check_rows({
      {"what's selling in west corona", "what's selling in corona", "place"},
      {"cabins by lake hemet", "cabins by hemet", "place"},
      {"Any listings in Temecula Creek?", "Any listings in Temecula?", "place"},
      {"homes in Rancho Santa Fe", "homes in Rancho Cucamonga", "place"},
      // A city whose first word is another city's shorthand keeps its name.
      {"homes in la quinta", "homes in LA", "place"},
      {"closing costs in CA", "closing costs in California", ""},
  });
}

TEST_CASE("guard: the ends of a route", "[cache][guard]") {
  check_rows({
      {"the drive from Corona to Irvine", "the drive from Irvine to Corona", "place"},
      {"the drive from Corona to Irvine", "the drive to Irvine from Corona", ""},
  });
}

TEST_CASE("guard: particles flip their verb", "[cache][guard]") {
  check_rows({
      {"can we push the closing back a week", "can we move the closing up a week", "polarity"},
      {"switch the listing alerts on", "switch the listing alerts off", "polarity"},
      {"count us in for saturday", "count us out for saturday", "polarity"},
      {"can you call me back", "call me back whenever you can", ""},
      // "in" before a place is a preposition, not a particle.
      {"any condos in Ontario under 500k", "any condos in Ontario below $500k", ""},
  });
}

TEST_CASE("guard: soft poles count only against another pole", "[cache][guard]") {
  check_rows({
      {"can you recommend a lender", "know any good lenders?", ""},
      {"is it a good time to sell", "is it a bad time to sell", "polarity"},
      {"send me fewer listings", "send me more listings", "polarity"},
      {"is the laundry upstairs", "is the laundry downstairs", "polarity"},
      // Some poles change the request on their own.
      {"can you cancel my appointment", "can I get an appointment", "polarity"},
      {"I'd like to reschedule the walkthrough", "I'd like to book the walkthrough", "polarity"},
      {"are rates going to drop", "will rates come down", ""},
      {"are rates going to drop", "are rates going to rise", "polarity"},
  });
}

TEST_CASE("guard: who does what to whom", "[cache][guard]") {
  check_rows({
      {"Does the lender reimburse the buyer?", "Does the buyer reimburse the lender?", "role"},
      {"can the listing agent represent the buyer too",
       "can the buyer's agent represent the seller too", "role"},
      {"do I owe you anything", "do you owe me anything", "role"},
      {"Does the seller pay for the buyer's title insurance?",
       "does the seller cover the buyer's title insurance", ""},
      // A party that restates the speaker is no party of the question.
      {"as the seller do I pay the buyer's agent", "do I pay the buyer's agent as the seller", ""},
  });
}

TEST_CASE("guard: different subjects are different questions", "[cache][guard]") {
  check_rows({
      {"how are the schools in Redlands", "how are the parks in Redlands", "subject"},
      {"when is the water bill due", "when is the trash bill due", "subject"},
      {"is the water heater new", "is the furnace new", "subject"},
      {"can I pay the deposit by check", "can I pay the deposit by wire", "subject"},
      // A topic only one side names narrows the question.
      {"how much is the down payment on the Upland condo", "how much is the Upland condo",
       "subject"},
      // A side that names nothing may be completed by the other.
      {"How much does it cost?", "How much are closing costs?", ""},
      // Typos and inflections are the same word.
      {"is the neighbourhood quiet", "is the neighborhood quiet", ""},
      {"do you do staging", "how much is home staging", "question"},
  });
}

TEST_CASE("guard: a question is not a statement", "[cache][guard]") {
  check_rows({
      {"what is a contingency", "we have a contingency", "question"},
      {"what is a contingency?", "can you explain contingencies", ""},
      {"should I refinance or sell?", "I will refinance and then sell", "question"},
      {"hows the traffic in Hemet", "is there much traffic in Hemet?", ""},
      // What something is, how to get it, and a request to hear about it.
      {"what does escrow mean", "how do I open escrow", "question"},
      {"what is a short sale", "can you explain short sales", ""},
      {"tell me about the HOA", "we joined the HOA", "question"},
  });
}

TEST_CASE("guard: an amount keeps its period", "[cache][guard]") {
  check_rows({
      {"rent is $2,100 a month", "rent is 2100 dollars per month", ""},
      {"rent is $2,100 a month", "rent is $2,100 a year", "money"},
      {"earning 120k a year", "on a $120,000 salary", ""},
  });
}

TEST_CASE("guard: extraction of the new parts", "[cache][guard]") {
  const auto e = extract("Does the seller pay the buyer's agent in West Covina, or not?", lex());
  CHECK(e.roles == std::vector<std::string>{"seller", "buyer", "agent"});
  CHECK(e.places == std::vector<std::string>{"city:west covina"});
  CHECK_FALSE(e.statement);
  const auto s = extract("we are renting now and want to buy", lex());
  CHECK(s.statement);
  CHECK(s.polarity == std::vector<std::string>{"deal:buy", "tenure:rent"});
  const auto p = extract("turn the alerts off", lex());
  CHECK(p.soft_polarity == std::vector<std::string>{"particle:off"});
}

TEST_CASE("guard: a person named is part of the message", "[cache][guard]") {
  check_rows({
      {"hi this is dana, we want to buy in Perris", "hi we want to buy in Perris", "name"},
      {"my name is Luis and I'm selling", "my name is Priya and I'm selling", "name"},
      {"hi is this the realtor?", "hey is this the agent", ""},
  });
  CHECK(extract("hey this is Omar, any condos?", lex()).names == std::vector<std::string>{"omar"});
}
