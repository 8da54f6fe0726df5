#include "core/phone_number.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace openhouse::core;

TEST_CASE("E.164 form is a plus, then 1 to 15 digits, the first not 0", "[core][phone]") {
  CHECK(is_e164("+1"));
  CHECK(is_e164("+44"));
  CHECK(is_e164("+" + std::string(15, '9')));
  CHECK_FALSE(is_e164("+" + std::string(16, '9')));
  CHECK_FALSE(is_e164("+"));
  CHECK_FALSE(is_e164(""));
  CHECK_FALSE(is_e164("+0123456789"));  // no country code starts with 0
  CHECK_FALSE(is_e164("19095551234"));  // the plus is part of the form
  CHECK_FALSE(is_e164("+1 909 555 1234"));
  CHECK_FALSE(is_e164("+1-909-555-1234"));
  CHECK_FALSE(is_e164("+1909555123a"));
}

TEST_CASE("a phone number is a full E.164 number of 7 to 15 digits", "[core][phone]") {
  CHECK(is_phone_number("+13105550199"));   // North America
  CHECK(is_phone_number("+447700900123"));  // UK mobile
  CHECK(is_phone_number("+6834123"));       // Niue: among the shortest in service
  CHECK_FALSE(is_phone_number("+683412"));  // one digit short
  CHECK_FALSE(is_phone_number("+1"));       // a country code alone
  CHECK_FALSE(is_phone_number("+12"));      // what the YAML loader used to accept
  CHECK_FALSE(is_phone_number("+0447700900123"));
  CHECK_FALSE(is_phone_number("+" + std::string(16, '1')));
  CHECK_FALSE(is_phone_number("89123"));  // an SMS short code is national, not E.164
  CHECK_FALSE(is_phone_number(std::string{"+1310555019\0", 12}));
}
