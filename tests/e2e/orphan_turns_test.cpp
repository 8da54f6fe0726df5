// A turn cut off by kill -9 gets answered: the lead's text was stored, the
// node died before the reply, and a restarted node (or two) finishes it:
// one SMS through the outbox in REST mode, a flag for a person in TwiML mode.

#include "tests/support/e2e.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/mock_http.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <future>
#include <thread>

using namespace openhouse;
using namespace openhouse::test::e2e;
using test::http_client;
using test::mock_http;

namespace {

constexpr const char* account_sid = "AC00000000000000000000000000000001";
constexpr const char* messages_path =
    "/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json";

/// A node's environment: a short lease (so the test need not wait 15 s for a
/// dead node's lease to run out) and a fast orphan poll; REST mode through
/// `twilio` when given.
std::map<std::string, std::string> env_of(const std::string& twilio) {
  std::map<std::string, std::string> env{{"OPENHOUSE_TURN_LEASE_MS", "2000"},
                                         {"OPENHOUSE_ORPHAN_POLL", "200ms"},
                                         {"OPENHOUSE_OUTBOX_POLL_MS", "50"},
                                         {"OPENHOUSE_OUTBOX_BASE_DELAY_MS", "50"}};
  if (!twilio.empty()) {
    env["OPENHOUSE_TWILIO_MODE"] = "rest";
    env["TWILIO_ACCOUNT_SID"] = account_sid;
    env["OPENHOUSE_TWILIO_API_URL"] = twilio;
  }
  return env;
}

/// Polls `sql` (a count) until it reaches `n`; false after `limit`.
bool wait_for_count(const std::string& db, const std::string& sql, long n,
                    std::chrono::seconds limit = std::chrono::seconds{30}) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (query_long(db, sql) >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return false;
}

/// Posts the lead's text to a node whose provider is slow, and kills the
/// node with SIGKILL once the text is stored: its turn is cut off.
void cut_off_turn(const std::string& db, const std::string& twilio, const std::string& lead) {
  simulator slow{5000};
  node doomed{db, slow.url(), test::redis_url(), env_of(twilio)};
  auto post = std::async(std::launch::async, [&] {
    http_client c;
    return post_sms(c, doomed.url(),
                    sms_params(sid(1), lead, "Hi, do you have condos in Ontario?"));
  });
  REQUIRE(
      wait_for_count(db, "SELECT count(*) FROM messages WHERE provider_sid = '" + sid(1) + "'", 1));
  doomed.stop(SIGKILL);
  CHECK_THROWS(post.get());  // the connection died with the node: no answer
  REQUIRE(query_long(db, "SELECT count(*) FROM messages WHERE direction = 'outbound'") == 0);
}

}  // namespace

TEST_CASE("REST mode: a turn cut off by kill -9 is answered once after a restart",
          "[e2e][orphans]") {
  test::scratch_database db;
  mock_http twilio;
  const std::string lead = "+19095558301";
  cut_off_turn(db.url(), twilio.url(), lead);

  simulator sim;
  node n{db.url(), sim.url(), test::redis_url(), env_of(twilio.url())};
  REQUIRE(twilio.wait_for(messages_path, 1, std::chrono::seconds{30}));
  CHECK(wait_for_count(db.url(), "SELECT count(*) FROM messages WHERE orphan_outcome = 'answered'",
                       1));
  // Proof that nothing else is queued for it: the lead's next text is sent next.
  http_client c;
  post_sms(c, n.url(), sms_params(sid(2), lead, "also townhomes?"));
  REQUIRE(twilio.wait_for(messages_path, 2));
  const auto calls = twilio.requests_to(messages_path);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].headers.at("i-twilio-idempotency-token") == "sms:" + sid(1));
  CHECK(calls[1].headers.at("i-twilio-idempotency-token") == "sms:" + sid(2));
  CHECK_THAT(c.get(n.url() + "/metrics").body,
             Catch::Contains(R"(openhouse_orphaned_turns_total{outcome="answered"} 1)"));
}

TEST_CASE("REST mode: two nodes restarting after kill -9 answer the cut-off turn once",
          "[e2e][orphans]") {
  test::scratch_database db;
  mock_http twilio;
  const std::string lead = "+19095558302";
  cut_off_turn(db.url(), twilio.url(), lead);

  simulator sim;
  node a{db.url(), sim.url(), test::redis_url(), env_of(twilio.url())};
  node b{db.url(), sim.url(), test::redis_url(), env_of(twilio.url())};
  REQUIRE(twilio.wait_for(messages_path, 1, std::chrono::seconds{30}));
  CHECK(wait_for_count(db.url(), "SELECT count(*) FROM messages WHERE orphan_outcome = 'answered'",
                       1));
  http_client c;
  post_sms(c, b.url(), sms_params(sid(2), lead, "also townhomes?"));
  REQUIRE(twilio.wait_for(messages_path, 2));
  const auto calls = twilio.requests_to(messages_path);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].headers.at("i-twilio-idempotency-token") == "sms:" + sid(1));
  CHECK(query_long(db.url(), "SELECT count(*) FROM outbox WHERE kind = 'sms'") == 2);
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages WHERE direction = 'outbound'") == 2);
}

TEST_CASE("TwiML mode: a turn cut off by kill -9 is flagged for a person, not answered",
          "[e2e][orphans]") {
  test::scratch_database db;
  const std::string lead = "+19095558303";
  cut_off_turn(db.url(), "", lead);

  simulator sim;
  node n{db.url(), sim.url(), test::redis_url(), env_of("")};
  REQUIRE(wait_for_count(db.url(), "SELECT count(*) FROM messages WHERE orphan_outcome = 'flagged'",
                         1));
  CHECK(query_long(db.url(), "SELECT count(*) FROM conversation_state WHERE needs_human") == 1);
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages WHERE direction = 'outbound'") == 0);
  CHECK(sim.requests() == 0);  // nobody ran the turn again
}
