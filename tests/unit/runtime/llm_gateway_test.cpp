// The gateway on CAF's test coordinator: provider workers and the ledger are
// scripted fakes, the actor clock and the injected wall clock move together
// only when the test advances them, so backoffs are checked without sleeping.

#include "runtime/llm_gateway.hpp"
#include "core/type_ids.hpp"
#include "integrations/llm/shared_budget.hpp"

#include <caf/all.hpp>
#include <caf/test/dsl.hpp>

#include <catch2/catch.hpp>

#include <deque>
#include <variant>

using namespace openhouse;
using namespace openhouse::runtime;
using namespace std::chrono_literals;

namespace {

struct test_config : caf::actor_system_config {
  test_config() { add_message_types<caf::id_block::openhouse>(); }
};

using outcome = std::variant<llm::messages_response, llm::client_error>;

struct script {
  std::deque<outcome> outcomes;  ///< what the provider answers, call by call
  std::vector<llm::messages_request> calls;
  std::vector<ledger_row> rows;
};

llm::messages_response ok(std::int64_t in = 100, std::int64_t out = 20, std::int64_t write = 0,
                          std::int64_t read = 0) {
  llm::messages_response r;
  r.text = "Happy to help!";
  r.stop_reason = "end_turn";
  r.tokens = {in, out, write, read};
  return r;
}

llm::client_error failure(llm::client_errc code, int status,
                          std::optional<std::chrono::seconds> retry_after = std::nullopt,
                          std::string message = "boom") {
  return {code, status, std::move(message), retry_after};
}

llm_actor::behavior_type fake_workers(llm_actor::pointer, std::shared_ptr<script> s) {
  return {
      [s](complete_atom, const llm::messages_request& req) -> caf::result<llm::messages_response> {
        s->calls.push_back(req);
        REQUIRE_FALSE(s->outcomes.empty());
        auto next = s->outcomes.front();
        s->outcomes.pop_front();
        if (auto* e = std::get_if<llm::client_error>(&next)) {
          return make_provider_error(*e);
        }
        return std::get<llm::messages_response>(next);
      },
  };
}

ledger_actor::behavior_type fake_ledger(ledger_actor::pointer, std::shared_ptr<script> s) {
  return {
      [s](ledger_row& row) { s->rows.push_back(std::move(row)); },
      [](tick_atom) {},
      [](flush_atom) -> std::uint64_t { return 0; },
  };
}

std::shared_ptr<config::market_config> market() {
  auto cfg = std::make_shared<config::market_config>();
  cfg->market.id = "test";
  cfg->llm.routing = {{"intent", "claude-haiku-4-5"}, {"reply", "claude-sonnet-4-6"}};
  cfg->llm.prices["claude-haiku-4-5"] = {1.0, 5.0, 1.25, 0.10, 2048};
  cfg->llm.prices["claude-sonnet-4-6"] = {3.0, 15.0, 3.75, 0.30, 1024};
  cfg->llm.retry.max_attempts = 4;
  cfg->llm.retry.base_delay = 250ms;
  cfg->llm.retry.max_delay = 8s;
  cfg->llm.retry.deadline = 20s;
  cfg->llm.breaker.failure_threshold = 3;
  cfg->llm.breaker.open = 30s;
  return cfg;
}

/// Redis as the budget store sees it: the fleet's totals, or unreachable.
struct fake_fleet {
  bool reachable = true;
  llm::fleet_spend totals;  ///< of the one contact and the market the tests use
  std::vector<std::pair<std::int64_t, double>> charges;  ///< what this node added
};

budget_store_actor::behavior_type fake_budget_store(budget_store_actor::pointer,
                                                    std::shared_ptr<fake_fleet> f) {
  return {
      [f](load_atom, const std::string&,
          const std::string&) -> caf::result<bool, std::int64_t, double, std::int64_t, double> {
        if (!f->reachable) {
          return {false, 0, 0.0, 0, 0.0};
        }
        return {true, f->totals.contact.tokens, f->totals.contact.usd, f->totals.market.tokens,
                f->totals.market.usd};
      },
      [f](count_atom, const std::string&, const std::string&, std::int64_t tokens, double usd) {
        f->charges.emplace_back(tokens, usd);
        if (f->reachable) {
          f->totals.contact.tokens += tokens;
          f->totals.market.tokens += tokens;
        }
      },
  };
}

struct fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<script> s = std::make_shared<script>();
  /// Set before start() to give the gateway a budget store.
  std::shared_ptr<fake_fleet> fleet;
  std::shared_ptr<runtime::metrics> node_metrics = std::make_shared<runtime::metrics>();
  std::shared_ptr<manual_clock> wall =
      std::make_shared<manual_clock>(std::chrono::system_clock::time_point{1795305600s});
  std::shared_ptr<config::market_config> cfg = market();
  gateway_actor gw;

  void start() {
    gateway_deps deps;
    deps.config = cfg;
    deps.time = wall;
    deps.zone = std::make_shared<const time_zone>(time_zone::fixed(-8h));
    deps.workers = sys.spawn(fake_workers, s);
    deps.ledger = sys.spawn(fake_ledger, s);
    deps.metrics = node_metrics;
    if (fleet) {
      deps.budget_store = sys.spawn(fake_budget_store, fleet);
    }
    gw = spawn_gateway(sys, deps);
    sched.run();
  }

  /// Moves both clocks: the actor clock fires due timers, the wall clock is what the gateway reads.
  void advance(caf::timespan d) {
    wall->advance(d);
    advance_time(d);
    sched.run();
  }

  llm_call call(std::string task = "reply", std::string contact = "+19095551234") {
    llm_call c;
    c.task = std::move(task);
    c.contact = std::move(contact);
    c.request.messages.push_back({"user", "Looking for a 3bd in Riverside"});
    c.request.system.push_back({"You are a helpful assistant.", true});
    return c;
  }

  using answer_or_error = std::variant<llm_answer, caf::error>;

  /// Sends a call; `settle` runs the system (and time) until it is answered.
  template <class Settle>
  answer_or_error ask(llm_call c, Settle settle) {
    auto h = self->request(gw, caf::infinite, complete_atom_v, std::move(c));
    sched.run();
    settle();
    answer_or_error out = caf::error{};
    h.receive([&](const llm_answer& a) { out = a; }, [&](const caf::error& e) { out = e; });
    return out;
  }

  answer_or_error ask(llm_call c) {
    return ask(std::move(c), [] {});
  }
};

}  // namespace

TEST_CASE_METHOD(fixture, "a call is routed by task, priced and written to the ledger",
                 "[runtime][gateway]") {
  start();
  s->outcomes = {ok(1000, 200, 0, 3000)};
  auto r = ask(call("intent"));
  REQUIRE(std::holds_alternative<llm_answer>(r));
  const auto& a = std::get<llm_answer>(r);
  CHECK(a.model == "claude-haiku-4-5");
  CHECK(a.attempts == 1);
  // haiku: 1000 in * $1 + 200 out * $5 + 3000 cache reads * $0.10, per million.
  CHECK(a.cost_usd == Approx((1000 * 1.0 + 200 * 5.0 + 3000 * 0.10) / 1e6));
  CHECK(a.baseline_cost_usd == Approx((4000 * 1.0 + 200 * 5.0) / 1e6));
  REQUIRE(s->calls.size() == 1);
  CHECK(s->calls[0].model == "claude-haiku-4-5");
  CHECK(s->calls[0].task == "intent");
  // The system prompt is far below haiku's minimum cacheable prefix: no marker.
  CHECK_FALSE(s->calls[0].system[0].cache);
  REQUIRE(s->rows.size() == 1);
  CHECK(s->rows[0].outcome == "ok");
  CHECK(s->rows[0].contact == "+19095551234");
  CHECK(s->rows[0].cache_read_tokens == 3000);
}

TEST_CASE_METHOD(fixture, "overloaded and server errors are retried after a backoff",
                 "[runtime][gateway]") {
  start();
  s->outcomes = {failure(llm::client_errc::overloaded, 529),
                 failure(llm::client_errc::server_error, 500), ok()};
  auto h = self->request(gw, caf::infinite, complete_atom_v, call());
  sched.run();
  CHECK(s->calls.size() == 1);  // the retry waits for the clock
  advance(1s);
  CHECK(s->calls.size() == 2);
  advance(2s);
  CHECK(s->calls.size() == 3);
  bool answered = false;
  h.receive(
      [&](const llm_answer& a) {
        answered = true;
        CHECK(a.attempts == 3);
      },
      [](const caf::error& e) { FAIL(to_string(e)); });
  CHECK(answered);
  CHECK(s->rows.size() == 1);
  CHECK(s->rows[0].attempts == 3);
}

TEST_CASE_METHOD(fixture, "a 429 waits at least its retry-after", "[runtime][gateway]") {
  start();
  s->outcomes = {failure(llm::client_errc::rate_limited, 429, 5s), ok()};
  auto h = self->request(gw, caf::infinite, complete_atom_v, call());
  sched.run();
  advance(4900ms);
  CHECK(s->calls.size() == 1);
  advance(200ms);
  CHECK(s->calls.size() == 2);
  h.receive([](const llm_answer& a) { CHECK(a.attempts == 2); },
            [](const caf::error& e) { FAIL(to_string(e)); });
}

TEST_CASE_METHOD(fixture, "a bad request is not retried and does not trip the breaker",
                 "[runtime][gateway]") {
  start();
  for (int i = 0; i < 5; ++i) {
    s->outcomes.push_back(failure(llm::client_errc::bad_request, 400));
  }
  for (int i = 0; i < 5; ++i) {
    auto r = ask(call());
    REQUIRE(std::holds_alternative<caf::error>(r));
    CHECK(std::get<caf::error>(r).category() == llm::error_category);
  }
  CHECK(s->calls.size() == 5);
  CHECK(s->rows.back().outcome == "bad_request");
}

TEST_CASE_METHOD(fixture, "a spend-limit 429 is not retried", "[runtime][gateway]") {
  start();
  s->outcomes = {failure(llm::client_errc::rate_limited, 429, std::nullopt,
                         "This request would exceed your organization's spend limit")};
  auto r = ask(call());
  CHECK(std::holds_alternative<caf::error>(r));
  CHECK(s->calls.size() == 1);
}

TEST_CASE_METHOD(fixture, "consecutive provider failures open the circuit, then a trial closes it",
                 "[runtime][gateway]") {
  cfg->llm.retry.max_attempts = 1;  // one attempt per call: each call is one failure
  start();
  for (int i = 0; i < 3; ++i) {
    s->outcomes.push_back(failure(llm::client_errc::overloaded, 529));
  }
  for (int i = 0; i < 3; ++i) {
    CHECK(std::holds_alternative<caf::error>(ask(call())));
  }
  // Open: refused without a provider call.
  auto refused = ask(call());
  REQUIRE(std::holds_alternative<caf::error>(refused));
  CHECK(std::get<caf::error>(refused) == make_error(gateway_errc::circuit_open));
  CHECK(s->calls.size() == 3);
  // After the open period one trial goes through and closes it.
  advance(31s);
  s->outcomes = {ok(), ok()};
  CHECK(std::holds_alternative<llm_answer>(ask(call())));
  CHECK(std::holds_alternative<llm_answer>(ask(call())));
  CHECK(s->calls.size() == 5);
}

TEST_CASE_METHOD(fixture, "retries stop at the deadline", "[runtime][gateway]") {
  cfg->llm.retry.max_attempts = 100;
  cfg->llm.retry.deadline = 3s;
  cfg->llm.breaker.failure_threshold = 1000;  // only the deadline may stop it
  start();
  for (int i = 0; i < 100; ++i) {
    s->outcomes.push_back(failure(llm::client_errc::overloaded, 529));
  }
  auto r = ask(call(), [&] {
    for (int i = 0; i < 40; ++i) {
      advance(500ms);
    }
  });
  CHECK(std::holds_alternative<caf::error>(r));
  CHECK(s->calls.size() < 100);
  CHECK(s->calls.size() >= 2);
}

TEST_CASE_METHOD(fixture, "over a contact's daily cap the call downgrades, then falls back",
                 "[runtime][gateway]") {
  cfg->llm.budgets.contact_daily_tokens = 1000;
  cfg->llm.budgets.contact_daily_usd = 100;
  cfg->llm.budgets.action = config::over_cap_action::downgrade;
  cfg->llm.budgets.downgrade_model = "claude-haiku-4-5";
  cfg->llm.budgets.hard_cap_ratio = 1.5;
  start();
  s->outcomes = {ok(600, 300), ok(200, 100), ok(200, 100)};
  auto first = ask(call());
  REQUIRE(std::holds_alternative<llm_answer>(first));
  CHECK(std::get<llm_answer>(first).model == "claude-sonnet-4-6");
  auto second = ask(call());  // 900 spent + this estimate > 1000: the cheaper model
  REQUIRE(std::holds_alternative<llm_answer>(second));
  CHECK(std::get<llm_answer>(second).model == "claude-haiku-4-5");
  auto third = ask(call());  // past 1.5 x the cap: no call at all
  REQUIRE(std::holds_alternative<caf::error>(third));
  CHECK(std::get<caf::error>(third) == make_error(gateway_errc::over_budget));
  CHECK(s->calls.size() == 2);
  // Another lead is not affected.
  s->outcomes = {ok()};
  CHECK(std::holds_alternative<llm_answer>(ask(call("reply", "+19095559999"))));
}

TEST_CASE_METHOD(fixture, "the fleet's count in the budget store caps this node too",
                 "[runtime][gateway][fleet]") {
  // A call is estimated at ~330 tokens (its input and max_tokens 300).
  cfg->llm.budgets.market_daily_tokens = 9'100;
  cfg->llm.budgets.action = config::over_cap_action::fallback;
  fleet = std::make_shared<fake_fleet>();
  start();
  s->outcomes = {ok(600, 300)};
  // This node has spent nothing yet; the fleet has, on other nodes.
  fleet->totals.market.tokens = 8'000;
  auto first = ask(call());
  REQUIRE(std::holds_alternative<llm_answer>(first));
  // Its usage went to the store, so the other nodes see it.
  REQUIRE(fleet->charges.size() == 1);
  CHECK(fleet->charges[0].first == 900);
  CHECK(fleet->totals.market.tokens == 8'900);
  // 8,900 + this call's estimate is over 9,100: refused before any provider call.
  auto second = ask(call());
  REQUIRE(std::holds_alternative<caf::error>(second));
  CHECK(std::get<caf::error>(second) == make_error(gateway_errc::over_budget));
  CHECK(s->calls.size() == 1);
  CHECK_THAT(node_metrics->render(),
             Catch::Contains("openhouse_llm_budget_checks_total{source=\"shared\"} 2"));
}

TEST_CASE_METHOD(fixture, "without Redis the node decides on its own count, and says so",
                 "[runtime][gateway][fleet]") {
  cfg->llm.budgets.contact_daily_tokens = 1000;
  cfg->llm.budgets.action = config::over_cap_action::fallback;
  fleet = std::make_shared<fake_fleet>();
  fleet->reachable = false;
  fleet->totals.market.tokens = 1'000'000'000;  // what Redis held; unreadable now
  start();
  s->outcomes = {ok(600, 300)};
  CHECK(std::holds_alternative<llm_answer>(ask(call())));
  // 900 of this node's own + the estimate is over the contact's 1000.
  auto second = ask(call());
  REQUIRE(std::holds_alternative<caf::error>(second));
  CHECK(s->calls.size() == 1);
  CHECK_THAT(node_metrics->render(),
             Catch::Contains("openhouse_llm_budget_checks_total{source=\"local\"} 2"));
}

TEST_CASE_METHOD(fixture, "a fleet count below this node's own (Redis restarted) is raised to it",
                 "[runtime][gateway][fleet]") {
  cfg->llm.budgets.contact_daily_tokens = 1000;
  cfg->llm.budgets.action = config::over_cap_action::fallback;
  fleet = std::make_shared<fake_fleet>();
  start();
  s->outcomes = {ok(600, 300)};
  CHECK(std::holds_alternative<llm_answer>(ask(call())));
  fleet->totals = {};  // an emptied Redis forgets the 900 tokens
  auto second = ask(call());
  REQUIRE(std::holds_alternative<caf::error>(second));
  CHECK(s->calls.size() == 1);
}
