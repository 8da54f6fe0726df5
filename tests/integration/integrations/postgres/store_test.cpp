// The store against a real PostgreSQL (started by scripts/services), each
// test in a database of its own.

#include "integrations/postgres/store.hpp"
#include "integrations/postgres/migrations.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <future>

using openhouse::postgres::store;
using openhouse::runtime::inbound_sms;
using openhouse::runtime::outbound_reply;
using openhouse::test::scratch_database;

namespace {

inbound_sms sms(std::string sid, std::string from, std::string body, std::int64_t at = 1000) {
  return {std::move(sid), std::move(from), "+19095550100", std::move(body), at};
}

outbound_reply reply_to(const std::string& sid, const std::string& contact, std::string body,
                        int turns) {
  outbound_reply r;
  r.contact = contact;
  r.in_reply_to_sid = sid;
  r.body = std::move(body);
  r.bot = "lead";
  r.sent_at_ms = 2000;
  r.state.contact = contact;
  r.state.active_bot = openhouse::agents::bot_kind::lead;
  r.state.turns = turns;
  return r;
}

long count(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  return tx.exec(sql)[0][0].as<long>();
}

}  // namespace

TEST_CASE("migrations apply once, even from concurrent migrators", "[postgres][integration]") {
  scratch_database db;
  auto a = std::async(std::launch::async, [&] { return store{db.url(), "m"}.migrate(); });
  auto b = std::async(std::launch::async, [&] { return store{db.url(), "m"}.migrate(); });
  const auto total = a.get() + b.get();
  CHECK(total == static_cast<int>(openhouse::postgres::all_migrations().size()));
  CHECK(store{db.url(), "m"}.migrate() == 0);
  CHECK(count(db.url(), "SELECT count(*) FROM schema_migrations") ==
        static_cast<long>(openhouse::postgres::all_migrations().size()));
}

TEST_CASE("an inbound sid is stored once and its reply is found again", "[postgres][integration]") {
  scratch_database db;
  store s{db.url(), "inland-empire"};
  s.migrate();

  auto first = s.record_inbound(sms("SM1", "+19095551234", "hi"));
  CHECK(first.inserted);
  CHECK_FALSE(first.answered);

  // Redelivered before it was answered: no new row, nothing to replay yet.
  auto again = s.record_inbound(sms("SM1", "+19095551234", "hi"));
  CHECK_FALSE(again.inserted);
  CHECK_FALSE(again.answered);

  CHECK(s.record_reply(reply_to("SM1", "+19095551234", "Hello! Buying or selling?", 1)));
  // A second reply to the same inbound is refused by the schema.
  CHECK_FALSE(s.record_reply(reply_to("SM1", "+19095551234", "another", 1)));

  auto replay = s.record_inbound(sms("SM1", "+19095551234", "hi"));
  CHECK_FALSE(replay.inserted);
  CHECK(replay.answered);
  CHECK(replay.reply == "Hello! Buying or selling?");

  CHECK(count(db.url(), "SELECT count(*) FROM messages") == 2);
  CHECK(count(db.url(), "SELECT count(*) FROM contacts") == 1);
  CHECK(count(db.url(),
              "SELECT count(*) FROM messages WHERE provider_sid = 'SM1' AND "
              "status = 'replied'") == 1);
}

TEST_CASE("a conversation comes back with its state and recent history",
          "[postgres][integration]") {
  scratch_database db;
  store s{db.url(), "inland-empire"};
  s.migrate();
  for (int i = 1; i <= 6; ++i) {
    const auto sid = "SM" + std::to_string(i);
    s.record_inbound(sms(sid, "+19095551234", "q" + std::to_string(i)));
    s.record_reply(reply_to(sid, "+19095551234", "a" + std::to_string(i), i));
  }
  s.record_inbound(sms("SMx", "+19095559999", "other lead"));

  auto snap = s.load_conversation("+19095551234", 4);
  CHECK(snap.lead.turns == 6);
  CHECK(snap.lead.active_bot == openhouse::agents::bot_kind::lead);
  REQUIRE(snap.history.size() == 4);  // the last four, oldest first
  CHECK(snap.history[0].role == "user");
  CHECK(snap.history[0].text == "q5");
  CHECK(snap.history[1].role == "assistant");
  CHECK(snap.history[1].text == "a5");
  CHECK(snap.history[3].text == "a6");

  auto fresh = s.load_conversation("+19095550000", 10);
  CHECK(fresh.lead.turns == 0);
  CHECK(fresh.history.empty());
}

TEST_CASE("contacts are per market", "[postgres][integration]") {
  scratch_database db;
  store a{db.url(), "market-a"};
  store b{db.url(), "market-b"};
  a.migrate();
  a.record_inbound(sms("SM1", "+19095551234", "in a"));
  b.record_inbound(sms("SM2", "+19095551234", "in b"));
  CHECK(count(db.url(), "SELECT count(*) FROM contacts") == 2);
  CHECK(a.load_conversation("+19095551234", 10).history.size() == 1);
  CHECK(b.load_conversation("+19095551234", 10).history.at(0).text == "in b");
}

TEST_CASE("an unreachable database is reported, not thrown through", "[postgres][integration]") {
  store s{"postgresql://postgres@127.0.0.1:1/none?connect_timeout=1", "m"};
  CHECK_FALSE(s.ping());
  CHECK_THROWS_AS(s.record_inbound(sms("SM1", "+19095551234", "hi")),
                  openhouse::postgres::unavailable);
}

TEST_CASE("an opt-out holds against a turn that started before it, on any node",
          "[postgres][integration][opt_out]") {
  scratch_database db;
  store s{db.url(), "inland-empire"};
  s.migrate();
  openhouse::postgres::outbox_policy rest;
  rest.sms = true;
  rest.from = "+19095550100";
  s.set_outbox_policy(rest);
  const std::string lead = "+19095551234";

  // A first reply is queued, not yet sent, when the lead opts out.
  s.record_inbound(sms("SM1", lead, "hi"));
  REQUIRE(s.record_reply(reply_to("SM1", lead, "Hello! Buying or selling?", 1)));
  // Two turns run at once (two nodes): SM2 is an ordinary question, SM3 the
  // STOP. Both loaded the lead before either wrote.
  s.record_inbound(sms("SM2", lead, "what about Ontario?"));
  s.record_inbound(sms("SM3", lead, "stop pls"));
  auto stop = reply_to("SM3", lead, "You're unsubscribed. Reply START to opt back in.", 2);
  stop.compliance = "opt_out:keyword";
  stop.state.opted_out = true;
  const auto confirmed = s.record_reply(stop);
  CHECK(confirmed.stored);
  CHECK_FALSE(confirmed.suppressed);
  CHECK(confirmed.body == stop.body);

  // The ordinary turn writes last, with the state it loaded (not opted out).
  const auto late = s.record_reply(reply_to("SM2", lead, "Ontario has 3bd homes from $550k", 2));
  CHECK(late.stored);
  CHECK(late.suppressed);
  CHECK(late.body.empty());

  // Still opted out; the late reply is stored empty and queued nothing; the
  // first reply, still pending, was failed by the opt-out; the confirmation
  // is the one SMS left to send.
  CHECK(s.load_conversation(lead, 10).lead.opted_out);
  CHECK(count(db.url(), "SELECT count(*) FROM outbox WHERE kind = 'sms' AND status = 'pending'") ==
        1);
  CHECK(count(db.url(),
              "SELECT count(*) FROM outbox WHERE kind = 'sms' AND status = 'pending' "
              "AND payload->>'compliance' = 'opt_out:keyword'") == 1);
  CHECK(count(db.url(),
              "SELECT count(*) FROM outbox WHERE kind = 'sms' AND status = 'failed' "
              "AND last_error = 'suppressed: opted out'") == 1);
  CHECK(count(db.url(), "SELECT count(*) FROM outbox WHERE idempotency_key = 'sms:SM2'") == 0);

  // HELP is still answered to an opted-out lead, and leaves the opt-out.
  s.record_inbound(sms("SM3h", lead, "HELP"));
  auto help = reply_to("SM3h", lead, "Inland Empire Home Team: reply STOP to opt out.", 3);
  help.compliance = "help";
  const auto helped = s.record_reply(help);
  CHECK(helped.body == help.body);
  CHECK_FALSE(helped.suppressed);
  CHECK(s.load_conversation(lead, 10).lead.opted_out);

  // START opts back in: a later ordinary turn is sent again.
  s.record_inbound(sms("SM4", lead, "START"));
  auto start = reply_to("SM4", lead, "You're subscribed again.", 3);
  start.compliance = "opt_in";
  REQUIRE(s.record_reply(start));
  CHECK_FALSE(s.load_conversation(lead, 10).lead.opted_out);
  s.record_inbound(sms("SM5", lead, "what about Ontario?"));
  const auto after = s.record_reply(reply_to("SM5", lead, "Ontario it is", 4));
  CHECK_FALSE(after.suppressed);
  CHECK(after.body == "Ontario it is");
}

TEST_CASE("a muted lead's last holding reply and confused-turn count survive a restart",
          "[postgres][integration][escalation]") {
  scratch_database db;
  const std::string lead = "+19095556100";
  constexpr std::int64_t held = 1'767'600'123'456;  // ms: kept to the millisecond
  {
    store s{db.url(), "inland-empire"};
    s.migrate();
    s.record_inbound(sms("SMe1", lead, "can someone call me"));
    auto r = reply_to("SMe1", lead, "An agent will text you", 1);
    r.state.muted = true;
    r.state.confusion_turns = 2;
    REQUIRE(s.record_reply(r));
    // Never a holding reply yet: stored as nothing, read as 0.
    CHECK(s.record_inbound(sms("SMe2", lead, "ok")).held_at_ms == 0);
    CHECK(s.load_conversation(lead, 10).lead.held_at_ms == 0);
    auto hold = reply_to("SMe2", lead, "Thanks, an agent has your message", 2);
    hold.state.muted = true;
    hold.state.confusion_turns = 2;
    hold.state.held_at_ms = held;
    REQUIRE(s.record_reply(hold));
  }
  // Another store (a restarted node, or another one) reads both back.
  store other{db.url(), "inland-empire"};
  const auto in = other.record_inbound(sms("SMe3", lead, "hello?"));
  CHECK(in.muted);
  CHECK(in.held_at_ms == held);
  const auto snap = other.load_conversation(lead, 10).lead;
  CHECK(snap.held_at_ms == held);
  CHECK(snap.confusion_turns == 2);
  // A person's release restarts the confused-turn count.
  REQUIRE(other.release(lead));
  CHECK(other.load_conversation(lead, 10).lead.confusion_turns == 0);
  CHECK_FALSE(other.load_conversation(lead, 10).lead.muted);
}

TEST_CASE("a lead's lease lets one node at a time record and answer its messages",
          "[postgres][integration][nodes]") {
  scratch_database db;
  store a{db.url(), "inland-empire"};
  store b{db.url(), "inland-empire"};
  a.migrate();
  a.set_turn_lease(std::chrono::seconds{15});
  b.set_turn_lease(std::chrono::seconds{15});
  const std::string lead = "+19095551234";

  // Node A takes the lead for SM1; node B's SM2 is not recorded meanwhile.
  const auto first = a.record_inbound(sms("SM1", lead, "hi", 1000), true);
  REQUIRE(first.inserted);
  REQUIRE(first.lease_token > 0);
  const auto waiting = b.record_inbound(sms("SM2", lead, "anyone there?", 2000), true);
  CHECK(waiting.busy);
  CHECK_FALSE(waiting.inserted);
  CHECK(count(db.url(), "SELECT count(*) FROM messages WHERE provider_sid = 'SM2'") == 0);
  // The same SM1 delivered to B waits too, rather than running a second turn.
  CHECK(b.record_inbound(sms("SM1", lead, "hi", 2100), true).busy);

  // A answers with its lease and gives it back; B may go on, and a
  // redelivery of SM1 is answered from the stored reply.
  auto reply = reply_to("SM1", lead, "Hello!", 1);
  reply.lease_token = first.lease_token;
  reply.state.state_version = first.state_version;
  const auto stored = a.record_reply(reply);
  REQUIRE(stored.stored);
  CHECK(stored.state_version == 1);
  const auto again = b.record_inbound(sms("SM1", lead, "hi", 3000), true);
  CHECK(again.answered);
  CHECK(again.reply == "Hello!");
  CHECK(again.lease_token == 0);
  const auto second = b.record_inbound(sms("SM2", lead, "anyone there?", 3100), true);
  CHECK(second.inserted);
  CHECK(second.lease_token > first.lease_token);
  CHECK(second.state_version == 1);
  // In order by id: SM1, its reply, SM2.
  CHECK(count(db.url(),
              "SELECT count(*) FROM messages m JOIN messages r ON r.in_reply_to = m.id "
              "WHERE m.provider_sid = 'SM1' AND r.id < (SELECT id FROM messages "
              "WHERE provider_sid = 'SM2')") == 1);
}

TEST_CASE("a lease that ran out passes the lead on, and fences the late writer",
          "[postgres][integration][nodes]") {
  scratch_database db;
  store a{db.url(), "inland-empire"};
  store b{db.url(), "inland-empire"};
  a.migrate();
  a.set_turn_lease(std::chrono::seconds{15});
  b.set_turn_lease(std::chrono::seconds{15});
  const std::string lead = "+19095551234";
  const auto stalled = a.record_inbound(sms("SM1", lead, "hi", 1000), true);
  REQUIRE(stalled.lease_token > 0);
  // 15 s later node A has still not answered (it stalled or died): B takes
  // the lead over, SM1 included.
  CHECK(b.record_inbound(sms("SM1", lead, "hi", 15999), true).busy);
  const auto taken = b.record_inbound(sms("SM1", lead, "hi", 16001), true);
  REQUIRE_FALSE(taken.busy);
  CHECK_FALSE(taken.inserted);
  CHECK_FALSE(taken.answered);
  CHECK(taken.lease_token > stalled.lease_token);
  // A wakes up and writes: refused, its lease is not the lead's any more.
  auto late = reply_to("SM1", lead, "Hello from A", 1);
  late.lease_token = stalled.lease_token;
  late.state.state_version = stalled.state_version;
  const auto refused = a.record_reply(late);
  CHECK_FALSE(refused.stored);
  CHECK(refused.refused == openhouse::runtime::reply_record::refusal::fenced);
  auto own = reply_to("SM1", lead, "Hello from B", 1);
  own.lease_token = taken.lease_token;
  own.state.state_version = taken.state_version;
  CHECK(b.record_reply(own).stored);
  CHECK(count(db.url(), "SELECT count(*) FROM messages WHERE direction = 'outbound'") == 1);
}

TEST_CASE("a turn's write is refused when the lead's state moved since it loaded it",
          "[postgres][integration][nodes]") {
  scratch_database db;
  store s{db.url(), "inland-empire"};
  s.migrate();
  const std::string lead = "+19095551234";
  s.record_inbound(sms("SM1", lead, "hi", 1000));
  auto one = reply_to("SM1", lead, "Hello!", 1);
  one.state.state_version = 0;  // loaded before the lead had a state row
  REQUIRE(s.record_reply(one).stored);

  // Two turns loaded the lead at version 1; the opt-out writes first (an
  // opt-out never waits for the lease), the other turn is refused as stale.
  s.record_inbound(sms("SM2", lead, "what about Ontario?", 2000));
  s.record_inbound(sms("SM3", lead, "stop", 2100));
  auto stop = reply_to("SM3", lead, "You're unsubscribed. Reply START to opt back in.", 2);
  stop.compliance = "opt_out:keyword";
  stop.state.opted_out = true;
  stop.state.state_version = 1;
  REQUIRE(s.record_reply(stop).stored);
  auto slow = reply_to("SM2", lead, "Ontario has homes from $550k", 2);
  slow.state.state_version = 1;
  const auto refused = s.record_reply(slow);
  CHECK_FALSE(refused.stored);
  CHECK(refused.refused == openhouse::runtime::reply_record::refusal::stale);
  // Run again on the state as stored now: opted out, the reply is empty.
  const auto now = s.load_conversation(lead, 10).lead;
  CHECK(now.opted_out);
  CHECK(now.state_version == 2);
  auto rerun = reply_to("SM2", lead, "", 3);
  rerun.compliance = "suppressed";
  rerun.state.opted_out = true;
  rerun.state.state_version = now.state_version;
  const auto stored = s.record_reply(rerun);
  CHECK(stored.stored);
  CHECK(stored.body.empty());
  CHECK(s.load_conversation(lead, 10).lead.turns == 3);
  CHECK(s.load_conversation(lead, 10).lead.state_version == 3);
  // A person's release moves the version too: a turn that loaded before it
  // runs again.
  REQUIRE(s.release(lead));
  CHECK(s.load_conversation(lead, 10).lead.state_version == 4);
}
