// The follow-up worker and the outbox worker as `serve` runs them, against a
// real PostgreSQL and a local mock of Twilio's REST API, on a manual clock in
// the market's time zone: `openhouse serve` reads the system clock, so the
// hours and days a follow-up waits are driven here rather than through the
// binary (tests/e2e/follow_up_test.cpp runs the binary with a short `after`).
// A lead texts and the bot replies (as a turn records them), time passes,
// and the worker is ticked.

#include "runtime/follow_up_worker.hpp"
#include "config/loader.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/time_zone.hpp"
#include "integrations/postgres/store.hpp"
#include "runtime/node_parts.hpp"
#include "runtime/outbox_worker.hpp"
#include "tests/support/mock_http.hpp"
#include "tests/support/services.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <future>

using namespace openhouse;
using namespace std::chrono_literals;
using test::mock_http;

namespace {

constexpr const char* account_sid = "AC00000000000000000000000000000001";
constexpr const char* messages_path =
    "/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json";

/// 2026-07-15 10:00 in Los Angeles (PDT, UTC-7).
const runtime::clock::time_point morning{std::chrono::seconds{1784134800}};

long query_long(const std::string& url, const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  return tx.exec(sql)[0][0].as<long>();
}

/// The shipped market in REST mode with follow-ups on (24h, one per silence).
std::shared_ptr<const config::market_config> market(const std::string& database_url,
                                                    const std::string& twilio_url) {
  const auto r =
      config::load_market_file(std::string(OPENHOUSE_SOURCE_DIR) + "/config/node.yaml",
                               config::fixed_env({{"OPENHOUSE_DATABASE_URL", database_url},
                                                  {"OPENHOUSE_REDIS_URL", test::redis_url()},
                                                  {"TWILIO_AUTH_TOKEN", "e2e-auth-token"},
                                                  {"TWILIO_ACCOUNT_SID", account_sid},
                                                  {"OPENHOUSE_TWILIO_MODE", "rest"},
                                                  {"OPENHOUSE_TWILIO_API_URL", twilio_url},
                                                  {"OPENHOUSE_OUTBOX_POLL_MS", "50"},
                                                  {"OPENHOUSE_FOLLOW_UP", "true"}}));
  REQUIRE(r.has_value());
  REQUIRE(r->follow_up.after == 24h);
  REQUIRE(r->quiet.start_minute == 21 * 60);
  REQUIRE(r->quiet.end_minute == 8 * 60);
  return std::make_shared<const config::market_config>(*r);
}

/// A node's follow-up and outbox workers on a scratch database, a mock
/// Twilio and a manual clock; the store records turns as conversations do.
class harness {
 public:
  harness()
      : cfg_(market(db_.url(), twilio_.url())),
        clock_(std::make_shared<runtime::manual_clock>(morning)),
        zone_(std::make_shared<const runtime::time_zone>(
            runtime::time_zone::load(cfg_->market.timezone))),
        metrics_(std::make_shared<runtime::metrics>()),
        store_(db_.url(), cfg_->market.id),
        sys_(caf_cfg_),
        self_(sys_) {
    store_.migrate();
    store_.set_outbox_policy(postgres::outbox_policy_of(*cfg_));
    outbox_ = runtime::spawn_outbox_worker(sys_, {cfg_, clock_, metrics_});
    worker_ = spawn_worker();
  }

  ~harness() {
    caf::anon_send_exit(worker_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(outbox_, caf::exit_reason::user_shutdown);
  }

  /// Another node's worker on the same database.
  runtime::follow_up_actor spawn_worker() {
    return runtime::spawn_follow_up_worker(
        sys_, runtime::follow_up_deps{cfg_, clock_, zone_, metrics_, outbox_, /*poll=*/false});
  }

  /// The lead texts `body` now and the bot answers `reply` a second later;
  /// `opted_out` is the lead's state after the turn (a STOP turn sets it).
  void turn(const std::string& sid, const std::string& lead, const std::string& body,
            const std::string& reply, bool opted_out = false) {
    store_.record_inbound({sid, lead, cfg_->market.phone_number, body, clock_->now_ms()});
    clock_->advance(1s);
    runtime::outbound_reply r;
    r.contact = lead;
    r.in_reply_to_sid = sid;
    r.inbound_body = body;
    r.body = reply;
    r.bot = "lead";
    r.sent_at_ms = clock_->now_ms();
    r.state.contact = lead;
    r.state.turns = 1;
    r.state.opted_out = opted_out;
    if (opted_out) r.compliance = "opt_out:keyword";  // only an opt-out turn sets it
    REQUIRE(store_.record_reply(r));
    caf::anon_send(outbox_, runtime::tick_atom_v);
  }

  /// One tick of `w`: (follow-ups written, held for quiet hours).
  std::pair<std::int32_t, bool> tick(const runtime::follow_up_actor& w) {
    std::pair<std::int32_t, bool> out{-1, false};
    self_->request(w, 30s, runtime::tick_atom_v)
        .receive(
            [&](std::int32_t written, bool quiet) {
              out = {written, quiet};
            },
            [&](const caf::error& e) { FAIL("tick failed: " << sys_.render(e)); });
    return out;
  }
  std::pair<std::int32_t, bool> tick() { return tick(worker_); }

  /// Ticks `a` and `b` at the same time (each from its own thread); the sum
  /// of what they wrote.
  std::int32_t tick_together(const runtime::follow_up_actor& a, const runtime::follow_up_actor& b) {
    auto ask = [this](runtime::follow_up_actor w) {
      caf::scoped_actor me{sys_};
      std::int32_t written = -1;
      me->request(w, 30s, runtime::tick_atom_v)
          .receive([&](std::int32_t n, bool) { written = n; }, [](const caf::error&) {});
      return written;
    };
    auto fa = std::async(std::launch::async, ask, a);
    auto fb = std::async(std::launch::async, ask, b);
    const auto wa = fa.get();
    const auto wb = fb.get();
    REQUIRE(wa >= 0);
    REQUIRE(wb >= 0);
    return wa + wb;
  }

  /// Sets the clock to `local` minutes after midnight, `days` days after
  /// the morning the test starts on (local time; July, no DST change).
  void set_local(int days, int hour, int minute = 0) {
    clock_->set(morning - 10h + std::chrono::hours{24 * days} + std::chrono::hours{hour} +
                std::chrono::minutes{minute});
    REQUIRE(zone_->minute_of_day(clock_->now()) == hour * 60 + minute);
  }

  long follow_up_rows() {
    return query_long(db_.url(),
                      "SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'follow_up:%'");
  }

  /// Every Messages.json call, once `n` arrived (waited for, bounded).
  std::vector<test::recorded_request> sms_calls(std::size_t n) {
    REQUIRE(twilio_.wait_for(messages_path, n));
    return twilio_.requests_to(messages_path);
  }

  const runtime::follow_up_actor& worker() const { return worker_; }
  const config::market_config& cfg() const { return *cfg_; }
  runtime::metrics& metrics() { return *metrics_; }
  const std::string& db_url() const { return db_.url(); }

 private:
  test::scratch_database db_;
  mock_http twilio_;
  std::shared_ptr<const config::market_config> cfg_;
  std::shared_ptr<runtime::manual_clock> clock_;
  std::shared_ptr<const runtime::time_zone> zone_;
  std::shared_ptr<runtime::metrics> metrics_;
  postgres::store store_;
  runtime::node_config caf_cfg_;
  caf::actor_system sys_;
  caf::scoped_actor self_;
  runtime::outbox_actor outbox_;
  runtime::follow_up_actor worker_;
};

std::string token(const test::recorded_request& r) {
  auto it = r.headers.find("i-twilio-idempotency-token");
  return it == r.headers.end() ? std::string{} : it->second;
}

}  // namespace

TEST_CASE("a lead silent for a day gets exactly one follow-up SMS, even from two nodes",
          "[integration][follow_up][worker]") {
  harness h;
  const std::string lead = "+19095558401";
  h.set_local(0, 10);
  h.turn("SMf1", lead, "Hi, I'm looking to buy in Riverside", "Great! What's your budget?");
  auto calls = h.sms_calls(1);
  CHECK(token(calls[0]) == "sms:SMf1");

  // An hour later: not yet.
  h.set_local(0, 11);
  CHECK(h.tick() == std::pair<std::int32_t, bool>{0, false});
  // A day and a minute after the question, 10:01 local: due. Two nodes tick
  // at once; one of them writes it.
  h.set_local(1, 10, 1);
  auto other = h.spawn_worker();
  CHECK(h.tick_together(h.worker(), other) == 1);
  caf::anon_send_exit(other, caf::exit_reason::user_shutdown);
  CHECK(h.follow_up_rows() == 1);
  calls = h.sms_calls(2);
  REQUIRE(calls.size() == 2);
  CHECK(token(calls[1]).starts_with("follow_up:"));
  CHECK(token(calls[1]).ends_with(":1"));
  CHECK_THAT(calls[1].body, Catch::Contains("To=%2B19095558401"));
  CHECK_THAT(calls[1].body,
             Catch::Contains("Body=Just%20checking%20in%20-%20still%20interested%3F"));

  // Later ticks, days later: max_per_silence is 1.
  h.set_local(2, 12);
  CHECK(h.tick() == std::pair<std::int32_t, bool>{0, false});
  h.set_local(5, 12);
  CHECK(h.tick() == std::pair<std::int32_t, bool>{0, false});
  CHECK(h.follow_up_rows() == 1);
  // A later reply is sent after anything still queued (one worker, oldest
  // row first): the third call is that reply, so no second follow-up went.
  h.turn("SMf2", lead, "Sorry, busy week. Around 600k", "Thanks! Are you pre-approved?");
  calls = h.sms_calls(3);
  REQUIRE(calls.size() == 3);
  CHECK(token(calls[2]) == "sms:SMf2");
  CHECK_THAT(h.metrics().render(),
             Catch::Contains(R"(openhouse_follow_ups_total{outcome="sent"} 1)"));
}

TEST_CASE("a follow-up due in quiet hours waits until the window ends",
          "[integration][follow_up][worker]") {
  harness h;
  const std::string lead = "+19095558402";
  // The bot asks at 20:30; a day later is 20:30 (not quiet) - so ask at
  // 22:00 (a reply to the lead's text is never held), due at 22:00 the next
  // day, inside 21:00-08:00.
  h.set_local(0, 22);
  h.turn("SMq1", lead, "Is the house on Main St still available?", "It is! Want a tour?");
  h.sms_calls(1);
  h.set_local(1, 22, 1);
  CHECK(h.tick() == std::pair<std::int32_t, bool>{0, true});
  h.set_local(2, 0);
  CHECK(h.tick() == std::pair<std::int32_t, bool>{0, true});
  h.set_local(2, 7, 59);
  CHECK(h.tick() == std::pair<std::int32_t, bool>{0, true});
  CHECK(h.follow_up_rows() == 0);
  // 08:00: the window has ended.
  h.set_local(2, 8, 0);
  CHECK(h.tick() == std::pair<std::int32_t, bool>{1, false});
  const auto calls = h.sms_calls(2);
  REQUIRE(calls.size() == 2);
  CHECK(token(calls[1]).starts_with("follow_up:"));
  const auto text = h.metrics().render();
  CHECK_THAT(text, Catch::Contains(R"(openhouse_follow_up_ticks_total{outcome="quiet_hours"} 3)"));
  CHECK_THAT(text, Catch::Contains(R"(openhouse_follow_ups_total{outcome="sent"} 1)"));
}

TEST_CASE("a lead who texted STOP never gets a follow-up", "[integration][follow_up][worker]") {
  harness h;
  const std::string lead = "+19095558403";
  h.set_local(0, 10);
  h.turn("SMs1", lead, "Hi, thinking of selling", "Happy to help! When would you like to move?");
  // Sent before the STOP comes (a reply still queued then is never sent).
  h.sms_calls(1);
  h.set_local(0, 10, 5);
  // The STOP turn's confirmation is the last message: the bot's, old, and
  // (as worded here) a question: only the opt-out holds the follow-up back.
  h.turn("SMs2", lead, "STOP", "You're unsubscribed. Changed your mind? Reply START.", true);
  h.sms_calls(2);
  for (int day = 1; day <= 4; ++day) {
    h.set_local(day, 12);
    CHECK(h.tick() == std::pair<std::int32_t, bool>{0, false});
  }
  CHECK(h.follow_up_rows() == 0);
  CHECK(query_long(h.db_url(), "SELECT count(*) FROM messages WHERE follow_up_of IS NOT NULL") ==
        0);
}

TEST_CASE("at one instant a local lead gets its follow-up and a Honolulu lead waits for its 8:00",
          "[integration][follow_up][worker][quiet]") {
  harness h;
  const std::string local_lead = "+19095558404";
  const std::string island_lead = "+18085558405";  // Hawaii: three hours behind in July
  h.set_local(0, 9);
  h.turn("SMh1", island_lead, "Thinking about a place near Redlands", "Nice! What's your budget?");
  h.turn("SMh2", local_lead, "Looking to buy in Ontario", "Great! How soon are you moving?");
  h.sms_calls(2);

  // A day later, 09:01 in the market: both are due; it is 06:01 in Honolulu.
  h.set_local(1, 9, 1);
  CHECK(h.tick() == std::pair<std::int32_t, bool>{1, false});
  auto calls = h.sms_calls(3);
  REQUIRE(calls.size() == 3);
  CHECK(token(calls[2]).starts_with("follow_up:"));
  CHECK_THAT(calls[2].body, Catch::Contains("To=%2B19095558404"));
  // 10:59 here is 07:59 there: still waiting.
  h.set_local(1, 10, 59);
  CHECK(h.tick() == std::pair<std::int32_t, bool>{0, false});
  CHECK(h.follow_up_rows() == 1);
  // 11:00 here, 08:00 in Honolulu.
  h.set_local(1, 11, 0);
  CHECK(h.tick() == std::pair<std::int32_t, bool>{1, false});
  calls = h.sms_calls(4);
  REQUIRE(calls.size() == 4);
  CHECK(token(calls[3]).starts_with("follow_up:"));
  CHECK_THAT(calls[3].body, Catch::Contains("To=%2B18085558405"));
  CHECK(h.follow_up_rows() == 2);
  const auto text = h.metrics().render();
  CHECK_THAT(text, Catch::Contains(R"(openhouse_follow_ups_total{outcome="lead_quiet_hours"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(openhouse_follow_ups_total{outcome="sent"} 2)"));
}
