// Texts whose turn was cut off, against a real PostgreSQL: which ones a
// claim takes, that two nodes never take the same one, and what a flag does.

#include "integrations/postgres/orphan_store.hpp"
#include "integrations/postgres/store.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <future>
#include <set>

using namespace openhouse;
using openhouse::test::scratch_database;

namespace {

constexpr std::int64_t t0 = 1'800'000'000'000;  // ms
constexpr std::int64_t lease_ms = 15'000;

runtime::inbound_sms sms(std::string sid, std::string from, std::int64_t at) {
  return {std::move(sid), std::move(from), "+19095550100", "is the house on elm still for sale",
          at};
}

runtime::outbound_reply reply_to(const std::string& sid, const std::string& contact,
                                 std::int64_t lease) {
  runtime::outbound_reply r;
  r.contact = contact;
  r.in_reply_to_sid = sid;
  r.body = "It is!";
  r.bot = "lead";
  r.sent_at_ms = t0 + 100;
  r.state.contact = contact;
  r.state.turns = 1;
  r.lease_token = lease;
  return r;
}

long count(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  return tx.exec(sql)[0][0].as<long>();
}

postgres::orphan_claim claim_at(std::int64_t now, std::string node = "n1") {
  postgres::orphan_claim q;
  q.now_ms = now;
  q.since_ms = now - 3'600'000;
  q.settled_before_ms = now - lease_ms;
  q.reclaim_before_ms = now - 60'000;
  q.node = std::move(node);
  return q;
}

std::set<std::string> sids(const std::vector<postgres::orphan_row>& rows) {
  std::set<std::string> out;
  for (const auto& r : rows) out.insert(r.sid);
  return out;
}

}  // namespace

TEST_CASE("a claim takes unanswered texts once their lease ran out, and only once",
          "[postgres][orphans][integration]") {
  scratch_database db;
  postgres::store s{db.url(), "ie"};
  s.migrate();
  s.set_turn_lease(std::chrono::milliseconds{lease_ms});
  // Answered: never an orphan.
  const auto a = s.record_inbound(sms("SMa", "+19095550001", t0), true);
  REQUIRE(s.record_reply(reply_to("SMa", "+19095550001", a.lease_token)).stored);
  // Cut off: recorded with the lease, never answered.
  s.record_inbound(sms("SMb", "+19095550002", t0), true);
  // Another market's text is not this market's to answer.
  postgres::store other{db.url(), "elsewhere"};
  other.record_inbound(sms("SMc", "+19095550003", t0), true);
  postgres::orphan_store orphans{db.url(), "ie"};

  // While its lease may still be a live turn's, nobody takes it.
  CHECK(orphans.claim(claim_at(t0 + lease_ms - 1)).empty());
  const auto rows = orphans.claim(claim_at(t0 + lease_ms + 1));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].sid == "SMb");
  CHECK(rows[0].contact == "+19095550002");
  CHECK(rows[0].body == "is the house on elm still for sale");
  CHECK(rows[0].received_at_ms == t0);
  CHECK_FALSE(rows[0].superseded);
  // Claimed: not taken again until the claim is old.
  CHECK(orphans.claim(claim_at(t0 + lease_ms + 2, "n2")).empty());
  const auto again = orphans.claim(claim_at(t0 + lease_ms + 61'000, "n2"));
  REQUIRE(again.size() == 1);
  CHECK(count(db.url(), "SELECT count(*) FROM messages WHERE orphan_claimed_by = 'n2'") == 1);
  // Settled: never again.
  orphans.settle(again[0].id, "answered");
  CHECK(orphans.claim(claim_at(t0 + lease_ms + 200'000)).empty());
}

TEST_CASE("two nodes claiming at once split the texts between them",
          "[postgres][orphans][integration]") {
  scratch_database db;
  postgres::store s{db.url(), "ie"};
  s.migrate();
  for (int i = 0; i < 60; ++i) {
    s.record_inbound(sms("SM" + std::to_string(i), "+1909555" + std::to_string(1000 + i), t0),
                     true);
  }
  const auto claim = [&](const std::string& node) {
    postgres::orphan_store o{db.url(), "ie"};
    std::vector<postgres::orphan_row> all;
    for (int round = 0; round < 10; ++round) {
      auto q = claim_at(t0 + lease_ms + 1, node);
      q.limit = 7;
      auto rows = o.claim(q);
      all.insert(all.end(), rows.begin(), rows.end());
    }
    return all;
  };
  auto first = std::async(std::launch::async, claim, "n1");
  auto second = std::async(std::launch::async, claim, "n2");
  const auto x = sids(first.get());
  const auto y = sids(second.get());
  CHECK(x.size() + y.size() == 60);
  for (const auto& sid : x) CHECK_FALSE(y.contains(sid));
}

TEST_CASE("a text the lead followed with another is marked superseded; old ones are left alone",
          "[postgres][orphans][integration]") {
  scratch_database db;
  postgres::store s{db.url(), "ie"};
  s.migrate();
  s.record_inbound(sms("SMold", "+19095550010", t0 - 7'200'000), false);  // before the window
  s.record_inbound(sms("SM1", "+19095550011", t0), false);
  s.record_inbound(sms("SM2", "+19095550011", t0 + 10), false);
  postgres::orphan_store orphans{db.url(), "ie"};
  const auto rows = orphans.claim(claim_at(t0 + lease_ms + 20));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].sid == "SM1");
  CHECK(rows[0].superseded);
  CHECK(rows[1].sid == "SM2");
  CHECK_FALSE(rows[1].superseded);
}

TEST_CASE("a flag marks the text and the lead for a person, and moves the state version",
          "[postgres][orphans][integration]") {
  scratch_database db;
  postgres::store s{db.url(), "ie"};
  s.migrate();
  s.record_inbound(sms("SMf", "+19095550020", t0), false);
  postgres::orphan_store orphans{db.url(), "ie"};
  const auto rows = orphans.claim(claim_at(t0 + lease_ms + 1));
  REQUIRE(rows.size() == 1);
  CHECK(orphans.flag(rows[0].id, t0 + lease_ms + 1));
  CHECK(count(db.url(), "SELECT count(*) FROM messages WHERE orphan_outcome = 'flagged'") == 1);
  CHECK(count(db.url(), "SELECT count(*) FROM conversation_state WHERE needs_human") == 1);
  const auto version = count(db.url(), "SELECT state_version FROM conversation_state");
  CHECK(version >= 1);
  // The lead's conversation sees it flagged.
  CHECK(s.load_conversation("+19095550020", 10).lead.needs_human);
  // A text answered meanwhile is not flagged.
  const auto b = s.record_inbound(sms("SMg", "+19095550021", t0), true);
  const auto claimed = orphans.claim(claim_at(t0 + lease_ms + 1));
  REQUIRE(claimed.size() == 1);
  REQUIRE(s.record_reply(reply_to("SMg", "+19095550021", b.lease_token)).stored);
  CHECK_FALSE(orphans.flag(claimed[0].id, t0 + lease_ms + 2));
}
