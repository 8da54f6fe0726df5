#include "agents/compliance.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using openhouse::agents::classify_compliance;
using openhouse::agents::compliance_action;
using openhouse::agents::in_quiet_hours;
using openhouse::agents::mask_pii;

namespace {

struct keyword_case {
  std::string body;
  compliance_action expected;
};

}  // namespace

TEST_CASE("carrier keywords count only as the whole message", "[agents][compliance]") {
  const std::vector<keyword_case> cases{
      // the STOP family, any case, trimmed
      {"STOP", compliance_action::opt_out},
      {"stop", compliance_action::opt_out},
      {"Stop.", compliance_action::opt_out},
      {"  STOP!!  \n", compliance_action::opt_out},
      {"\"stop\"", compliance_action::opt_out},
      {"\xE2\x80\x9CStop\xE2\x80\x9D", compliance_action::opt_out},  // smart quotes
      {"stop \xF0\x9F\x9B\x91", compliance_action::opt_out},         // trailing emoji
      {"StopAll", compliance_action::opt_out},
      {"UNSUBSCRIBE", compliance_action::opt_out},
      {"cancel", compliance_action::opt_out},
      {"End", compliance_action::opt_out},
      {"quit", compliance_action::opt_out},
      {"REVOKE", compliance_action::opt_out},
      {"optout", compliance_action::opt_out},
      // opt-in and help
      {"START", compliance_action::opt_in},
      {"unstop", compliance_action::opt_in},
      {"Yes!", compliance_action::opt_in},
      {"HELP", compliance_action::help},
      {"info?", compliance_action::help},
      // not keywords
      {"I know", compliance_action::none},
      {"weekend", compliance_action::none},
      {"now", compliance_action::none},
      {"stop by tomorrow", compliance_action::none},
      {"cancel my showing", compliance_action::none},
      {"please stop", compliance_action::none},
      {"stop all", compliance_action::none},
      {"stopp", compliance_action::none},
      {"yes please", compliance_action::none},
      {"help me find a house", compliance_action::none},
      {"information", compliance_action::none},
      {"", compliance_action::none},
      {"   ", compliance_action::none},
      {"...", compliance_action::none},
  };
  for (const auto& c : cases) {
    INFO("body: \"" << c.body << "\"");
    CHECK(classify_compliance(c.body) == c.expected);
  }
}

TEST_CASE("compliance actions have stable names", "[agents][compliance]") {
  CHECK(to_string(compliance_action::none) == "none");
  CHECK(to_string(compliance_action::opt_out) == "opt_out");
  CHECK(to_string(compliance_action::opt_in) == "opt_in");
  CHECK(to_string(compliance_action::help) == "help");
}

TEST_CASE("quiet hours wrap midnight and start == end means never", "[agents][compliance]") {
  struct quiet_case {
    int start;
    int end;
    int minute;
    bool quiet;
  };
  const std::vector<quiet_case> cases{
      // 21:00-08:00, the market default
      {21 * 60, 8 * 60, 20 * 60 + 59, false},
      {21 * 60, 8 * 60, 21 * 60, true},
      {21 * 60, 8 * 60, 23 * 60 + 59, true},
      {21 * 60, 8 * 60, 0, true},
      {21 * 60, 8 * 60, 7 * 60 + 59, true},
      {21 * 60, 8 * 60, 8 * 60, false},
      {21 * 60, 8 * 60, 12 * 60, false},
      // a window inside one day, 13:00-14:00
      {13 * 60, 14 * 60, 12 * 60 + 59, false},
      {13 * 60, 14 * 60, 13 * 60, true},
      {13 * 60, 14 * 60, 13 * 60 + 30, true},
      {13 * 60, 14 * 60, 14 * 60, false},
      // start == end: no quiet hours
      {0, 0, 0, false},
      {9 * 60, 9 * 60, 9 * 60, false},
      // out-of-range minutes are taken modulo a day
      {21 * 60, 8 * 60, 24 * 60 + 60, true},
      {21 * 60, 8 * 60, -60, true},
  };
  for (const auto& c : cases) {
    INFO("window " << c.start << "-" << c.end << " at " << c.minute);
    const openhouse::config::quiet_hours q{c.start, c.end};
    CHECK(in_quiet_hours(q, c.minute) == c.quiet);
  }
}

TEST_CASE("phone numbers and emails are masked in logs", "[agents][compliance]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"+19095550167", "+1******67"},
      {"call me at +1 (909) 555-0167 please", "call me at +1******67 please"},
      {"my cell is (909) 555-0167.", "my cell is ******67."},
      {"909-555-0167", "******67"},
      {"909.555.0167", "******67"},
      {"9095550167", "******67"},
      {"1-909-555-0167", "******67"},
      {"+44 20 7946 0958", "+4******58"},
      {"jane.doe@example.com", "j***@example.com"},
      {"Email JD+homes@mail.example.co.uk.", "Email J***@mail.example.co.uk."},
      {"me: jane@example.com or 909 555 0167", "me: j***@example.com or ******67"},
      // not phone numbers or emails
      {"budget $450,000 in 92501", "budget $450,000 in 92501"},
      {"zips 92501 92503 92504", "zips 92501 92503 92504"},
      {"move on 2024-05-01", "move on 2024-05-01"},
      {"3 bed 2 bath", "3 bed 2 bath"},
      {"$4500000000", "$4500000000"},
      {"user@localhost", "user@localhost"},
      {"@home", "@home"},
      {"", ""},
  };
  for (const auto& [in, out] : cases) {
    INFO("text: \"" << in << "\"");
    CHECK(mask_pii(in) == out);
  }
}
