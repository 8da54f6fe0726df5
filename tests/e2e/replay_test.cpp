// `openhouse replay` end to end: the real binary on a small trace, with a
// scratch database, the shared Redis (a fresh key prefix per run) and the
// in-process simulator.

#include "tests/support/e2e.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

namespace {

using namespace openhouse::test;
using nlohmann::json;

std::string data_file(const std::string& name) {
  return std::string{OPENHOUSE_SOURCE_DIR} + "/tests/data/" + name;
}

std::string temp_path(const std::string& stem) {
  static int n = 0;
  return "/tmp/openhouse_replay_test_" + std::to_string(getpid()) + "_" + std::to_string(n++) +
         "_" + stem;
}

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::map<std::string, std::string> replay_env(const scratch_database& db) {
  return {{"OPENHOUSE_DATABASE_URL", db.url()},
          {"OPENHOUSE_REDIS_URL", redis_url()},
          {"TWILIO_AUTH_TOKEN", e2e::auth_token}};
}

}  // namespace

TEST_CASE("replay drives the pipeline through a trace and reports honestly", "[e2e][replay]") {
  scratch_database db;
  const auto report_path = temp_path("report.json");
  const auto audit_path = temp_path("audit.jsonl");
  const auto r =
      run({OPENHOUSE_BINARY, "replay", "--config", e2e::config_path(),
           data_file("replay-small.jsonl"), "--report", report_path, "--audit", audit_path},
          replay_env(db));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  const auto report = json::parse(slurp(report_path));
  INFO(report.dump(2));
  // stdout carries the same report and nothing else.
  CHECK(json::parse(r.out) == report);

  CHECK(report.at("events") == 24);
  CHECK(report.at("messages") == 21);
  CHECK(report.at("leads") == 6);
  CHECK(report.at("duplicate_deliveries") == 2);
  CHECK(report.at("duplicate_replies") == 0);
  CHECK(report.at("opt_outs") == 1);
  CHECK(report.at("messages_after_opt_out") == 0);
  CHECK(report.at("stale_served") == 0);
  CHECK(report.at("failed_turns") == 0);
  // CRM events go through the same code as POST /webhooks/crm.
  CHECK(report.at("crm").at("tags_applied") == 2);
  CHECK(report.at("crm").at("tags_not_applied") == 0);
  CHECK(report.at("crm").at("updates_applied") == 1);
  CHECK(report.at("crm").at("updates_not_applied") == 0);
  // Nobody here asks for a person, shows distress or is stuck in confusion.
  CHECK(report.at("escalations") == json::object());
  CHECK(report.at("leads_muted") == 0);
  CHECK(report.at("unanswered_inbound") == 0);

  const auto& hits = report.at("hits");
  const auto hit_count =
      hits.at("l1").get<long>() + hits.at("l2").get<long>() + hits.at("l3").get<long>();
  CHECK(hit_count > 0);
  CHECK(report.at("savings_pct").get<double>() > 0);
  CHECK(report.at("cost_usd").get<double>() < report.at("baseline_cost_usd").get<double>());
  // Every request the cache answered without a hit reached the simulator once.
  CHECK(report.at("provider_calls").get<long>() ==
        report.at("misses").get<long>() + report.at("bypasses").get<long>());
  CHECK(report.at("replies").get<long>() > 0);
  CHECK(report.at("latency_ms").at("p50").get<double>() > 0);

  // One audit line per cache request; hits name the message that filled the entry.
  std::ifstream audit{audit_path};
  std::string line;
  long lines = 0;
  long hits_with_source = 0;
  while (std::getline(audit, line)) {
    ++lines;
    const auto a = json::parse(line);
    REQUIRE(a.contains("sid"));
    REQUIRE(a.contains("contact"));
    REQUIRE(a.contains("task"));
    const auto outcome = a.at("outcome").get<std::string>();
    if (outcome == "l1" || outcome == "l2" || outcome == "l3") {
      CHECK_FALSE(a.at("source_sid").get<std::string>().empty());
      CHECK(a.at("source_sid") != a.at("sid"));
      ++hits_with_source;
    }
  }
  CHECK(lines == report.at("llm_requests").get<long>());
  CHECK(hits_with_source == hit_count);

  // The opted-out contact's next message got nothing to send (the store keeps an
  // empty reply as the record that it was handled).
  CHECK(e2e::query_long(db.url(),
                        "SELECT count(*) FROM messages o JOIN messages i ON o.in_reply_to = i.id "
                        "WHERE o.direction = 'outbound' AND o.body <> '' AND "
                        "i.provider_sid = 'SMreplay00000000000000000000000009'") == 0);
  std::remove(report_path.c_str());
  std::remove(audit_path.c_str());
}

TEST_CASE("replay rejects a malformed trace naming the line", "[e2e][replay]") {
  scratch_database db;
  const auto report_path = temp_path("bad.json");
  const auto r = run({OPENHOUSE_BINARY, "replay", "--config", e2e::config_path(),
                      data_file("replay-malformed.jsonl"), "--report", report_path},
                     replay_env(db));
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("replay-malformed.jsonl:2:") != std::string::npos);
  std::remove(report_path.c_str());
}

TEST_CASE("replay explains its usage", "[e2e][replay]") {
  const auto help = run({OPENHOUSE_BINARY, "replay", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--report") != std::string::npos);
  const auto missing = run({OPENHOUSE_BINARY, "replay", "--config", e2e::config_path(),
                            data_file("replay-small.jsonl")});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--report") != std::string::npos);
}

TEST_CASE("replay ticks the follow-up worker on its virtual clock: none in quiet hours",
          "[e2e][replay][follow_up]") {
  scratch_database db;
  const auto report_path = temp_path("report.json");
  auto env = replay_env(db);
  env["OPENHOUSE_FOLLOW_UP"] = "true";
  env["OPENHOUSE_FOLLOW_UP_AFTER"] = "1h";
  env["OPENHOUSE_TWILIO_MODE"] = "rest";  // the only mode that can start a message
  env["TWILIO_ACCOUNT_SID"] = "AC00000000000000000000000000000001";
  const auto r = run({OPENHOUSE_BINARY, "replay", "--config", e2e::config_path(),
                      data_file("replay-follow-ups.jsonl"), "--report", report_path},
                     env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto report = json::parse(slurp(report_path));
  INFO(report.dump(2));
  const auto& f = report.at("follow_ups");
  CHECK(f.at("enabled") == true);
  // Two leads left the bot's question unanswered at 20:30 and 20:35: due at
  // 21:30, in the quiet window (21:00-08:00), so held until 08:00 the next
  // day. The lead who sent STOP gets none.
  CHECK(f.at("sent") == 2);
  CHECK(f.at("stored") == 2);
  CHECK(f.at("in_quiet_hours") == 0);
  CHECK(f.at("after_opt_out") == 0);
  CHECK(f.at("ticks_held_for_quiet_hours").get<long>() > 0);
  CHECK(report.at("messages_after_opt_out") == 0);
  // Written at the first tick after the window: 08:00 local (the virtual
  // clock starts at local midnight; ticks fall every 5 minutes from it).
  CHECK(e2e::query_long(db.url(),
                        "SELECT count(*) FROM messages WHERE follow_up_of IS NOT NULL AND "
                        "to_char(created_at AT TIME ZONE 'America/Los_Angeles', 'HH24:MI') = "
                        "'08:00'") == 2);
  CHECK(e2e::query_long(db.url(),
                        "SELECT count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id "
                        "WHERE m.follow_up_of IS NOT NULL AND c.phone = '+19095552002'") == 0);
  std::remove(report_path.c_str());
}

TEST_CASE("replay reports escalations, muted leads and texts left without a reply",
          "[e2e][replay][escalation]") {
  scratch_database db;
  const auto report_path = temp_path("report.json");
  const auto r = run({OPENHOUSE_BINARY, "replay", "--config", e2e::config_path(),
                      data_file("replay-escalation.jsonl"), "--report", report_path},
                     replay_env(db));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto report = json::parse(slurp(report_path));
  INFO(report.dump(2));
  CHECK(report.at("messages") == 21);
  CHECK(report.at("leads") == 5);
  CHECK(report.at("failed_turns") == 0);
  // Six questions and thanks in a row mute nobody; a request for a person,
  // a foreclosure and three confused texts in a row do.
  CHECK(report.at("escalations") == json{{"human_request", 1}, {"distress", 1}, {"confusion", 1}});
  // The confused lead was released by a person (the CRM tag) before the end.
  CHECK(report.at("leads_muted") == 2);
  CHECK(report.at("leads_muted_by_reason") == json{{"human_request", 1}, {"distress", 1}});
  // The first text after each mute gets the holding reply, and the distressed
  // lead's text five hours later another; the one 10 minutes after a holding
  // reply gets nothing and is the only text left unanswered. The lead who
  // asked for a person waits for one, and the opted-out lead is owed nothing.
  CHECK(report.at("holding_replies") == 3);
  CHECK(report.at("unanswered_inbound") == 1);
  CHECK(report.at("answerable_inbound") == 15);
  CHECK(report.at("opt_outs") == 1);
  CHECK(report.at("messages_after_opt_out") == 0);
  CHECK(report.at("duplicate_replies") == 0);
  CHECK(report.at("agent_notes").contains("hot_lead"));
  CHECK(e2e::query_long(db.url(), "SELECT count(*) FROM conversation_state WHERE muted") == 2);
  // The holding reply's time is stored with the lead (any node, a restart).
  CHECK(e2e::query_long(db.url(),
                        "SELECT count(*) FROM conversation_state WHERE held_at IS NOT NULL") == 2);
  std::remove(report_path.c_str());
}
