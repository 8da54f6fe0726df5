// A reply's provenance stored by record_reply's statement and read back by
// store::transcript, against a real PostgreSQL (scripts/services).

#include "core/turn_provenance.hpp"
#include "integrations/postgres/store.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

using openhouse::postgres::store;
using openhouse::runtime::inbound_sms;
using openhouse::runtime::outbound_reply;
using openhouse::test::scratch_database;
namespace agents = openhouse::agents;

namespace {

inbound_sms sms(std::string sid, std::string from, std::string body, std::int64_t at) {
  return {std::move(sid), std::move(from), "+19095550100", std::move(body), at};
}

outbound_reply reply_to(const std::string& sid, const std::string& contact, std::string body,
                        std::string provenance) {
  outbound_reply r;
  r.contact = contact;
  r.in_reply_to_sid = sid;
  r.body = std::move(body);
  r.bot = "seller";
  r.sent_at_ms = 5000;
  r.state.contact = contact;
  r.state.active_bot = openhouse::agents::bot_kind::seller;
  r.state.turns = 1;
  r.state.temperature = openhouse::agents::temperature::warm;
  r.state.frs = 30;
  r.state.pcs = 70;
  r.state.facts.timeline_months = 3;
  r.provenance_json = std::move(provenance);
  return r;
}

std::string text_of(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  return tx.exec(sql)[0][0].as<std::string>();
}

}  // namespace

TEST_CASE("a reply's provenance is stored with it and read back in the transcript",
          "[postgres][integration][provenance]") {
  scratch_database db;
  store s{db.url(), "inland-empire"};
  s.migrate();
  const std::string lead = "+19515550142";

  agents::turn_provenance p;
  p.bot = "seller";
  p.answered_by = "bot";
  p.units = {{"reply", "l2", "SMearlier-lead", 0, "claude-sonnet-4-6", 0}};
  p.temperature = "warm";
  REQUIRE(s.record_inbound(sms("SMp1", lead, "want to list my condo this spring", 1000)).inserted);
  REQUIRE(s.record_reply(reply_to("SMp1", lead, "Happy to help! What condition is it in?",
                                  agents::provenance_json(p))));
  // A racing second reply is refused, and so is its provenance.
  auto other = p;
  other.units[0].source_sid = "SMsomeone-else";
  CHECK_FALSE(s.record_reply(reply_to("SMp1", lead, "another", agents::provenance_json(other))));
  // A turn still unanswered.
  REQUIRE(s.record_inbound(sms("SMp2", lead, "also, is now a good time?", 9000)).inserted);

  // jsonb: an operator can query it in SQL.
  CHECK(text_of(db.url(),
                "SELECT provenance->'units'->0->>'source_sid' FROM messages "
                "WHERE direction = 'outbound'") == "SMearlier-lead");

  const auto t = s.transcript(lead);
  REQUIRE(t.found);
  CHECK(t.contact == lead);
  CHECK(t.bot == "seller");
  CHECK(t.temperature == "warm");
  CHECK(t.frs == 30);
  CHECK(t.pcs == 70);
  CHECK_FALSE(t.opted_out);
  CHECK(nlohmann::json::parse(t.facts_json) == nlohmann::json{{"timeline_months", 3}});
  REQUIRE(t.turns.size() == 2);
  CHECK(t.turns[0].sid == "SMp1");
  CHECK(t.turns[0].at_ms == 1000);
  CHECK(t.turns[0].inbound == "want to list my condo this spring");
  CHECK(t.turns[0].has_reply);
  CHECK(t.turns[0].reply == "Happy to help! What condition is it in?");
  CHECK(t.turns[0].bot == "seller");
  const auto stored = agents::parse_provenance(t.turns[0].provenance_json);
  REQUIRE(stored);
  CHECK(*stored == p);
  CHECK(t.turns[1].sid == "SMp2");
  CHECK_FALSE(t.turns[1].has_reply);
  CHECK(t.turns[1].provenance_json.empty());
}

TEST_CASE("a reply without provenance and a follow-up read as such; unknown leads are not found",
          "[postgres][integration][provenance]") {
  scratch_database db;
  store s{db.url(), "inland-empire"};
  s.migrate();
  const std::string lead = "+19515550143";
  REQUIRE(s.record_inbound(sms("SMq1", lead, "hello", 1000)).inserted);
  REQUIRE(s.record_reply(reply_to("SMq1", lead, "Hi there!", "")));
  {
    // A follow-up the runtime sent after the lead went quiet.
    pqxx::connection c{db.url()};
    pqxx::nontransaction tx{c};
    tx.exec(
        "INSERT INTO messages (contact_id, direction, body, status, bot, created_at, "
        "follow_up_of, follow_up_n) SELECT contact_id, 'outbound', 'Still there?', 'outbox', "
        "'follow_up', to_timestamp(90), id, 1 FROM messages WHERE direction = 'outbound'");
  }
  const auto t = s.transcript(lead);
  REQUIRE(t.found);
  REQUIRE(t.turns.size() == 2);
  CHECK(t.turns[0].provenance_json.empty());  // NULL: stored without one
  CHECK_FALSE(t.turns[1].has_inbound);
  CHECK(t.turns[1].follow_up == 1);
  CHECK(t.turns[1].reply == "Still there?");
  CHECK(t.turns[1].at_ms == 90000);

  CHECK_FALSE(s.transcript("+19515550999").found);
  // Another market's node does not see this market's lead.
  CHECK_FALSE(store{db.url(), "elsewhere"}.transcript(lead).found);
}
