// A lead's whole state through PostgreSQL: every member set away from its
// default is written by each write path (a CRM change, a turn's reply) and
// comes back equal from a load, compared whole. A member added to
// agents::lead_state without a column fails here (or does not compile: the
// sample and the mapper name every member).

#include "integrations/postgres/lead_state_row.hpp"
#include "integrations/postgres/store.hpp"
#include "tests/support/lead_state_sample.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using openhouse::postgres::store;
using openhouse::runtime::crm_write;
using openhouse::runtime::inbound_sms;
using openhouse::runtime::outbound_reply;
using openhouse::test::every_field_set;
using openhouse::test::scratch_database;
namespace agents = openhouse::agents;
namespace lead_state_row = openhouse::postgres::lead_state_row;

namespace {

constexpr const char* market = "inland-empire";

crm_write crm_change(const agents::lead_state& state) {
  crm_write w;
  w.webhook_id = "wh-state-1";
  w.kind = "ContactUpdate";
  w.at_ms = 1'701'000'200'000;
  w.state = state;
  return w;
}

}  // namespace

TEST_CASE("a CRM change stores every member of the lead and a load gives it back whole",
          "[postgres][integration][lead_state]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  const auto state = every_field_set();
  REQUIRE(s.record_crm(crm_change(state)) == 1);

  auto expected = state;
  expected.crm_version = 1;    // counted by the store, not taken from the state
  expected.state_version = 1;  // the first write of the lead
  const auto loaded = s.load_conversation(state.contact, 10);
  CHECK(loaded.lead == expected);
  CHECK(loaded.history.empty());
}

TEST_CASE("a turn's write stores every member it owns and a load gives back the whole state",
          "[postgres][integration][lead_state]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  const auto contact = every_field_set().contact;
  REQUIRE(s.record_crm(crm_change(every_field_set())) == 1);
  REQUIRE(
      s.record_inbound(inbound_sms{"SMst1", contact, "+19095550100", "START", 1'701'000'300'000})
          .inserted);

  // The turn starts from the lead as stored and changes every member a turn
  // writes (the CRM's tags and counter stay the CRM's).
  auto next = s.load_conversation(contact, 10).lead;
  REQUIRE(next.crm_version == 1);
  REQUIRE(next.state_version == 1);
  next.active_bot = agents::bot_kind::buyer;
  next.turns += 1;
  next.needs_human = false;
  next.opted_out = false;  // an opt-in: this turn decides the opt-out
  next.temperature = agents::temperature::hot;
  next.facts.budget_usd = 700000;
  next.facts.pre_approved = true;
  next.facts.areas.push_back("Norco");
  next.facts.engagement.fact_turns += 1;
  next.frs = 71.5;
  next.pcs = 48.75;
  agents::append_handoff(
      next, {std::chrono::system_clock::time_point{std::chrono::milliseconds{1'701'000'300'500}},
             agents::bot_kind::seller, agents::bot_kind::buyer});
  next.confusion_turns = 0;
  next.muted = false;
  next.held_at_ms = 1'701'000'299'001;
  next.temperature_override.reset();
  next.override_basis.reset();

  outbound_reply r;
  r.contact = contact;
  r.in_reply_to_sid = "SMst1";
  r.body = "You're subscribed again.";
  r.bot = "buyer";
  r.sent_at_ms = 1'701'000'301'000;
  r.compliance = "opt_in";
  r.state = next;
  const auto rec = s.record_reply(r);
  REQUIRE(rec.stored);
  CHECK(rec.state_version == 2);

  auto expected = next;
  expected.state_version = 2;
  CHECK(s.load_conversation(contact, 10).lead == expected);
}

TEST_CASE("the state's mapper binds a column for every member but the key and the versions",
          "[postgres][integration][lead_state]") {
  // The contact is the row's key; crm_version and state_version are read
  // here and bound by each statement its own way.
  CHECK(lead_state_row::columns().size() + 3 == agents::lead_state_field_count);
  CHECK(lead_state_row::size() == lead_state_row::columns().size());
  CHECK(lead_state_row::bind(every_field_set()).size() == lead_state_row::size());
  const auto sql = lead_state_row::with_placeholders(
      "INSERT INTO t ({state.columns}) VALUES ({state.values}) -- {state.turns}", 4);
  CHECK_THAT(sql, Catch::StartsWith("INSERT INTO t (active_bot, turns, "));
  CHECK_THAT(sql, Catch::Contains("VALUES ($4::text, $5::integer, "));
  CHECK_THAT(sql, Catch::EndsWith("-- $5::integer"));
  CHECK_THROWS_AS(lead_state_row::with_placeholders("{state.mood}", 1), std::invalid_argument);
  CHECK_THROWS_AS(lead_state_row::with_placeholders("{state.crm_version}", 1),
                  std::invalid_argument);
}
