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
