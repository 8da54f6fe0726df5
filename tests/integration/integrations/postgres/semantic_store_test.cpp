// The semantic tier's durable copy and its batched writer against a real
// PostgreSQL.

#include "integrations/postgres/semantic_store.hpp"
#include "cache/local_embedder.hpp"
#include "cache/semantic_tier.hpp"
#include "cache/semantic_writer.hpp"
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
