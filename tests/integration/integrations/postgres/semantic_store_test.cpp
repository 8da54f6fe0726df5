// The semantic tier's durable copy and its batched writer against a real
// PostgreSQL.

#include "integrations/postgres/semantic_store.hpp"
#include "cache/local_embedder.hpp"
#include "cache/semantic_tier.hpp"
#include "cache/semantic_writer.hpp"
#include "integrations/postgres/refused.hpp"
#include "integrations/postgres/store.hpp"
#include "tests/support/services.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <cstring>

using namespace openhouse;
using namespace std::chrono_literals;

namespace {

using time_point = cache::semantic_tier::time_point;

// Microseconds: PostgreSQL keeps timestamps to the microsecond.
const time_point t0 = time_point{} + std::chrono::microseconds{1'795'305'600'123'456LL};

std::shared_ptr<const cache::embedder> embedder() {
  static const auto instance =
      std::make_shared<const cache::local_embedder>(cache::default_lexicon());
  return instance;
}

cache::semantic_tier make_tier() {
  return cache::semantic_tier(embedder(), cache::default_lexicon(), {{"faq", 0.72}});
}

long count(const std::string& url) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  return tx.exec("SELECT count(*) FROM semantic_entries")[0][0].as<long>();
}

bool bit_equal(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("semantic entries round-trip bit-exact and only live ones load",
          "[postgres][l3][integration]") {
  test::scratch_database db;
  postgres::store{db.url(), "ie"}.migrate();
  auto tier = make_tier();
  const auto live = tier.insert("faq|m|ie|a%_b", "faq", "What are closing costs?",
                                "Closing costs run 2-5% \\ \"quoted\"\ttab", "SM1", t0 + 1h, t0);
  const auto short_lived =
      tier.insert("faq|m|ie|x", "faq", "Who pays the escrow fees?", "b", "SM2", t0 + 1min, t0);
  auto odd = live;  // values that stress the text format: negative, tiny, NaN-free extremes
  odd.id = 77;
  odd.partition = "faq|m|ie|odd";
  odd.vector = {-0.0f, 1e-38f, -3.4e38f, 0.1f, 1.0f / 3.0f};
  // The cache stores binary entries: NUL bytes and bytes that are no UTF-8.
  odd.value = std::string{"oh\0\x01\xff\xfe end\0", 11};

  postgres::semantic_store other_market{db.url(), "other"};
  other_market.insert({live});
  postgres::semantic_store store{db.url(), "ie"};
  store.insert({live, short_lived, odd});
  CHECK(count(db.url()) == 4);

  auto loaded = store.load_live(t0 + 2min);
  REQUIRE(loaded.size() == 2);
  const auto& a = loaded[0];
  CHECK(a.id == live.id);
  CHECK(a.partition == live.partition);
  CHECK(a.task == "faq");
  CHECK(a.text == live.text);
  CHECK(a.value == live.value);
  CHECK(a.source_sid == "SM1");
  CHECK(a.created_at == live.created_at);
  CHECK(a.expires_at == live.expires_at);
  CHECK(bit_equal(a.vector, live.vector));
  CHECK(bit_equal(loaded[1].vector, odd.vector));
  CHECK(loaded[1].value == odd.value);
  CHECK(store.load_live(t0).size() == 3);

  CHECK(store.delete_expired(t0 + 2min) == 1);
  CHECK(store.delete_partition_prefix("faq|m|ie|a%") == 1);  // '%' is no wildcard
  CHECK(store.load_live(t0).size() == 1);
  CHECK(other_market.load_live(t0).size() == 1);
  CHECK(store.delete_partition_prefix("") == 1);
  CHECK(count(db.url()) == 1);
}

TEST_CASE("a tier rebuilt from the store answers as before the restart",
          "[postgres][l3][integration]") {
  test::scratch_database db;
  postgres::store{db.url(), "ie"}.migrate();
  postgres::semantic_store store{db.url(), "ie"};
  std::optional<cache::semantic_match> before;
  {
    auto tier = make_tier();
    std::vector<cache::semantic_entry> written;
    written.push_back(tier.insert("p", "faq", "How much are HOA fees in Corona?", "hoa-corona",
                                  "SM1", t0 + 1h, t0));
    written.push_back(tier.insert("p", "faq", "How much are HOA fees in Fontana?", "hoa-fontana",
                                  "SM2", t0 + 1h, t0));
    written.push_back(
        tier.insert("p", "faq", "What are closing costs?", "closing", "SM3", t0 + 1s, t0));
    store.insert(written);
    before = tier.lookup("p", "faq", "how much r the hoa fees in corona", t0 + 1min);
    REQUIRE(before);
  }
  auto restarted = make_tier();
  std::size_t restored = 0;
  for (const auto& entry : store.load_live(t0 + 1min)) {
    restored += restarted.restore(entry, t0 + 1min) ? 1 : 0;
  }
  CHECK(restored == 2);
  const auto after = restarted.lookup("p", "faq", "how much r the hoa fees in corona", t0 + 1min);
  REQUIRE(after);
  CHECK(after->id == before->id);
  CHECK(after->value == "hoa-corona");
  CHECK(after->source_sid == "SM1");
  CHECK(after->similarity == before->similarity);
  CHECK_FALSE(restarted.lookup("p", "faq", "What are closing costs?", t0 + 1min));
}

TEST_CASE("the semantic writer batches entries, deletes partitions and flushes on exit",
          "[postgres][l3][integration]") {
  test::scratch_database db;
  postgres::store{db.url(), "ie"}.migrate();
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::openhouse>();
  caf::actor_system sys{cfg};
  cache::semantic_writer_options opts;
  opts.batch_size = 3;
  opts.interval = std::chrono::hours{1};  // only size and explicit flushes write here
  auto writer = cache::spawn_semantic_writer(sys, db.url(), "ie", opts);
  caf::scoped_actor self{sys};
  auto tier = make_tier();
  for (int i = 0; i < 4; ++i) {
    self->send(writer, tier.insert(i < 2 ? "keep" : "drop|" + std::to_string(i), "faq",
                                   "is " + std::to_string(100 + i) + " main st available", "v",
                                   "SM", t0 + 1h, t0));
  }
  std::uint64_t left = 99;
  self->request(writer, caf::infinite, runtime::flush_atom_v)
      .receive([&](std::uint64_t n) { left = n; }, [](const caf::error& e) { FAIL(to_string(e)); });
  CHECK(left == 0);
  CHECK(count(db.url()) == 4);
  self->send(writer, cache::erase_atom_v, std::string("drop|"));
  self->send(writer, tier.insert("keep", "faq", "last one", "v", "SM", t0 + 1h, t0));
  self->send_exit(writer, caf::exit_reason::user_shutdown);
  self->wait_for(writer);
  CHECK(count(db.url()) == 3);
}

TEST_CASE("the semantic writer survives an unreachable database", "[postgres][l3][integration]") {
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::openhouse>();
  caf::actor_system sys{cfg};
  cache::semantic_writer_options opts;
  opts.batch_size = 1;
  auto writer =
      cache::spawn_semantic_writer(sys, "postgresql://nobody@127.0.0.1:1/none", "ie", opts);
  caf::scoped_actor self{sys};
  auto tier = make_tier();
  self->send(writer, tier.insert("p", "faq", "What are closing costs?", "v", "SM", t0 + 1h, t0));
  std::uint64_t left = 0;
  self->request(writer, caf::infinite, runtime::flush_atom_v)
      .receive([&](std::uint64_t n) { left = n; }, [](const caf::error& e) { FAIL(to_string(e)); });
  CHECK(left == 1);  // kept for the next attempt; the actor still answers
  self->send_exit(writer, caf::exit_reason::user_shutdown);
  self->wait_for(writer);
}

namespace {

/// An entry PostgreSQL refuses, made from a good one: `how` picks the flaw.
cache::semantic_entry spoiled(cache::semantic_entry e, int how) {
  if (how == 0) {
    e.text = std::string{"is the pool\0 heated", 19};  // text cannot hold a NUL byte
  } else {
    e.partition = "faq|m|ie|\xc3\x28";  // not UTF-8
  }
  return e;
}

std::uint64_t flush_now(caf::scoped_actor& self, const cache::semantic_writer_actor& writer) {
  std::uint64_t left = 99;
  self->request(writer, caf::infinite, runtime::flush_atom_v)
      .receive([&](std::uint64_t n) { left = n; }, [](const caf::error& e) { FAIL(to_string(e)); });
  return left;
}

bool rendered_with(const runtime::metrics& m, const std::string& line) {
  return m.render().find(line) != std::string::npos;
}

}  // namespace

TEST_CASE("the semantic store names a refused row as refused, not as a lost database",
          "[postgres][l3][integration]") {
  test::scratch_database db;
  postgres::store{db.url(), "ie"}.migrate();
  postgres::semantic_store store{db.url(), "ie"};
  auto tier = make_tier();
  const auto good = tier.insert("p", "faq", "do you charge a fee to list", "v", "SM1", t0 + 1h, t0);
  for (int how = 0; how < 2; ++how) {
    CHECK_THROWS_AS(store.insert({good, spoiled(good, how)}), postgres::refused);
  }
  // The connection outlives the refusals, and the batch was all or nothing.
  CHECK(count(db.url()) == 0);
  store.insert({good});
  CHECK(count(db.url()) == 1);
}

TEST_CASE("rows PostgreSQL refuses are dropped and counted; the good rows around them land",
          "[postgres][l3][integration]") {
  test::scratch_database db;
  postgres::store{db.url(), "ie"}.migrate();
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::openhouse>();
  caf::actor_system sys{cfg};
  auto metrics = std::make_shared<runtime::metrics>();
  cache::semantic_writer_options opts;
  opts.batch_size = 1000;
  opts.interval = std::chrono::hours{1};  // only explicit flushes write here
  opts.metrics = metrics;
  auto writer = cache::spawn_semantic_writer(sys, db.url(), "ie", opts);
  caf::scoped_actor self{sys};
  auto tier = make_tier();
  for (int i = 0; i < 40; ++i) {
    auto e = tier.insert("p", "faq", "is unit " + std::to_string(i) + " still open", "v", "SM",
                         t0 + 1h, t0);
    self->send(writer, i == 7 || i == 31 ? spoiled(std::move(e), i == 7 ? 0 : 1) : std::move(e));
  }
  CHECK(flush_now(self, writer) == 0);  // nothing left behind to block later entries
  CHECK(count(db.url()) == 38);
  CHECK(rendered_with(*metrics, R"(openhouse_semantic_rows_dropped_total{reason="refused"} 2)"));

  // Later entries are written at once, as if nothing had happened.
  self->send(writer,
             tier.insert("p", "faq", "what time is the open house", "v", "SM", t0 + 1h, t0));
  CHECK(flush_now(self, writer) == 0);
  CHECK(count(db.url()) == 39);
  self->send_exit(writer, caf::exit_reason::user_shutdown);
  self->wait_for(writer);
}

TEST_CASE("an unreachable database keeps the backlog up to its cap, and counts the overflow",
          "[postgres][l3][integration]") {
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::openhouse>();
  caf::actor_system sys{cfg};
  auto clock = std::make_shared<runtime::manual_clock>();
  auto metrics = std::make_shared<runtime::metrics>();
  cache::semantic_writer_options opts;
  opts.batch_size = 1;  // every entry asks for a write
  opts.interval = std::chrono::hours{1};
  opts.clock = clock;
  opts.metrics = metrics;
  opts.max_buffered = 3;
  auto writer =
      cache::spawn_semantic_writer(sys, "postgresql://nobody@127.0.0.1:1/none", "ie", opts);
  caf::scoped_actor self{sys};
  auto tier = make_tier();
  // The first entry's write fails; the next four arrive within the backoff
  // (the injected clock stands still) and are only buffered.
  for (int i = 0; i < 5; ++i) {
    self->send(writer,
               tier.insert("p", "faq", "question " + std::to_string(i), "v", "SM", t0 + 1h, t0));
  }
  // A forced flush tries once, fails, and trims the backlog to its cap.
  CHECK(flush_now(self, writer) == 3);
  CHECK(rendered_with(*metrics, R"(openhouse_semantic_rows_dropped_total{reason="overflow"} 2)"));
  CHECK(rendered_with(*metrics, R"(openhouse_semantic_rows_dropped_total{reason="refused"} 0)"));
  self->send_exit(writer, caf::exit_reason::user_shutdown);
  self->wait_for(writer);
}
