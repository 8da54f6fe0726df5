#include "integrations/http/form.hpp"

#include <catch2/catch.hpp>

using openhouse::http::form;
using openhouse::http::url_decode;
using openhouse::http::url_encode;

TEST_CASE("form decoding handles +, %XX, repeated keys and empty values", "[http][form]") {
  auto f = form::parse("Body=Hi+there%21+%F0%9F%8F%A0&From=%2B19095551234&Empty=&NoEq&M=1&M=2");
  REQUIRE(f);
  CHECK(f->get("Body") == "Hi there! \xF0\x9F\x8F\xA0");
  CHECK(f->get("From") == "+19095551234");
  CHECK(f->get("Empty") == "");
  CHECK(f->get("NoEq") == "");
  CHECK(f->get("M") == "1");
  CHECK(f->pairs().size() == 6);
  CHECK(f->pairs()[5] == form::pair{"M", "2"});
  CHECK_FALSE(f->get("Missing"));
}

TEST_CASE("form decoding keeps a literal plus only when encoded", "[http][form]") {
  CHECK(url_decode("a+b") == "a b");
  CHECK(url_decode("a%2Bb") == "a+b");
  CHECK(url_decode("%41%62") == "Ab");
}

TEST_CASE("malformed escapes and empty keys are rejected", "[http][form]") {
  CHECK_FALSE(form::parse("Body=%"));
  CHECK_FALSE(form::parse("Body=%4"));
  CHECK_FALSE(form::parse("Body=%ZZ"));
  CHECK_FALSE(form::parse("=value"));
  CHECK(form::parse("")->pairs().empty());
  CHECK(form::parse("a=1&&b=2")->pairs().size() == 2);
}

TEST_CASE("url_encode round-trips through url_decode", "[http][form]") {
  const std::string s = "Hi, I'm at 123 Main St. #4 & want $500k+ / 3bd?";
  CHECK(url_decode(url_encode(s)) == s);
  CHECK(url_encode("a b+c") == "a%20b%2Bc");
}

TEST_CASE("a form value read as text is repaired UTF-8 without control characters",
          "[http][form]") {
  // %E9 is Latin-1 'e acute', %00 a NUL, %07 a bell, %C3%A9 a valid UTF-8 'e acute'.
  auto f = form::parse("Body=caf%E9+tour%00+at+5%07pm&Name=Jos%C3%A9&Note=a%0D%0Ab%09c");
  REQUIRE(f);
  CHECK(f->get("Body") == std::string_view{"caf\xE9 tour\0 at 5\apm", 18});  // as sent
  CHECK(f->text("Body") == "caf\xEF\xBF\xBD tour at 5pm");
  CHECK(f->text("Name") == "Jos\xC3\xA9");
  CHECK(f->text("Note") == "a\r\nb\tc");
  CHECK_FALSE(f->text("Missing"));
}
