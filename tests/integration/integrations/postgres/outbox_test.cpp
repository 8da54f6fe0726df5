// The outbox against a real PostgreSQL: rows written with the reply, a
// redelivery adding none, claims under FOR UPDATE SKIP LOCKED (two workers
// never send one row twice), retries, and delivery reports.

#include "integrations/postgres/outbox.hpp"
#include "integrations/postgres/store.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <future>
#include <map>
#include <mutex>

using namespace openhouse;
using openhouse::postgres::attempt_record;
using openhouse::postgres::outbox;
using openhouse::postgres::outbox_row;
using openhouse::postgres::store;
using openhouse::test::scratch_database;

namespace {

constexpr const char* market = "inland-empire";

postgres::outbox_policy rest_policy() { return {true, "+19095550100", "", true}; }
/// REST sends without a CRM: the SMS row alone.
postgres::outbox_policy sms_only_policy() { return {true, "+19095550100", "", false}; }

runtime::outbound_reply reply_to(const std::string& sid, const std::string& contact) {
  runtime::outbound_reply r;
  r.contact = contact;
  r.in_reply_to_sid = sid;
  r.body = "Hello from the bot";
  r.bot = "lead";
  r.sent_at_ms = 2000;
  r.state.contact = contact;
  r.state.turns = 1;
  return r;
}

/// Records an inbound message and its reply, as a turn does.
bool turn(store& s, const std::string& sid, const std::string& contact,
          const std::string& temperature_from = {}) {
  s.record_inbound({sid, contact, "+19095550100", "hi", 1000});
  auto r = reply_to(sid, contact);
  if (!temperature_from.empty()) {
    r.temperature_from = temperature_from;
    r.state.temperature = openhouse::agents::temperature::hot;
  }
  return s.record_reply(r).stored;
}

long count(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  return tx.exec(sql)[0][0].as<long>();
}

attempt_record sent_as(std::string provider_id, const outbox_row& row) {
  attempt_record rec;
  rec.update = {"sent", row.attempts + 1, 0};
  rec.provider_id = std::move(provider_id);
  return rec;
}

}  // namespace

TEST_CASE("a REST reply writes its outbox rows once, in its transaction",
          "[postgres][integration][outbox]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  s.set_outbox_policy(rest_policy());
  REQUIRE(turn(s, "SM1", "+19095558201", "warm"));
  CHECK(count(db.url(), "SELECT count(*) FROM outbox") == 3);
  CHECK(count(db.url(),
              "SELECT count(*) FROM outbox WHERE kind = 'sms' AND "
              "idempotency_key = 'sms:SM1' AND status = 'pending' AND "
              "message_id IS NOT NULL") == 1);
  CHECK(count(db.url(), "SELECT count(*) FROM outbox WHERE kind = 'crm_tags'") == 1);
  CHECK(count(db.url(),
              "SELECT count(*) FROM outbox WHERE kind = 'crm_message' AND "
              "idempotency_key = 'crm_message:SM1' AND message_id IS NULL") == 1);
  CHECK(count(db.url(), "SELECT count(*) FROM messages WHERE status = 'outbox'") == 1);
  // The webhook again: the reply is refused and no row is added.
  CHECK_FALSE(turn(s, "SM1", "+19095558201", "warm"));
  CHECK(count(db.url(), "SELECT count(*) FROM outbox") == 3);
  // TwiML mode (the default policy) writes nothing.
  store twiml{db.url(), market};
  REQUIRE(turn(twiml, "SM2", "+19095558201"));
  CHECK(count(db.url(), "SELECT count(*) FROM outbox") == 3);
}

TEST_CASE("send_next claims due rows oldest first and records the attempt",
          "[postgres][integration][outbox]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  s.set_outbox_policy(sms_only_policy());
  REQUIRE(turn(s, "SM1", "+19095558202"));
  outbox box{db.url(), market};
  // Not due before the reply's time.
  CHECK_FALSE(box.send_next(1999, [](const outbox_row&) -> attempt_record {
    FAIL("nothing is due");
    return {};
  }));
  // A retry: pending again, due later.
  auto first = box.send_next(5000, [](const outbox_row& row) {
    attempt_record rec;
    rec.update = {"pending", row.attempts + 1, 9000};
    rec.error = "HTTP 503";
    return rec;
  });
  REQUIRE(first);
  CHECK(first->first.key == "sms:SM1");
  CHECK(first->first.attempts == 0);
  CHECK_FALSE(box.send_next(8999, [](const outbox_row& r) { return sent_as("x", r); }));
  auto second = box.send_next(9000, [](const outbox_row& r) {
    CHECK(r.attempts == 1);
    return sent_as("SM900", r);
  });
  REQUIRE(second);
  CHECK_FALSE(box.send_next(99999, [](const outbox_row& r) { return sent_as("y", r); }));
  CHECK(count(db.url(),
              "SELECT count(*) FROM outbox WHERE status = 'sent' AND attempts = 2 AND "
              "provider_id = 'SM900' AND last_error IS NULL") == 1);
  CHECK(count(db.url(),
              "SELECT count(*) FROM messages WHERE direction = 'outbound' AND "
              "status = 'queued' AND provider_sid = 'SM900'") == 1);

  // Delivery reports: forward only; unknown sids change nothing.
  CHECK(box.record_delivery("SM900", "sent"));
  CHECK(box.record_delivery("SM900", "delivered"));
  CHECK(box.record_delivery("SM900", "sent"));
  CHECK(count(db.url(), "SELECT count(*) FROM messages WHERE status = 'delivered'") == 1);
  CHECK(count(db.url(), "SELECT count(*) FROM outbox WHERE delivery_status = 'delivered'") == 1);
  CHECK_FALSE(box.record_delivery("SMnope", "failed"));
  // Another market's worker never sees this market's rows.
  outbox other{db.url(), "other-market"};
  CHECK_FALSE(other.record_delivery("SM900", "failed"));
}

TEST_CASE("a row a worker holds is skipped by the other worker",
          "[postgres][integration][outbox]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  s.set_outbox_policy(sms_only_policy());
  REQUIRE(turn(s, "SM1", "+19095558203"));
  outbox a{db.url(), market};
  outbox b{db.url(), market};
  int sends = 0;
  auto held = a.send_next(5000, [&](const outbox_row& row) {
    ++sends;
    // While A holds the row (mid-send), B finds nothing to do.
    auto other = std::async(std::launch::async, [&] {
      return b.send_next(5000, [&](const outbox_row& r) {
        ++sends;
        return sent_as("B", r);
      });
    });
    CHECK_FALSE(other.get());
    return sent_as("A", row);
  });
  REQUIRE(held);
  CHECK_FALSE(b.send_next(5000, [&](const outbox_row& r) {
    ++sends;
    return sent_as("B", r);
  }));
  CHECK(sends == 1);
  CHECK(count(db.url(), "SELECT count(*) FROM outbox WHERE provider_id = 'A'") == 1);
}

TEST_CASE("two workers draining together send every row exactly once",
          "[postgres][integration][outbox]") {
  scratch_database db;
  store s{db.url(), market};
  s.migrate();
  s.set_outbox_policy(sms_only_policy());
  constexpr int rows = 30;
  for (int i = 0; i < rows; ++i) {
    REQUIRE(turn(s, "SM" + std::to_string(i), "+1909555" + std::to_string(8300 + i)));
  }
  std::mutex mu;
  std::map<std::string, int> sent;
  auto drain = [&](const char* name) {
    outbox box{db.url(), market};
    while (box.send_next(5000, [&](const outbox_row& row) {
      std::lock_guard lock{mu};
      ++sent[row.key];
      // Provider ids are unique (they become the message's provider_sid).
      return sent_as(std::string{name} + row.key, row);
    })) {
    }
  };
  auto a = std::async(std::launch::async, drain, "A");
  auto b = std::async(std::launch::async, drain, "B");
  a.get();
  b.get();
  CHECK(sent.size() == rows);
  for (const auto& [key, n] : sent) {
    INFO(key);
    CHECK(n == 1);
  }
  CHECK(count(db.url(), "SELECT count(*) FROM outbox WHERE status = 'sent'") == rows);
}
