// The replay's trace reader: every event kind of DESIGN.md "Traces", and a
// clear FILE:LINE reason for every malformed line.

#include "runtime/replay.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <sstream>

using openhouse::runtime::read_trace;
using openhouse::runtime::replay_error;

namespace {

std::vector<openhouse::runtime::trace_event> read(const std::string& text) {
  std::istringstream in{text};
  return read_trace(in, "t.jsonl");
}

}  // namespace

TEST_CASE("a trace reads every event kind, skipping blank lines", "[runtime][replay]") {
  const auto events = read(
      R"({"t": 0, "type": "sms", "from": "+19095550001", "to": "+19095550100", "body": "hi", "sid": "SM1"})"
      "\n\n"
      R"({"t": 1.5, "type": "crm_tag", "contact": "+19095550001", "add": ["Hot-Lead"], "remove": []})"
      "\n"
      R"({"t": 1.5, "type": "crm_update", "contact": "+19095550001", "fields": {"budget": "500000", "timeline_months": 4, "pre_approved": true, "areas": null}})"
      "\n"
      R"({"t": 2, "type": "sms", "from": "+19095550001", "to": "+19095550100", "body": "hi", "sid": "SM1"})"
      "\n");
  REQUIRE(events.size() == 4);
  CHECK(events[0].type == "sms");
  CHECK(events[0].sid == "SM1");
  CHECK(events[0].body == "hi");
  CHECK(events[1].line == 3);
  CHECK(events[1].add == std::vector<std::string>{"Hot-Lead"});
  CHECK(events[2].type == "crm_update");
  CHECK(events[2].contact == "+19095550001");
  const std::map<std::string, std::string> fields{
      {"budget", "500000"}, {"timeline_months", "4"}, {"pre_approved", "true"}, {"areas", ""}};
  CHECK(events[2].fields == fields);
  CHECK(events[3].sid == "SM1");  // a repeated sid is a duplicate delivery, not an error
}

TEST_CASE("a malformed trace line names the file, the line and the reason", "[runtime][replay]") {
  const std::string ok =
      R"({"t": 5, "type": "sms", "from": "+1", "to": "+2", "body": "x", "sid": "SM1"})"
      "\n";
  const auto [bad, reason] = GENERATE(table<std::string, std::string>({
      {"{not json", ""},
      {"[1, 2]", "not a JSON object"},
      {R"({"type": "sms"})", "\"t\""},
      {R"({"t": -1, "type": "sms"})", "\"t\""},
      {R"({"t": 4, "type": "sms", "from": "+1", "to": "+2", "body": "x", "sid": "SM2"})",
       "backwards"},
      {R"({"t": 6, "type": "fax"})", "unknown type"},
      {R"({"t": 6, "type": "sms", "from": "+1", "to": "+2", "sid": "SM2"})", "\"body\""},
      {R"({"t": 6, "type": "crm_tag"})", "contact"},
      {R"({"t": 6, "type": "crm_update", "contact": "+1"})", "\"fields\""},
      {R"({"t": 6, "type": "crm_update", "contact": "+1", "fields": {"a": {"b": 1}}})",
       "\"fields\".a"},
  }));
  CAPTURE(bad);
  try {
    read(ok + bad + "\n");
    FAIL("no error for a malformed line");
  } catch (const replay_error& e) {
    const std::string what = e.what();
    CHECK(what.rfind("t.jsonl:2: ", 0) == 0);
    CHECK_THAT(what, Catch::Contains(reason));
  }
}
