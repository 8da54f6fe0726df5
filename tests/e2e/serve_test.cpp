// End to end: the openhouse binary as a user runs it. `sim-llm` and `serve`
// start as processes on free ports (port 0), against the real Redis and
// PostgreSQL from scripts/services, each test with a database of its own.
// Webhooks are signed exactly as Twilio signs them.

#include "integrations/redis/client.hpp"
#include "integrations/twilio/signature.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/redis_server.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <csignal>
#include <future>
#include <thread>

using namespace openhouse;
using test::http_client;

using namespace openhouse::test::e2e;

TEST_CASE("a signed SMS is stored, answered by the Lead bot through the provider, as TwiML",
          "[e2e]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;

  auto res = post_sms(c, n.url(),
                      sms_params(sid(1), "+19095551234", "Hi, I want to buy a 3bd in Riverside"));
  REQUIRE(res.status == 200);
  CHECK(res.headers["content-type"].rfind("text/xml", 0) == 0);
  CHECK(is_message_twiml(res.body));
  CHECK(sim.requests() == 3);  // the intent, facts and reply units

  CHECK(query_long(db.url(),
                   "SELECT count(*) FROM messages WHERE direction = 'inbound' AND "
                   "provider_sid = '" +
                       sid(1) + "'") == 1);
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages WHERE direction = 'outbound'") == 1);
  CHECK(query_long(db.url(), "SELECT turns FROM conversation_state") == 1);

  SECTION("a redelivered MessageSid gets the same reply, no new row and no new LLM call") {
    auto again = post_sms(
        c, n.url(), sms_params(sid(1), "+19095551234", "Hi, I want to buy a 3bd in Riverside"));
    CHECK(again.status == 200);
    CHECK(again.body == res.body);
    CHECK(sim.requests() == 3);
    CHECK(query_long(db.url(), "SELECT count(*) FROM messages") == 2);
  }

  SECTION("health, readiness and metrics answer") {
    CHECK(c.get(n.url() + "/healthz").status == 200);
    auto ready = c.get(n.url() + "/readyz");
    CHECK(ready.status == 200);
    CHECK(nlohmann::json::parse(ready.body).at("postgres") == "ok");
    auto metrics = c.get(n.url() + "/metrics");
    CHECK(metrics.status == 200);
    CHECK_THAT(metrics.body, Catch::Contains("openhouse_webhook_requests_total{code=\"200\","
                                             "route=\"/webhooks/twilio/sms\"} 1"));
    CHECK_THAT(metrics.body, Catch::Contains("openhouse_webhook_duration_seconds_bucket"));
  }
}

TEST_CASE("50 concurrent posts for one contact are stored and answered one at a time, in order",
          "[e2e]") {
  test::scratch_database db;
  simulator sim{0};  // answers at once: this is about order, not latency
  node n{db.url(), sim.url()};

  constexpr int posts = 50;
  std::vector<std::future<std::string>> results;
  results.reserve(posts);
  for (int i = 0; i < posts; ++i) {
    results.push_back(std::async(std::launch::async, [&, i] {
      http_client c;
      auto r = post_sms(c, n.url(),
                        // Each message tells something new, so no turn is
                        // "unproductive" (which would hand the lead to a person).
                        sms_params(sid(100 + i), "+19095557777",
                                   "message " + std::to_string(i) + ": my budget is $" +
                                       std::to_string(300 + i) + "k"));
      return r.status == 200 && is_message_twiml(r.body) ? std::string{"ok"}
                                                         : std::to_string(r.status) + " " + r.body;
    }));
  }
  for (auto& f : results) {
    CHECK(f.get() == "ok");
  }
  CHECK(sim.requests() == 3 * posts);  // intent, facts and reply per message, all different
  CHECK(query_long(db.url(), "SELECT turns FROM conversation_state") == posts);

  // Strictly one at a time: by id the contact's rows alternate inbound,
  // its reply, next inbound, its reply ... with no interleaving.
  pqxx::connection conn{db.url()};
  pqxx::nontransaction tx{conn};
  const auto rows = tx.exec("SELECT id, direction, in_reply_to FROM messages ORDER BY id");
  REQUIRE(rows.size() == 2 * posts);
  for (std::size_t i = 0; i < rows.size(); i += 2) {
    CHECK(rows[i][1].as<std::string>() == "inbound");
    CHECK(rows[i + 1][1].as<std::string>() == "outbound");
    CHECK(rows[i + 1][2].as<long>() == rows[i][0].as<long>());
  }
}

TEST_CASE("refused requests change nothing", "[e2e]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url()};
  http_client c;
  const auto form_type =
      std::map<std::string, std::string>{{"Content-Type", "application/x-www-form-urlencoded"}};

  SECTION("bad signature: 403") {
    auto r = post_sms(c, n.url(), sms_params(sid(1), "+19095551234", "hi"),
                      "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    CHECK(r.status == 403);
  }
  SECTION("missing signature: 403") {
    auto r = c.post(n.url() + "/webhooks/twilio/sms",
                    test::form_body(sms_params(sid(1), "+19095551234", "hi")), form_type);
    CHECK(r.status == 403);
  }
  SECTION("signed for another URL: 403") {
    auto params = sms_params(sid(1), "+19095551234", "hi");
    std::vector<twilio::param> p(params.begin(), params.end());
    auto r =
        post_sms(c, n.url(), params,
                 twilio::compute_signature(auth_token, "http://127.0.0.1/webhooks/twilio/sms", p));
    CHECK(r.status == 403);
  }
  SECTION("body over 64 KiB: 413") {
    auto r = post_sms(c, n.url(), sms_params(sid(1), "+19095551234", std::string(70 * 1024, 'x')));
    CHECK(r.status == 413);
  }
  SECTION("malformed form body: 400") {
    auto r = c.post(
        n.url() + "/webhooks/twilio/sms", "Body=%ZZ&From=%2B19095551234",
        {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", "x"}});
    CHECK(r.status == 400);
  }
  SECTION("signed but without Body: 400") {
    auto params = sms_params(sid(1), "+19095551234", "hi");
    params.erase("Body");
    CHECK(post_sms(c, n.url(), params).status == 400);
  }
  SECTION("signed but without MessageSid: 400") {
    auto params = sms_params(sid(1), "+19095551234", "hi");
    params.erase("MessageSid");
    CHECK(post_sms(c, n.url(), params).status == 400);
  }
  SECTION("unknown route: 404, wrong method: 405") {
    CHECK(c.get(n.url() + "/nope").status == 404);
    auto r = c.get(n.url() + "/webhooks/twilio/sms");
    CHECK(r.status == 405);
    CHECK(r.headers["allow"] == "POST");
  }

  CHECK(query_long(db.url(), "SELECT count(*) FROM messages") == 0);
  CHECK(query_long(db.url(), "SELECT count(*) FROM contacts") == 0);
  CHECK(sim.requests() == 0);
  // The server is still healthy after every refusal.
  CHECK(c.get(n.url() + "/healthz").status == 200);
}

TEST_CASE("SIGTERM lets an in-flight request finish, then exits cleanly", "[e2e]") {
  test::scratch_database db;
  simulator slow_sim{1500};
  node n{db.url(), slow_sim.url()};

  auto in_flight = std::async(std::launch::async, [&] {
    http_client c;
    return post_sms(c, n.url(), sms_params(sid(1), "+19095551234", "are you there?"));
  });
  // The inbound row is written before the provider call: once it exists the
  // request is in flight, waiting on the slow provider. (A bounded poll on
  // an observable fact, not a sleep standing in for one.)
  for (int i = 0; i < 500 && query_long(db.url(), "SELECT count(*) FROM messages") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  REQUIRE(query_long(db.url(), "SELECT count(*) FROM messages") == 1);
  CHECK(n.stop(SIGTERM) == 0);
  auto res = in_flight.get();
  CHECK(res.status == 200);
  CHECK(is_message_twiml(res.body));
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages WHERE direction = 'outbound'") == 1);
}

TEST_CASE("a conversation survives a restart of the node", "[e2e]") {
  test::scratch_database db;
  simulator sim;
  {
    node first{db.url(), sim.url()};
    http_client c;
    REQUIRE(
        post_sms(c, first.url(), sms_params(sid(1), "+19095551234", "selling my house")).status ==
        200);
    CHECK(first.stop() == 0);
  }
  node second{db.url(), sim.url()};
  http_client c;
  // The redelivery after the restart is still recognised.
  auto dup = post_sms(c, second.url(), sms_params(sid(1), "+19095551234", "selling my house"));
  CHECK(dup.status == 200);
  CHECK(sim.requests() == 3);
  REQUIRE(post_sms(c, second.url(), sms_params(sid(2), "+19095551234", "in Corona")).status == 200);
  CHECK(query_long(db.url(), "SELECT turns FROM conversation_state") == 2);
  CHECK(sim.requests() == 6);
}

TEST_CASE("readiness reports a dependency that is down", "[e2e]") {
  test::scratch_database db;
  simulator sim;
  node n{db.url(), sim.url(), "redis://127.0.0.1:1"};
  http_client c;
  // Without Redis the node serves (degraded): a balancer keeps it in rotation.
  auto r = c.get(n.url() + "/readyz");
  CHECK(r.status == 200);
  const auto body = nlohmann::json::parse(r.body);
  CHECK(body.at("status") == "degraded");
  CHECK(body.at("redis") == "down");
  CHECK(body.at("postgres") == "ok");
  CHECK_THAT(body.at("redis_error").get<std::string>(), Catch::Contains("127.0.0.1:1"));
  CHECK(c.get(n.url() + "/healthz").status == 200);
}

namespace {

/// GET /readyz until its status differs from `from` or 5 s pass (a bounded
/// poll on an observable fact); the last answer.
test::http_result readyz_until_not(http_client& c, const node& n, long from) {
  test::http_result r;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  do {
    r = c.get(n.url() + "/readyz");
  } while (r.status == from && std::chrono::steady_clock::now() < deadline);
  return r;
}

/// GET /readyz until its JSON status is `status`, or 10 s pass.
std::string readyz_status_until(http_client& c, const node& n, const std::string& status) {
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  do {
    seen = nlohmann::json::parse(c.get(n.url() + "/readyz").body).at("status");
    if (seen != status) {
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
  } while (seen != status && std::chrono::steady_clock::now() < deadline);
  return seen;
}

}  // namespace

TEST_CASE(
    "SIGTERM drains: /readyz 503 at once, serving through the delay, the slow turn "
    "answered, exit 0",
    "[e2e][drain]") {
  test::scratch_database db;
  simulator slow_sim{1500};
  node n{db.url(), slow_sim.url(), test::redis_url(), {{"OPENHOUSE_DRAIN_DELAY", "3s"}}};
  http_client c;
  REQUIRE(c.get(n.url() + "/readyz").status == 200);

  auto in_flight = std::async(std::launch::async, [&] {
    http_client own;
    return post_sms(own, n.url(), sms_params(sid(1), "+19095551234", "are you there?"));
  });
  // In flight once its inbound row exists (it waits on the slow provider).
  for (int i = 0; i < 500 && query_long(db.url(), "SELECT count(*) FROM messages") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  REQUIRE(query_long(db.url(), "SELECT count(*) FROM messages") == 1);

  const auto signalled = std::chrono::steady_clock::now();
  n.signal(SIGTERM);
  const auto ready = readyz_until_not(c, n, 200);
  const auto noticed = std::chrono::steady_clock::now() - signalled;
  CHECK(ready.status == 503);
  CHECK(nlohmann::json::parse(ready.body) == nlohmann::json{{"status", "draining"}});
  CHECK(ready.headers.count("connection") == 1);
  CHECK(ready.headers.at("connection") == "close");  // a kept-alive client reconnects elsewhere
  CHECK(noticed < std::chrono::seconds{1});

  // Still serving new requests during the delay: a STOP needs no provider.
  auto stop = post_sms(c, n.url(), sms_params(sid(2), "+19095550002", "STOP"));
  CHECK(stop.status == 200);
  CHECK(is_message_twiml(stop.body));
  CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds{3});

  auto res = in_flight.get();
  CHECK(res.status == 200);
  CHECK(is_message_twiml(res.body));
  CHECK(n.wait() == 0);
  // It stayed for the whole delay before closing.
  CHECK(std::chrono::steady_clock::now() - signalled >= std::chrono::seconds{3});
  CHECK(query_long(db.url(), "SELECT count(*) FROM messages WHERE direction = 'outbound'") == 2);
}

TEST_CASE(
    "readiness: Redis stopped is 200 degraded and the node answers; PostgreSQL refusing is "
    "503",
    "[e2e][readiness]") {
  test::scratch_database db;
  simulator sim{0};
  test::redis_server redis;
  node n{db.url(), sim.url(), redis.url()};
  http_client c;
  auto r = c.get(n.url() + "/readyz");
  REQUIRE(r.status == 200);
  CHECK(nlohmann::json::parse(r.body).at("status") == "ready");

  redis.stop();
  r = c.get(n.url() + "/readyz");
  CHECK(r.status == 200);
  auto body = nlohmann::json::parse(r.body);
  CHECK(body.at("status") == "degraded");
  CHECK(body.at("redis") == "down");
  CHECK(body.at("postgres") == "ok");
  auto answered = post_sms(c, n.url(),
                           sms_params(sid(1), "+19095551234",
                                      "is the house on Elm "
                                      "still for sale?"));
  CHECK(answered.status == 200);
  CHECK(is_message_twiml(answered.body));

  redis.start();
  CHECK(readyz_status_until(c, n, "ready") == "ready");

  // PostgreSQL refuses the node's connections: nothing can be stored.
  {
    pqxx::connection admin{test::database_url()};
    pqxx::nontransaction tx{admin};
    tx.exec("ALTER DATABASE " + tx.quote_name(db.name()) + " ALLOW_CONNECTIONS false");
    tx.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " +
            tx.quote(db.name()));
  }
  r = readyz_until_not(c, n, 200);
  CHECK(r.status == 503);
  body = nlohmann::json::parse(r.body);
  CHECK(body.at("status") == "not ready");
  CHECK(body.at("postgres") == "down");
  CHECK(body.at("redis") == "ok");
  {
    pqxx::connection admin{test::database_url()};
    pqxx::nontransaction tx{admin};
    tx.exec("ALTER DATABASE " + tx.quote_name(db.name()) + " ALLOW_CONNECTIONS true");
  }
  CHECK(readyz_status_until(c, n, "ready") == "ready");
}

TEST_CASE(
    "a password-protected Redis: the URL's password is used, a wrong one is named in "
    "/readyz",
    "[e2e][readiness][auth]") {
  test::scratch_database db;
  simulator sim{0};
  test::redis_server redis{test::redis_server_options::with_password("e2e-redis-pw")};
  http_client c;
  {
    node wrong{db.url(), sim.url(),
               "redis://:not-the-pw@127.0.0.1:" + std::to_string(redis.port())};
    auto r = c.get(wrong.url() + "/readyz");
    CHECK(r.status == 200);
    const auto body = nlohmann::json::parse(r.body);
    CHECK(body.at("status") == "degraded");
    const auto why = body.at("redis_error").get<std::string>();
    CHECK_THAT(why, Catch::Contains("AUTH") && Catch::Contains("WRONGPASS") &&
                        Catch::Contains("user or password in the Redis URL is wrong"));
    CHECK(why.find("not-the-pw") == std::string::npos);
    // Still answering leads, without Redis.
    CHECK(post_sms(c, wrong.url(), sms_params(sid(1), "+19095551234", "do you have 3bd homes?"))
              .status == 200);
    CHECK(wrong.stop() == 0);
  }
  node right{db.url(), sim.url(), redis.url()};  // redis://:e2e-redis-pw@127.0.0.1:PORT
  auto r = c.get(right.url() + "/readyz");
  CHECK(r.status == 200);
  CHECK(nlohmann::json::parse(r.body).at("status") == "ready");
  REQUIRE(
      post_sms(c, right.url(), sms_params(sid(2), "+19095555678", "any 4bd in Corona?")).status ==
      200);
  // Its cache entries went to the protected Redis.
  redis::client direct{redis.endpoint(), std::chrono::milliseconds{1000}};
  const auto prefix = "test_" + db.name();
  const auto entries =
      direct.eval_integers("return #redis.call('KEYS', ARGV[1])", {}, {prefix + ":l2:*"}).at(0);
  CHECK(entries > 0);
}

TEST_CASE("the command line explains itself and refuses bad input in one line", "[e2e][cli]") {
  for (const char* cmd :
       {"serve", "check-config", "migrate", "sim-llm", "replay", "eval-semantic"}) {
    auto r = test::run({OPENHOUSE_BINARY, cmd, "--help"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains(std::string{"openhouse "} + cmd));
  }
  auto unknown = test::run({OPENHOUSE_BINARY, "frobnicate"});
  CHECK(unknown.exit_code != 0);
  CHECK_THAT(unknown.err, Catch::Contains("unknown command"));

  auto bad_flag = test::run({OPENHOUSE_BINARY, "serve", "--nope", "1"});
  CHECK(bad_flag.exit_code != 0);
  CHECK_THAT(bad_flag.err, Catch::Contains("unknown option --nope"));
}

TEST_CASE("check-config accepts the shipped market and names key and line of errors",
          "[e2e][cli]") {
  auto ok = test::run({OPENHOUSE_BINARY, "check-config", config_path()},
                      {{"TWILIO_AUTH_TOKEN", "x"},
                       {"OPENHOUSE_DATABASE_URL", "postgresql://localhost/x"},
                       {"OPENHOUSE_REDIS_URL", "redis://127.0.0.1:6379"}});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == "ok\n");

  char path[] = "/tmp/openhouse-bad-XXXXXX";
  const int fd = mkstemp(path);
  const std::string bad = "market:\n  id: x\n  colour: blue\n";
  REQUIRE(write(fd, bad.data(), bad.size()) == static_cast<ssize_t>(bad.size()));
  close(fd);
  auto r = test::run({OPENHOUSE_BINARY, "check-config", path});
  unlink(path);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains(std::string{path} + ":3: market.colour: unknown key"));
}
