#include "agents/unit_scope.hpp"

#include "agents/cacheability.hpp"
#include "core/cache_unit.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using openhouse::agents::text_unit_scope;
using openhouse::cache::find_pii;
using openhouse::cache::scope;

namespace {

constexpr const char* lead = "+19515550123";  // last 7 digits: 5550123

struct row {
  const char* name;
  std::string text;
  std::string contact;
  scope expected;
  /// What cache::find_pii must say of the text ("" for nothing): ties each
  /// row to the reason it is (or is not) contact-scoped.
  std::string pii;
};

}  // namespace

TEST_CASE("text_unit_scope: market for PII-free text, contact when the text identifies anyone",
          "[agents][unit_scope]") {
  const std::vector<row> rows{
      // PII-free: the same text from any lead is one shared entry.
      {"a plain question", "Looking to buy a 3 bed home in Riverside under $450k", lead,
       scope::market, ""},
      {"prices, zips and counts are not a number of anyone's", "3 beds 2 baths, 92501, $450,000",
       lead, scope::market, ""},
      {"an empty message", "", lead, scope::market, ""},
      {"no contact to compare with", "What are property taxes like in Corona?", "", scope::market,
       ""},
      // Each PII detector of the cache makes the text the lead's own.
      {"an email", "email me at dana.lopez@gmail.com", lead, scope::contact, "pii_email"},
      {"a phone number", "call me at (909) 555-0199", lead, scope::contact, "pii_phone"},
      {"a short phone number", "call 555-0199", lead, scope::contact, "pii_phone"},
      {"a street address", "I live at 1234 Elm St", lead, scope::contact, "pii_address"},
      {"a self-introduction", "My name is Dana", lead, scope::contact, "pii_name"},
      {"a salutation", "Thanks John! What about Corona?", lead, scope::contact, "pii_name"},
      {"a lower-case introduction", "maria here, 3 bed in fontana?", lead, scope::contact,
       "pii_name"},
      {"an introduction with an office", "this is dave from keller williams", lead, scope::contact,
       "pii_name"},
      {"a sign-off", "what are closing costs? - Tom", lead, scope::contact, "pii_name"},
      // A given name that is also a word, in an ordinary question, names nobody.
      {"a name that is also a word", "will the seller take less", lead, scope::market, ""},
      {"a call request", "call me back about homes in Corona", lead, scope::market, ""},
      // The lead's own number, even in part and in a shape find_pii misses.
      {"the contact's last 7 digits", "my number ends in 5550123", lead, scope::contact, ""},
      {"the contact's last 7 digits spread out", "it's 555 01 23", lead, scope::contact, ""},
      {"the contact in another format", "ends in 5550123", "whatsapp:+1 (951) 555-0123",
       scope::contact, ""},
      // Only this lead's digits count, and only 7 of them identify a number.
      {"another lead's last 7 digits", "my number ends in 5550123", "+19095550100", scope::market,
       ""},
      {"6 of the contact's digits", "my number ends in 550123", lead, scope::market, ""},
      {"a contact shorter than 7 digits", "unit 12345 please", "+12345", scope::market, ""},
  };
  for (const auto& r : rows) {
    SECTION(r.name) {
      const auto found = find_pii(r.text);
      CHECK(std::string{found.value_or("")} == r.pii);
      CHECK(text_unit_scope(r.text, r.contact) == r.expected);
    }
  }
}
