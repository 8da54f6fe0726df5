// store::record_batch against a real PostgreSQL: several turns' writes in one
// commit, each decided on its own rows.

#include "integrations/postgres/store.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <string>
#include <variant>
#include <vector>

using openhouse::postgres::batch_write;
using openhouse::postgres::inbound_write;
using openhouse::postgres::store;
using openhouse::runtime::inbound_record;
using openhouse::runtime::inbound_sms;
using openhouse::runtime::outbound_reply;
using openhouse::runtime::reply_record;
using openhouse::test::scratch_database;

namespace {

inbound_write text_from(std::string lead, std::string sid, std::string body) {
  return {inbound_sms{std::move(sid), std::move(lead), "+19515550111", std::move(body), 5000},
          false};
}

outbound_reply answer_to(const std::string& lead, const std::string& sid, std::string body,
                         std::int64_t loaded_version) {
  outbound_reply r;
  r.contact = lead;
  r.in_reply_to_sid = sid;
  r.body = std::move(body);
  r.bot = "lead";
  r.sent_at_ms = 6000;
  r.state.contact = lead;
  r.state.active_bot = openhouse::agents::bot_kind::lead;
  r.state.turns = 1;
  r.state.state_version = loaded_version;
  return r;
}

long number(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  return tx.exec(sql)[0][0].as<long>();
}

}  // namespace

TEST_CASE("a batch of writes from many leads is one transaction",
          "[store][postgres][integration]") {
  scratch_database db;
  store s{db.url(), "inland-empire"};
  s.migrate();
  std::vector<batch_write> texts;
  for (int i = 0; i < 12; ++i) {
    texts.emplace_back(text_from("+1951555" + std::to_string(2000 + i), "SMb" + std::to_string(i),
                                 "is the yard fenced"));
  }
  const auto in = s.record_batch(texts);
  REQUIRE(in.size() == 12);
  for (const auto& o : in) CHECK(std::get<inbound_record>(o).inserted);
  // Rows written by one transaction carry its id (xmin).
  CHECK(number(db.url(), "SELECT count(DISTINCT xmin::text) FROM messages") == 1);
  std::vector<batch_write> replies;
  for (int i = 0; i < 12; ++i) {
    replies.emplace_back(answer_to("+1951555" + std::to_string(2000 + i), "SMb" + std::to_string(i),
                                   "It is, on three sides.", 0));
  }
  const auto out = s.record_batch(replies);
  for (const auto& o : out) CHECK(std::get<reply_record>(o).stored);
  // The replies' batch also marked the texts replied: every row is its.
  CHECK(number(db.url(), "SELECT count(*) FROM messages") == 24);
  CHECK(number(db.url(), "SELECT count(DISTINCT xmin::text) FROM messages") == 1);
  CHECK(number(db.url(),
               "SELECT count(DISTINCT xmin::text) FROM messages WHERE direction = 'outbound'") ==
        1);
  CHECK(number(db.url(), "SELECT count(*) FROM conversation_state WHERE turns = 1") == 12);
}

TEST_CASE("a duplicate sid or a stale state inside a batch is decided for that write alone",
          "[store][postgres][integration]") {
  scratch_database db;
  store s{db.url(), "inland-empire"};
  s.migrate();
  const std::string ana = "+19515553001";
  const std::string ben = "+19515553002";
  const std::string cal = "+19515553003";
  // Ben already has a turn stored: his state is at version 1.
  REQUIRE(s.record_inbound(text_from(ben, "SMben1", "hello there").msg).inserted);
  REQUIRE(s.record_reply(answer_to(ben, "SMben1", "Hi Ben!", 0)).stored);
  REQUIRE(s.record_inbound(text_from(ben, "SMben2", "any pools nearby").msg).inserted);
  REQUIRE(s.record_inbound(text_from(ana, "SMana1", "three bedrooms please").msg).inserted);

  std::vector<batch_write> batch;
  batch.emplace_back(text_from(ana, "SMana1", "three bedrooms please"));   // redelivered
  batch.emplace_back(text_from(cal, "SMcal1", "do you cover Riverside"));  // new
  batch.emplace_back(answer_to(ana, "SMana1", "Noted: three bedrooms.", 0));
  batch.emplace_back(answer_to(ben, "SMben2", "A few, yes.", 0));  // loaded before version 1
  const auto out = s.record_batch(batch);
  REQUIRE(out.size() == 4);
  CHECK_FALSE(std::get<inbound_record>(out[0]).inserted);
  CHECK(std::get<inbound_record>(out[1]).inserted);
  CHECK(std::get<reply_record>(out[2]).stored);
  const auto& stale = std::get<reply_record>(out[3]);
  CHECK_FALSE(stale.stored);
  CHECK(stale.refused == reply_record::refusal::stale);

  // Ben's turn runs again on the version as stored and is written alone.
  const auto again = s.record_batch({answer_to(ben, "SMben2", "A few, yes.", 1)});
  CHECK(std::get<reply_record>(again.at(0)).stored);
  CHECK(number(db.url(), "SELECT count(*) FROM messages WHERE provider_sid = 'SMana1'") == 1);
  CHECK(number(db.url(), "SELECT count(*) FROM messages WHERE direction = 'outbound'") == 3);
}

TEST_CASE("a known lead's contact row is not written again per message",
          "[store][postgres][integration]") {
  scratch_database db;
  store s{db.url(), "inland-empire"};
  s.migrate();
  const std::string lead = "+19515554001";
  REQUIRE(s.record_inbound(text_from(lead, "SMc1", "first").msg).inserted);
  const auto written =
      number(db.url(), "SELECT xmin::text::bigint FROM contacts WHERE phone = '" + lead + "'");
  REQUIRE(s.record_inbound(text_from(lead, "SMc2", "second").msg).inserted);
  REQUIRE(
      std::get<inbound_record>(s.record_batch({text_from(lead, "SMc3", "third")}).at(0)).inserted);
  CHECK(number(db.url(), "SELECT xmin::text::bigint FROM contacts WHERE phone = '" + lead + "'") ==
        written);
  CHECK(number(db.url(), "SELECT count(*) FROM messages") == 3);
  // A store that does not know the lead yet finds the same row.
  store other{db.url(), "inland-empire"};
  REQUIRE(other.record_inbound(text_from(lead, "SMc4", "fourth").msg).inserted);
  CHECK(number(db.url(), "SELECT count(*) FROM contacts") == 1);
}

TEST_CASE("a batch that cannot reach the database writes nothing and says so",
          "[store][postgres][integration]") {
  store s{"postgresql://postgres@127.0.0.1:1/none?connect_timeout=1", "m"};
  CHECK_THROWS_AS(s.record_batch({text_from("+19515555001", "SMd1", "hi")}),
                  openhouse::postgres::unavailable);
}
