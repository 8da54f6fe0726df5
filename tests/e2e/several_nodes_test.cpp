// Two `openhouse serve` nodes on one PostgreSQL and one Redis behave like one:
// a lead's turns run one at a time across them (the lead's lease), each from
// the state the other left (the state version), an opt-out never waits and no
// race undoes it, and a message delivered to both is answered once.

#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;

namespace {

bool is_empty_twiml(const std::string& body) {
  return body.find("<Response/>") != std::string::npos ||
         body.find("<Response></Response>") != std::string::npos;
}

/// Polls `sql` (a count) until it reaches `n`; false after 20 s.
bool wait_for_count(const std::string& db, const std::string& sql, long n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (std::chrono::steady_clock::now() < deadline) {
    if (query_long(db, sql) >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return false;
}

}  // namespace

TEST_CASE("a lead's turns on two nodes build on each other: A, then B, then A", "[e2e][nodes]") {
  test::scratch_database db;
  simulator sim;
  node a{db.url(), sim.url()};
  node b{db.url(), sim.url()};
  http_client c;
  const std::string lead = "+19095557101";
  REQUIRE(is_message_twiml(
      post_sms(c, a.url(), sms_params(sid(1), lead, "Hi, we want to buy a home in Riverside"))
          .body));
  REQUIRE(is_message_twiml(
      post_sms(c, b.url(), sms_params(sid(2), lead, "we're pre-approved for $500k")).body));
  REQUIRE(is_message_twiml(
      post_sms(c, a.url(), sms_params(sid(3), lead, "we need at least 3 bedrooms")).body));
  // Node A held the lead in memory since its first turn; its third turn
  // started from what B stored, and wrote over nothing of it.
  CHECK(query_long(db.url(), "SELECT turns FROM conversation_state") == 3);
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM conversation_state WHERE active_bot = 'buyer' "
                   "AND facts::jsonb ? 'pre_approved' AND facts::jsonb ? 'bedrooms'") == 1);
  CHECK(query_long(db.url(), "SELECT state_version FROM conversation_state") == 3);
}

TEST_CASE("a STOP on one node during a slow turn on the other is honoured, and nothing follows",
          "[e2e][nodes]") {
  test::scratch_database db;
  simulator sim{1500};  // every LLM unit takes 1.5 s: the first turn is slow
  node a{db.url(), sim.url()};
  node b{db.url(), sim.url()};
  const std::string lead = "+19095557102";
  auto slow = std::async(std::launch::async, [&] {
    http_client c;
    return post_sms(c, a.url(), sms_params(sid(1), lead, "what homes do you have in Corona?"));
  });
  // A has the lead and runs the turn; the STOP reaches B meanwhile.
  REQUIRE(wait_for_count(db.url(),
                         "SELECT count(*) FROM messages WHERE provider_sid = '" + sid(1) + "'", 1));
  http_client c;
  const auto stop = post_sms(c, b.url(), sms_params(sid(2), lead, "STOP"));
  CHECK_THAT(stop.body, Catch::Contains("unsubscribed") && Catch::Contains("START"));
  // A's turn is refused when it writes (the lead changed), runs again on the
  // opted-out lead, and sends nothing.
  const auto first = slow.get();
  CHECK(first.status == 200);
  CHECK(is_empty_twiml(first.body));
  CHECK(query_long(db.url(), "SELECT count(*) FROM conversation_state WHERE opted_out") == 1);
  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM messages o JOIN messages i ON o.in_reply_to = "
                   "i.id WHERE i.provider_sid = '" +
                       sid(1) + "' AND o.body = ''") == 1);
  // And later texts, on either node, get nothing.
  CHECK(is_empty_twiml(post_sms(c, a.url(), sms_params(sid(3), lead, "hello?")).body));
}

TEST_CASE("the same MessageSid delivered to two nodes at once is answered once", "[e2e][nodes]") {
  test::scratch_database db;
  simulator sim{500};
  node a{db.url(), sim.url()};
  node b{db.url(), sim.url()};
  const std::string lead = "+19095557103";
  const auto params = sms_params(sid(1), lead, "Hi, we want to buy a home in Fontana");
  auto on_a = std::async(std::launch::async, [&] {
    http_client c;
    return post_sms(c, a.url(), params);
  });
  auto on_b = std::async(std::launch::async, [&] {
    http_client c;
    return post_sms(c, b.url(), params);
  });
  const auto ra = on_a.get();
  const auto rb = on_b.get();
  CHECK(ra.status == 200);
  CHECK(rb.status == 200);
  CHECK(is_message_twiml(ra.body));
  CHECK(ra.body == rb.body);
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages WHERE direction = 'outbound'") == 1);
  CHECK(sim.requests() == 3);  // one turn: intent, facts and the reply
}

TEST_CASE("texts of one lead posted to two nodes at once are answered one at a time, in order",
          "[e2e][nodes]") {
  test::scratch_database db;
  simulator sim{100};
  node a{db.url(), sim.url()};
  node b{db.url(), sim.url()};
  constexpr int texts = 10;
  const std::string lead = "+19095557104";
  std::vector<std::future<long>> posts;
  for (int i = 0; i < texts; ++i) {
    posts.push_back(std::async(std::launch::async, [&, i] {
      http_client c;
      return post_sms(c, (i % 2 == 0 ? a : b).url(),
                      sms_params(sid(100 + i), lead,
                                 "text " + std::to_string(i) + ": our budget is $" +
                                     std::to_string(400 + i) + "k"))
          .status;
    }));
  }
  for (auto& p : posts) CHECK(p.get() == 200);
  CHECK(query_long(db.url(), "SELECT turns FROM conversation_state") == texts);
  // By id: a text, its reply, the next text, its reply ... across both nodes.
  pqxx::connection conn{db.url()};
  pqxx::nontransaction tx{conn};
  const auto rows = tx.exec("SELECT id, direction, in_reply_to FROM messages ORDER BY id");
  REQUIRE(rows.size() == 2 * texts);
  for (std::size_t i = 0; i < rows.size(); i += 2) {
    CHECK(rows[i][1].as<std::string>() == "inbound");
    CHECK(rows[i + 1][1].as<std::string>() == "outbound");
    CHECK(rows[i + 1][2].as<long>() == rows[i][0].as<long>());
  }
}
