// Follow-ups against a real PostgreSQL: which leads are candidates, the
// silence read under the lead's lock, one message and one outbox row per
// follow-up even when two nodes (two connections) try at once, and nothing
// for a lead who answered, opted out or is muted.

#include "integrations/postgres/follow_up_store.hpp"
#include "agents/follow_up.hpp"
#include "integrations/postgres/store.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <future>
#include <thread>

using namespace openhouse;
using openhouse::agents::follow_up_verdict;
using openhouse::postgres::follow_up_candidate;
using openhouse::postgres::follow_up_store;
using openhouse::postgres::store;
using openhouse::test::scratch_database;

namespace {

constexpr const char* market = "inland-empire";
constexpr std::int64_t hour_ms = 3600LL * 1000;
constexpr std::int64_t t0 = 1'790'000'000'000;  ///< the lead's first text

postgres::outbox_policy sms_only() { return {true, "+19095550100", "", false}; }

/// The lead texts `sid` at `at_ms` and the bot answers a second later, with
/// the lead's state flags as the turn left them.
void turn(store& s, const std::string& sid, const std::string& contact, std::int64_t at_ms,
          bool opted_out = false, bool muted = false,
          const std::string& reply = "What area are you looking in?") {
  s.record_inbound({sid, contact, "+19095550100", "hi", at_ms});
  runtime::outbound_reply r;
  r.contact = contact;
  r.in_reply_to_sid = sid;
  r.body = reply;
  r.bot = "lead";
  r.sent_at_ms = at_ms + 1000;
  r.state.contact = contact;
  r.state.turns = 1;
  r.state.opted_out = opted_out;
  if (opted_out) r.compliance = "opt_out:keyword";  // only an opt-out turn sets it
  r.state.muted = muted;
  REQUIRE(s.record_reply(r));
}

config::follow_up_settings settings(int max_per_silence = 1) {
  config::follow_up_settings f;
  f.enabled = true;
  f.after = std::chrono::hours{24};
  f.max_per_silence = max_per_silence;
  f.text = "Still looking? {business_name}";
  return f;
}

/// The worker's decision at `now_ms` at local noon (no quiet hours here).
auto decide_at(std::int64_t now_ms, const config::follow_up_settings& f) {
  return [now_ms, f](const agents::silence& s) {
    return agents::follow_up_due(f, config::quiet_hours{}, 12 * 60, now_ms, s);
  };
}

long count(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  return tx.exec(sql)[0][0].as<long>();
}

std::vector<std::string> phones(const std::vector<follow_up_candidate>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(c.phone);
  return out;
}

}  // namespace

TEST_CASE("a lead silent for `after` gets one follow-up: a message and its outbox row",
          "[postgres][integration][follow_up]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  s.set_outbox_policy(sms_only());
  turn(s, "SMa1", "+19095558301", t0);
  follow_up_store f{db.url(), market, sms_only()};
  const auto cfg = settings();
  const std::int64_t asked = t0 + 1000;

  // Not silent long enough yet.
  CHECK(f.candidates(asked - 1, 1, 100).empty());
  const auto due = f.candidates(asked, 1, 100);
  REQUIRE(phones(due) == std::vector<std::string>{"+19095558301"});

  const auto silence = f.silence_of(due[0].contact_id);
  CHECK(silence.anchor_id > 0);
  CHECK(silence.last_outbound_ms == asked);
  CHECK(silence.last_inbound_ms == t0);
  CHECK(silence.follow_ups_sent == 0);

  // A tick before `after` has passed decides again under the lock: nothing.
  const auto early =
      f.send_follow_up(due[0], "Still looking?", asked + hour_ms, decide_at(asked + hour_ms, cfg));
  CHECK(early.verdict == follow_up_verdict::not_yet);
  CHECK_FALSE(early.written);

  const std::int64_t now = asked + 24 * hour_ms;
  const auto sent =
      f.send_follow_up(due[0], "Still looking? Test Realty", now, decide_at(now, cfg));
  CHECK(sent.verdict == follow_up_verdict::send);
  CHECK(sent.written);
  CHECK(sent.key == agents::follow_up_key(silence.anchor_id, 1));
  CHECK(count(db.url(),
              "SELECT count(*) FROM outbox WHERE kind = 'sms' AND status = 'pending' AND "
              "idempotency_key = '" +
                  sent.key +
                  "' AND contact = '+19095558301' AND "
                  "payload->>'body' = 'Still looking? Test Realty' AND "
                  "payload->>'from' = '+19095550100' AND message_id IS NOT NULL") == 1);
  CHECK(count(db.url(),
              "SELECT count(*) FROM messages WHERE direction = 'outbound' AND bot = 'follow_up' "
              "AND status = 'outbox' AND follow_up_n = 1 AND follow_up_of = " +
                  std::to_string(silence.anchor_id)) == 1);

  // The same tick again (redelivered, or the next poll): max 1 was reached,
  // and the lead is no candidate any more.
  const auto again = f.send_follow_up(due[0], "Still looking?", now + 1, decide_at(now + 1, cfg));
  CHECK(again.verdict == follow_up_verdict::max_reached);
  CHECK_FALSE(again.written);
  CHECK(f.candidates(now + 48 * hour_ms, 1, 100).empty());
  CHECK(count(db.url(), "SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'follow_up:%'") ==
        1);

  // The follow-up is part of the lead's history, as the bot's words.
  const auto snap = s.load_conversation("+19095558301", 10);
  REQUIRE(snap.history.size() == 3);
  CHECK(snap.history.back().text == "Still looking? Test Realty");
}

TEST_CASE("leads in their own quiet hours come after the others in a batch",
          "[postgres][integration][follow_up][quiet]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  s.set_outbox_policy(sms_only());
  // The Alaska and Hawaii leads have been silent longest.
  turn(s, "SMo1", "+19075558311", t0);
  turn(s, "SMo2", "+18085558312", t0 + hour_ms);
  turn(s, "SMo3", "+19515558313", t0 + 2 * hour_ms);
  turn(s, "SMo4", "+12135558314", t0 + 3 * hour_ms);
  follow_up_store f{db.url(), market, sms_only()};
  const std::int64_t now = t0 + 48 * hour_ms;
  CHECK(phones(f.candidates(now, 1, 2)) ==
        std::vector<std::string>{"+19075558311", "+18085558312"});
  // With 808 and 907 asleep, the two California leads fill a batch of two.
  CHECK(phones(f.candidates(now, 1, 2, {808, 907})) ==
        std::vector<std::string>{"+19515558313", "+12135558314"});
  CHECK(phones(f.candidates(now, 1, 10, {808})) ==
        std::vector<std::string>{"+19075558311", "+19515558313", "+12135558314", "+18085558312"});
}

TEST_CASE("max_per_silence follow-ups, each `after` the previous one, until the lead answers",
          "[postgres][integration][follow_up]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  s.set_outbox_policy(sms_only());
  turn(s, "SMb1", "+19095558302", t0);
  follow_up_store f{db.url(), market, sms_only()};
  const auto cfg = settings(2);
  const std::int64_t asked = t0 + 1000;
  const std::int64_t first = asked + 24 * hour_ms;

  auto lead = f.candidates(first, 2, 10);
  REQUIRE(lead.size() == 1);
  REQUIRE(f.send_follow_up(lead[0], "one", first, decide_at(first, cfg)).written);
  // The first follow-up restarts the wait.
  CHECK(f.candidates(first + hour_ms - 24 * hour_ms, 2, 10).empty());
  CHECK(
      f.send_follow_up(lead[0], "two", first + hour_ms, decide_at(first + hour_ms, cfg)).verdict ==
      follow_up_verdict::not_yet);
  const std::int64_t second = first + 24 * hour_ms;
  REQUIRE(f.candidates(second - 24 * hour_ms, 2, 10).size() == 1);
  const auto two = f.send_follow_up(lead[0], "two", second, decide_at(second, cfg));
  CHECK(two.written);
  CHECK(two.key.ends_with(":2"));
  CHECK(f.candidates(second + 72 * hour_ms, 2, 10).empty());

  // The lead answers: a new silence after the bot's next reply starts over.
  turn(s, "SMb2", "+19095558302", second + hour_ms);
  CHECK(f.candidates(second + hour_ms + 1000, 2, 10).size() == 1);
  const auto fresh = f.silence_of(lead[0].contact_id);
  CHECK(fresh.follow_ups_sent == 0);
  CHECK(fresh.last_inbound_ms == second + hour_ms);
  CHECK(count(db.url(), "SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'follow_up:%'") ==
        2);
}

TEST_CASE("no follow-up to a lead who answered, opted out or is muted, nor after no question",
          "[postgres][integration][follow_up]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  s.set_outbox_policy(sms_only());
  follow_up_store f{db.url(), market, sms_only()};
  const auto cfg = settings();
  turn(s, "SMc1", "+19095558303", t0);                         // silent: the control
  turn(s, "SMc2", "+19095558304", t0, /*opted_out=*/true);     // STOP
  turn(s, "SMc3", "+19095558305", t0, false, /*muted=*/true);  // a person has it
  turn(s, "SMc4", "+19095558306", t0);
  // The lead answered; its turn has not replied (yet): the lead spoke last.
  s.record_inbound({"SMc5", "+19095558306", "+19095550100", "Riverside", t0 + 5000});
  // The lead's last turn sent nothing (an empty reply row, as a muted turn
  // leaves; since released): no bot message is waiting for an answer.
  turn(s, "SMc6", "+19095558309", t0);
  turn(s, "SMc7", "+19095558309", t0 + 5000, false, false, "");
  // The bot's last message asked nothing (the HELP answer).
  turn(s, "SMc8", "+19095558310", t0, false, false,
       "Inland Empire Home Team. Reply STOP to opt out.");
  const std::int64_t now = t0 + 48 * hour_ms;
  const auto due = f.candidates(now, 1, 100);
  CHECK(phones(due) == std::vector<std::string>{"+19095558303"});

  // The same re-check happens under the lock even for a stale candidate list.
  pqxx::connection c{db.url()};
  pqxx::nontransaction tx{c};
  auto id_of = [&](const std::string& phone) {
    return tx.exec("SELECT id FROM contacts WHERE phone = '" + phone + "'")[0][0].as<long>();
  };
  CHECK(f.send_follow_up({id_of("+19095558304"), "+19095558304"}, "x", now, decide_at(now, cfg))
            .verdict == follow_up_verdict::opted_out);
  CHECK(f.send_follow_up({id_of("+19095558305"), "+19095558305"}, "x", now, decide_at(now, cfg))
            .verdict == follow_up_verdict::muted);
  CHECK(f.send_follow_up({id_of("+19095558306"), "+19095558306"}, "x", now, decide_at(now, cfg))
            .verdict == follow_up_verdict::answered);
  CHECK(f.send_follow_up({id_of("+19095558309"), "+19095558309"}, "x", now, decide_at(now, cfg))
            .verdict == follow_up_verdict::answered);
  CHECK(f.send_follow_up({id_of("+19095558310"), "+19095558310"}, "x", now, decide_at(now, cfg))
            .verdict == follow_up_verdict::no_question);
  CHECK(tx.exec("SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'follow_up:%'")[0][0]
            .as<long>() == 0);
  CHECK(tx.exec("SELECT count(*) FROM messages WHERE follow_up_of IS NOT NULL")[0][0].as<long>() ==
        0);
}

TEST_CASE("two nodes deciding the same follow-up at once write it once",
          "[postgres][integration][follow_up]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  s.set_outbox_policy(sms_only());
  turn(s, "SMd1", "+19095558307", t0);
  follow_up_store node_a{db.url(), market, sms_only()};
  follow_up_store node_b{db.url(), market, sms_only()};
  const auto cfg = settings();
  const std::int64_t now = t0 + 25 * hour_ms;
  const auto lead_a = node_a.candidates(now, 1, 10);
  const auto lead_b = node_b.candidates(now, 1, 10);
  REQUIRE(lead_a.size() == 1);
  REQUIRE(lead_b.size() == 1);

  // A decides while holding the lead's lock and waits until B is blocked on
  // that lock; then A commits and B decides on what A wrote.
  std::promise<void> a_holds_lock;
  std::promise<void> release_a;
  auto a = std::async(std::launch::async, [&] {
    return node_a.send_follow_up(lead_a[0], "Still looking?", now, [&](const agents::silence& si) {
      a_holds_lock.set_value();
      release_a.get_future().wait();
      return decide_at(now, cfg)(si);
    });
  });
  a_holds_lock.get_future().wait();
  auto b = std::async(std::launch::async, [&] {
    return node_b.send_follow_up(lead_b[0], "Still looking?", now, decide_at(now, cfg));
  });
  // Wait (bounded) until B's backend waits on a row lock.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  bool b_waits = false;
  while (!b_waits && std::chrono::steady_clock::now() < deadline) {
    b_waits = count(db.url(),
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = '" +
                        db.name() + "'") > 0;
    if (!b_waits) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  CHECK(b_waits);
  release_a.set_value();
  const auto ra = a.get();
  const auto rb = b.get();
  CHECK(ra.written);
  CHECK_FALSE(rb.written);
  CHECK(rb.verdict == follow_up_verdict::max_reached);
  CHECK(count(db.url(), "SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'follow_up:%'") ==
        1);
  CHECK(count(db.url(), "SELECT count(*) FROM messages WHERE follow_up_of IS NOT NULL") == 1);
}

TEST_CASE("a unique (follow_up_of, n) refuses a second follow-up of one silence",
          "[postgres][integration][follow_up]") {
  // The path a lost lock would take (e.g. a state row written later): the
  // database itself still refuses the duplicate and no outbox row is added.
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  s.set_outbox_policy(sms_only());
  turn(s, "SMe1", "+19095558308", t0);
  follow_up_store f{db.url(), market, sms_only()};
  const std::int64_t now = t0 + 25 * hour_ms;
  const auto lead = f.candidates(now, 1, 10);
  REQUIRE(lead.size() == 1);
  REQUIRE(f.send_follow_up(lead[0], "one", now, decide_at(now, settings())).written);
  // Pretend the count read 0 again: the insert must find its slot taken.
  pqxx::connection c{db.url()};
  pqxx::work tx{c};
  const auto anchor = f.silence_of(lead[0].contact_id).anchor_id;
  const auto inserted = tx.exec(
      "INSERT INTO messages (contact_id, direction, body, status, created_at, "
      "follow_up_of, follow_up_n) VALUES (" +
      std::to_string(lead[0].contact_id) + ", 'outbound', 'dup', 'outbox', now(), " +
      std::to_string(anchor) +
      ", 1) ON CONFLICT (follow_up_of, follow_up_n) WHERE follow_up_of IS NOT NULL "
      "DO NOTHING RETURNING id");
  CHECK(inserted.empty());
}

TEST_CASE("a follow-up interrupted before its commit leaves nothing, and is written once later",
          "[postgres][integration][follow_up]") {
  // A node dying inside the transaction (here: an exception after the lock
  // and the reads) rolls everything back; the next tick, on any node, finds
  // the lead as it was.
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  s.set_outbox_policy(sms_only());
  turn(s, "SMg1", "+19095558311", t0);
  follow_up_store f{db.url(), market, sms_only()};
  const std::int64_t now = t0 + 25 * hour_ms;
  const auto lead = f.candidates(now - 24 * hour_ms, 1, 10);
  REQUIRE(lead.size() == 1);
  CHECK_THROWS(f.send_follow_up(
      lead[0], "one", now,
      [](const agents::silence&) -> follow_up_verdict { throw std::runtime_error("node lost"); }));
  CHECK(count(db.url(), "SELECT count(*) FROM messages WHERE follow_up_of IS NOT NULL") == 0);
  CHECK(f.candidates(now - 24 * hour_ms, 1, 10).size() == 1);
  CHECK(f.send_follow_up(lead[0], "one", now, decide_at(now, settings())).written);
  CHECK(count(db.url(), "SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'follow_up:%'") ==
        1);
}
