// The store's batch writer and its front against a real PostgreSQL. A test
// connection locks the messages table so that a batch's commit waits, which
// lets the writes behind it queue deterministically.

#include "runtime/store_writer.hpp"
#include "integrations/postgres/store.hpp"
#include "runtime/node_parts.hpp"
#include "runtime/store_worker.hpp"
#include "tests/support/services.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using namespace openhouse;
using test::scratch_database;

namespace {

long number(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  return tx.exec(sql)[0][0].as<long>();
}

runtime::inbound_sms text(int n) {
  return {"SMw" + std::to_string(n), "+1909555" + std::to_string(6000 + n), "+19095550100",
          "how big is the garage", 1000 + n};
}

/// Holds a lock that makes every insert into messages wait.
class table_lock {
 public:
  explicit table_lock(const std::string& url) : conn_{url}, tx_{conn_} {
    tx_.exec("LOCK TABLE messages IN SHARE ROW EXCLUSIVE MODE");
  }
  void release() { tx_.commit(); }

 private:
  pqxx::connection conn_;
  pqxx::work tx_;
};

/// Waits until a session of the database waits for a lock (the writer's
/// batch is then inside its commit); fails after 10 s.
void await_lock_waiter(const scratch_database& db) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (number(db.url(), "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db.name() +
                              "' AND wait_event_type = 'Lock'") == 0) {
    if (std::chrono::steady_clock::now() > until) throw std::runtime_error("no waiter");
  }
}

runtime::store_writer_settings writer_settings(const std::string& url) {
  runtime::store_writer_settings s;
  s.database_url = url;
  s.market = "inland-empire";
  return s;
}

bool is(const caf::error& err, runtime::store_errc code) {
  return err.category() == runtime::store_error_category &&
         err.code() == static_cast<std::uint8_t>(code);
}

}  // namespace

TEST_CASE("writes that queue behind a commit are committed together in the next one",
          "[store][batching][integration]") {
  scratch_database db;
  postgres::store{db.url(), "inland-empire"}.migrate();
  runtime::node_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto writer = runtime::spawn_store_writer(sys, writer_settings(db.url()));

  table_lock lock{db.url()};
  auto first = self->request(writer, caf::infinite, runtime::record_inbound_atom_v, text(0), false);
  await_lock_waiter(db);  // the first write went out alone, at once
  std::vector<decltype(first)> rest;
  for (int i = 1; i <= 9; ++i) {
    rest.push_back(
        self->request(writer, caf::infinite, runtime::record_inbound_atom_v, text(i), false));
  }
  lock.release();
  int inserted = 0;
  const auto count = [&](const runtime::inbound_record& r) { inserted += r.inserted ? 1 : 0; };
  const auto failed = [](const caf::error& err) { FAIL(caf::to_string(err)); };
  first.receive(count, failed);
  for (auto& h : rest) h.receive(count, failed);
  CHECK(inserted == 10);
  // One transaction id for the first write, one for the nine behind it.
  CHECK(number(db.url(), "SELECT count(DISTINCT xmin::text) FROM messages") == 2);
  CHECK(number(db.url(),
               "SELECT count(DISTINCT xmin::text) FROM messages WHERE provider_sid "
               "<> 'SMw0'") == 1);
}

TEST_CASE("a batch cut off by the database fails its turns whole, and the writer recovers",
          "[store][batching][integration]") {
  scratch_database db;
  postgres::store{db.url(), "inland-empire"}.migrate();
  runtime::node_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto writer = runtime::spawn_store_writer(sys, writer_settings(db.url()));

  table_lock lock{db.url()};
  auto doomed = self->request(writer, caf::infinite, runtime::record_inbound_atom_v, text(0), true);
  await_lock_waiter(db);
  auto later = self->request(writer, caf::infinite, runtime::record_inbound_atom_v, text(1), true);
  // The writer's session ends mid-batch, as when PostgreSQL goes down.
  number(db.url(),
         "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" +
             db.name() + "' AND wait_event_type = 'Lock'");
  bool unavailable = false;
  doomed.receive(
      [](const runtime::inbound_record&) { FAIL("the cut-off write was answered"); },
      [&](const caf::error& err) { unavailable = is(err, runtime::store_errc::unavailable); });
  CHECK(unavailable);
  lock.release();
  // The next batch reconnects.
  bool stored = false;
  later.receive([&](const runtime::inbound_record& r) { stored = r.inserted; },
                [](const caf::error& err) { FAIL(caf::to_string(err)); });
  CHECK(stored);
  // Nothing of the cut-off write: neither its message, its contact nor its lease.
  CHECK(number(db.url(), "SELECT count(*) FROM messages WHERE provider_sid = 'SMw0'") == 0);
  CHECK(number(db.url(), "SELECT count(*) FROM contacts WHERE phone = '+19095556000'") == 0);
  CHECK(number(db.url(), "SELECT count(*) FROM lead_leases WHERE phone = '+19095556000'") == 0);
  // Redelivered, it is stored.
  self->request(writer, caf::infinite, runtime::record_inbound_atom_v, text(0), true)
      .receive([&](const runtime::inbound_record& r) { CHECK(r.inserted); },
               [](const caf::error& err) { FAIL(caf::to_string(err)); });
}

TEST_CASE("a full write queue refuses a new write at once, without waiting for the commit",
          "[store][backpressure][integration]") {
  scratch_database db;
  postgres::store{db.url(), "inland-empire"}.migrate();
  runtime::node_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  config::storage_settings storage;
  storage.database_url = db.url();
  storage.db_workers = 1;
  storage.write_queue = 2;
  auto store = runtime::spawn_store_pool(sys, storage, "inland-empire", 10);

  table_lock lock{db.url()};
  auto a = self->request(store, caf::infinite, runtime::record_inbound_atom_v, text(0), false);
  await_lock_waiter(db);
  auto b = self->request(store, caf::infinite, runtime::record_inbound_atom_v, text(1), false);
  bool overloaded = false;
  // Answered while the lock still holds the batch in flight.
  self->request(store, caf::infinite, runtime::record_inbound_atom_v, text(2), false)
      .receive(
          [](const runtime::inbound_record&) { FAIL("a third write was queued"); },
          [&](const caf::error& err) { overloaded = is(err, runtime::store_errc::overloaded); });
  CHECK(overloaded);
  lock.release();
  int inserted = 0;
  const auto count = [&](const runtime::inbound_record& r) { inserted += r.inserted ? 1 : 0; };
  const auto failed = [](const caf::error& err) { FAIL(caf::to_string(err)); };
  a.receive(count, failed);
  b.receive(count, failed);
  CHECK(inserted == 2);
  // Room again once they are answered.
  self->request(store, caf::infinite, runtime::record_inbound_atom_v, text(2), false)
      .receive(count, failed);
  CHECK(inserted == 3);
  CHECK(number(db.url(), "SELECT count(*) FROM messages") == 3);
}
