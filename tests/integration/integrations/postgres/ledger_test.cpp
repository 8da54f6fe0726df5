// The cost ledger and its batched writer against a real PostgreSQL.

#include "integrations/postgres/ledger.hpp"
#include "integrations/postgres/store.hpp"
#include "runtime/ledger_writer.hpp"
#include "tests/support/services.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

using namespace openhouse;

namespace {

runtime::ledger_row row(std::string contact, std::string model, double cost, std::int64_t at_ms) {
  runtime::ledger_row r;
  r.at_ms = at_ms;
  r.contact = std::move(contact);
  r.task = "reply";
  r.model = std::move(model);
  r.input_tokens = 100;
  r.output_tokens = 20;
  r.cache_write_tokens = 0;
  r.cache_read_tokens = 400;
  r.cost_usd = cost;
  r.baseline_cost_usd = cost * 3;
  r.latency_ms = 12;
  r.attempts = 1;
  r.outcome = "ok";
  return r;
}

constexpr std::int64_t day1 = 1795305600000;  // 2026-11-22T00:00:00Z
constexpr std::int64_t day2 = day1 + 86400000;

}  // namespace

TEST_CASE("ledger rows are written in one batch and reported per day and per lead",
          "[postgres][ledger][integration]") {
  test::scratch_database db;
  postgres::store{db.url(), "ie"}.migrate();
  postgres::ledger ledger{db.url(), "ie"};
  ledger.write({row("+19095551111", "claude-haiku-4-5", 0.001, day1 + 1000),
                row("+19095551111", "claude-sonnet-4-6", 0.004, day1 + 2000),
                row("+19095552222", "claude-sonnet-4-6", 0.002, day2 + 5000),
                row("", "claude-haiku-4-5", 0.0005, day2 + 6000)});
  auto report = ledger.report("", 10);
  REQUIRE(report["days"].size() == 2);
  CHECK(report["days"][0]["day"] == "2026-11-22");
  CHECK(report["days"][0]["calls"] == 2);
  CHECK(report["days"][0]["cost_usd"].get<double>() == Approx(0.005));
  CHECK(report["days"][0]["baseline_cost_usd"].get<double>() == Approx(0.015));
  CHECK(report["days"][1]["tokens"] == 2 * 520);
  REQUIRE(report["contacts"].size() == 2);
  CHECK(report["contacts"][0]["contact"] == "+19095551111");
  CHECK(report["leads"] == 2);
  CHECK(report["total_usd"].get<double>() == Approx(0.0075));
  CHECK(report["cost_per_lead_usd"].get<double>() == Approx(0.00375));
  CHECK(ledger.report("2026-11-23", 10)["days"].size() == 1);
}

TEST_CASE("the ledger writer batches rows and flushes on demand and at shutdown",
          "[postgres][ledger][integration]") {
  test::scratch_database db;
  postgres::store{db.url(), "ie"}.migrate();
  auto count = [&] {
    pqxx::connection c{db.url()};
    pqxx::nontransaction tx{c};
    return tx.exec("SELECT count(*) FROM llm_calls")[0][0].as<long>();
  };
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::openhouse>();
  caf::actor_system sys{cfg};
  runtime::ledger_options opts;
  opts.batch_size = 3;
  opts.interval = std::chrono::hours{1};  // only size and explicit flushes write in this test
  auto writer = runtime::spawn_ledger_writer(sys, db.url(), "ie", opts);
  caf::scoped_actor self{sys};
  for (int i = 0; i < 4; ++i) {
    self->send(writer, row("+1909555000" + std::to_string(i), "m", 0.01, day1 + i));
  }
  // A request is answered after the four rows before it: three went in one batch.
  std::uint64_t left = 99;
  self->request(writer, caf::infinite, runtime::flush_atom_v)
      .receive([&](std::uint64_t n) { left = n; }, [](const caf::error& e) { FAIL(to_string(e)); });
  CHECK(left == 0);
  CHECK(count() == 4);

  self->send(writer, row("+19095559999", "m", 0.01, day1));
  self->send_exit(writer, caf::exit_reason::user_shutdown);
  self->wait_for(writer);
  CHECK(count() == 5);
}
