// The CRM front end's persistence against a real PostgreSQL: a CRM change is
// written with its webhookId in one transaction, so a redelivery (also to a
// new store, as after a restart) changes nothing; crm_version counts the
// changes; the CRM-owned state columns come back as written.

#include "integrations/postgres/store.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

using openhouse::postgres::store;
using openhouse::runtime::crm_write;
using openhouse::runtime::inbound_sms;
using openhouse::runtime::outbound_reply;
using openhouse::test::scratch_database;

namespace {

constexpr const char* market = "inland-empire";
constexpr const char* lead = "+19095556001";

namespace agents = openhouse::agents;

/// What a person's budget edit in the CRM leaves in the facts.
agents::lead_facts pinned_budget() {
  agents::lead_facts f;
  f.budget_usd = 600000;
  f.crm_pinned = {"budget_usd"};
  return f;
}

crm_write hot_tag(std::string webhook_id) {
  crm_write w;
  w.webhook_id = std::move(webhook_id);
  w.kind = "ContactTagUpdate";
  w.at_ms = 1'700'000'000'000;
  w.state.contact = lead;
  w.state.temperature = agents::temperature::hot;
  w.state.temperature_override = agents::temperature::hot;
  w.state.override_basis = agents::temperature::cold;
  w.state.crm_tags = {"vip", "Hot-Lead"};
  w.state.facts = pinned_budget();
  w.state.frs = 25;
  w.state.pcs = 10;
  w.temperature_from = "cold";
  w.temperature_reason = "hot set by a person in the CRM";
  return w;
}

long count(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  return tx.exec(sql)[0][0].as<long>();
}

}  // namespace

TEST_CASE("a CRM change is stored with its webhookId and its state round-trips",
          "[postgres][integration][crm]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  CHECK_FALSE(s.crm_applied("wh-1"));
  CHECK(s.record_crm(hot_tag("wh-1")) == 1);
  CHECK(s.crm_applied("wh-1"));

  const auto snap = s.load_conversation(lead, 10).lead;
  CHECK(snap.temperature == agents::temperature::hot);
  CHECK(snap.temperature_override == agents::temperature::hot);
  CHECK(snap.override_basis == agents::temperature::cold);
  CHECK(snap.crm_tags == std::vector<std::string>{"vip", "Hot-Lead"});
  CHECK(snap.facts == pinned_budget());
  CHECK(snap.frs == 25);
  CHECK(snap.pcs == 10);
  CHECK(snap.crm_version == 1);
  CHECK(count(db.url(),
              "SELECT count(*) FROM temperature_changes WHERE from_temp = 'cold' AND "
              "to_temp = 'hot' AND reason LIKE '%person%'") == 1);
  CHECK(count(db.url(),
              "SELECT count(*) FROM crm_webhooks WHERE webhook_id = 'wh-1' AND "
              "kind = 'ContactTagUpdate'") == 1);
}

TEST_CASE("a redelivered CRM webhook changes nothing, also after a restart",
          "[postgres][integration][crm]") {
  scratch_database db;
  {
    store s{db.url(), market};
    s.migrate();
    REQUIRE(s.record_crm(hot_tag("wh-1")) == 1);
    auto other = hot_tag("wh-1");
    other.state.temperature = agents::temperature::cold;  // a different effect under the same id
    other.state.crm_tags = {};
    CHECK(s.record_crm(other) == 0);
  }
  // A new store (a restarted node) knows the id from the database alone.
  store s{db.url(), market};
  CHECK(s.crm_applied("wh-1"));
  auto again = hot_tag("wh-1");
  again.state.temperature = agents::temperature::warm;
  CHECK(s.record_crm(again) == 0);
  const auto snap = s.load_conversation(lead, 10).lead;
  CHECK(snap.temperature == agents::temperature::hot);
  CHECK(snap.crm_tags == std::vector<std::string>{"vip", "Hot-Lead"});
  CHECK(snap.crm_version == 1);
  CHECK(count(db.url(), "SELECT count(*) FROM temperature_changes") == 1);
  CHECK(count(db.url(), "SELECT count(*) FROM crm_webhooks") == 1);
  // The same id is another market's own event.
  store elsewhere{db.url(), "other-market"};
  CHECK_FALSE(elsewhere.crm_applied("wh-1"));
}

TEST_CASE("crm_version counts CRM changes and a turn's write keeps the CRM's columns",
          "[postgres][integration][crm]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  REQUIRE(s.record_inbound(inbound_sms{"SM1", lead, "+19095550100", "Hi", 1000}).inserted);
  CHECK(s.record_crm(hot_tag("wh-1")) == 1);
  auto second = hot_tag("wh-2");
  second.state.crm_tags = {"vip"};
  second.state.temperature = agents::temperature::cold;
  second.state.temperature_override.reset();
  second.state.override_basis.reset();
  second.temperature_from = "hot";
  CHECK(s.record_crm(second) == 2);
  // Traces carry no webhookId: applied every time, never recorded.
  auto trace = second;
  trace.webhook_id.clear();
  trace.temperature_from.clear();
  CHECK(s.record_crm(trace) == 3);
  CHECK(s.record_crm(trace) == 4);
  CHECK(count(db.url(), "SELECT count(*) FROM crm_webhooks") == 2);

  // A conversation learns of the changes when it records the next message.
  const auto rec = s.record_inbound(inbound_sms{"SM2", lead, "+19095550100", "ok", 2000});
  CHECK(rec.crm_version == 4);

  // A turn's state write leaves the tags and the counter to the CRM path.
  outbound_reply r;
  r.contact = lead;
  r.in_reply_to_sid = "SM2";
  r.body = "Great";
  r.bot = "lead";
  r.sent_at_ms = 3000;
  r.state = s.load_conversation(lead, 10).lead;
  r.state.crm_tags = {};
  r.state.crm_version = 0;
  r.state.turns = 1;
  REQUIRE(s.record_reply(r));
  const auto snap = s.load_conversation(lead, 10).lead;
  CHECK(snap.crm_tags == std::vector<std::string>{"vip"});
  CHECK(snap.crm_version == 4);
  CHECK(snap.turns == 1);
}

TEST_CASE("a turn that started before a CRM change does not overwrite the CRM's temperature",
          "[postgres][integration][crm]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  REQUIRE(s.record_inbound(inbound_sms{"SM1", lead, "+19095550100", "hi", 1000}).inserted);
  // The turn loads the lead (Cold, crm_version 0) and works on it...
  outbound_reply r;
  r.contact = lead;
  r.in_reply_to_sid = "SM1";
  r.body = "Hello";
  r.bot = "lead";
  r.sent_at_ms = 3000;
  r.state = s.load_conversation(lead, 10).lead;
  REQUIRE(r.state.crm_version == 0);
  r.state.temperature = agents::temperature::cold;
  r.state.facts = {};
  r.state.facts.budget_usd = 300000;
  r.state.turns = 1;
  r.state.active_bot = agents::bot_kind::buyer;
  // ...while a person tags the lead Hot in the CRM (another node, say).
  REQUIRE(s.record_crm(hot_tag("wh-1")) == 1);
  // The turn's write names the state it loaded: refused, the lead changed.
  const auto refused = s.record_reply(r);
  CHECK_FALSE(refused.stored);
  CHECK(refused.refused == openhouse::runtime::reply_record::refusal::stale);
  // Written without a version (as a tool that did not load the lead does),
  // the CRM's columns still stand over the turn's.
  r.state.state_version = -1;
  REQUIRE(s.record_reply(r));
  auto snap = s.load_conversation(lead, 10).lead;
  CHECK(snap.temperature == agents::temperature::hot);
  CHECK(snap.temperature_override == agents::temperature::hot);
  CHECK(snap.facts == pinned_budget());
  CHECK(snap.frs == 25);
  // The turn's own columns are written.
  CHECK(snap.turns == 1);
  CHECK(snap.active_bot == agents::bot_kind::buyer);

  // A turn that saw the CRM change writes its scoring as usual.
  REQUIRE(s.record_inbound(inbound_sms{"SM2", lead, "+19095550100", "ok", 4000}).inserted);
  r = outbound_reply{};
  r.contact = lead;
  r.in_reply_to_sid = "SM2";
  r.body = "Great";
  r.bot = "buyer";
  r.sent_at_ms = 5000;
  r.state = snap;
  r.state.temperature = agents::temperature::warm;
  r.state.turns = 2;
  REQUIRE(s.record_reply(r));
  snap = s.load_conversation(lead, 10).lead;
  CHECK(snap.temperature == agents::temperature::warm);
  CHECK(snap.turns == 2);
}
