#include "core/text.hpp"

#include <catch2/catch.hpp>

using namespace openhouse::core;

TEST_CASE("ASCII case folding lowers letters and leaves every other byte alone", "[core][text]") {
  CHECK(to_lower_ascii("Call Me At 5PM") == "call me at 5pm");
  CHECK(to_lower_ascii("") == "");
  // Non-ASCII letters are bytes >= 0x80: untouched, so UTF-8 stays intact.
  CHECK(to_lower_ascii("CAFÉ Ñ") == "cafÉ Ñ");
  CHECK(to_lower_ascii("[@`{]") == "[@`{]");  // the bytes around A-Z and a-z
  CHECK(to_lower_ascii('Q') == 'q');
  CHECK(to_lower_ascii('7') == '7');
  std::string s = "MiXeD";
  lower_ascii_in_place(s);
  CHECK(s == "mixed");
}

TEST_CASE("case-insensitive comparisons fold ASCII letters only", "[core][text]") {
  CHECK(iequals_ascii("Hot-Lead", "hot-LEAD"));
  CHECK_FALSE(iequals_ascii("hot", "hots"));
  CHECK_FALSE(iequals_ascii("É", "é"));  // not ASCII: compared as bytes
  CHECK(iequals_ascii("", ""));
  CHECK(istarts_with_ascii("Retry-After: 3", "retry-after:"));
  CHECK_FALSE(istarts_with_ascii("Retry", "retry-after:"));
  CHECK(istarts_with_ascii("anything", ""));
}

TEST_CASE("trim removes ASCII whitespace at both ends only", "[core][text]") {
  CHECK(trim("  \t hello there \r\n") == "hello there");
  CHECK(trim("inner  space") == "inner  space");
  CHECK(trim(" \t\r\n ") == "");
  CHECK(trim("") == "");
  CHECK(trim("--x--", "-") == "x");
  // A view into the argument, not a copy.
  const std::string_view text = "  abc ";
  CHECK(trim(text).data() == text.data() + 2);
}

TEST_CASE("blank text is empty or only the given characters", "[core][text]") {
  CHECK(is_blank(""));
  CHECK(is_blank(" \n\t"));
  CHECK_FALSE(is_blank(" a "));
  CHECK(is_blank("  ", " "));
  CHECK_FALSE(is_blank("\t", " "));
}
