#include "core/utf8.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace openhouse::core;
using namespace std::string_literals;

namespace {

const std::string fffd{replacement_character};

}  // namespace

TEST_CASE("well-formed UTF-8 is accepted, every width and the limits", "[core][utf8]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii, 3bd/2ba"));
  CHECK(is_valid_utf8("se\xC3\xB1or"));      // 2 bytes
  CHECK(is_valid_utf8("\xE2\x82\xAC 5"));    // 3 bytes (euro sign)
  CHECK(is_valid_utf8("\xF0\x9F\x8F\xA1"));  // 4 bytes (a house emoji)
  CHECK(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  CHECK(is_valid_utf8("\xEE\x80\x80"));      // U+E000, just above them
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  CHECK(is_valid_utf8("tab\tnewline\ncr\r"));
  CHECK(is_valid_utf8("nul\0inside"s));  // valid UTF-8; clean_text drops it
}

TEST_CASE("ill-formed UTF-8 is refused", "[core][utf8]") {
  CHECK_FALSE(is_valid_utf8("\x80"));              // a stray continuation byte
  CHECK_FALSE(is_valid_utf8("caf\xE9"));           // Latin-1, not UTF-8
  CHECK_FALSE(is_valid_utf8("\xC3"));              // truncated at the end
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // overlong, 4 bytes
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800, a surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));  // never a lead byte
  CHECK_FALSE(is_valid_utf8("\xFF"));
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));   // 3-byte sequence cut short
  CHECK_FALSE(is_valid_utf8("\xE2\x82x"));  // ... and followed by ASCII
}

TEST_CASE("repair replaces each maximal ill-formed part with one U+FFFD", "[core][utf8]") {
  CHECK(repair_utf8("is it still available?") == "is it still available?");
  CHECK(repair_utf8("caf\xE9 au lait") == "caf" + fffd + " au lait");
  // A truncated sequence is one replacement, and the byte after it survives.
  CHECK(repair_utf8("\xE2\x82x") == fffd + "x");
  CHECK(repair_utf8("\xF0\x9F\x8F") == fffd);
  // Two stray continuation bytes are two parts.
  CHECK(repair_utf8("a\x80\xBFz") == "a" + fffd + fffd + "z");
  // An overlong lead can never start a valid sequence: each byte on its own.
  CHECK(repair_utf8("\xC0\xAF") == fffd + fffd);
  // A surrogate's second byte is out of range for ED: lead alone, then two strays.
  CHECK(repair_utf8("\xED\xA0\x80") == fffd + fffd + fffd);
  // Valid characters around the damage are kept.
  CHECK(repair_utf8("\xF0\x9F\x8F\xA1\xFF\xC3\xB1") == "\xF0\x9F\x8F\xA1" + fffd + "\xC3\xB1");
  CHECK(is_valid_utf8(repair_utf8("\xFE\xFF\xC2\xE0\xA0\xF4\x90")));
}

TEST_CASE("clean text drops NUL and control characters but keeps tab, LF and CR", "[core][utf8]") {
  CHECK(clean_text("budget 500k\0 then the rest"s) == "budget 500k then the rest");
  CHECK(clean_text("\x1B[31mred\x7F") == "[31mred");
  CHECK(clean_text("line one\r\nline\ttwo") == "line one\r\nline\ttwo");
  CHECK(clean_text("\xE9t\xE9\0"s) == fffd + "t" + fffd);
  CHECK(clean_text("\xC2\x85") == "\xC2\x85");  // U+0085 is a valid character, kept
  CHECK(clean_text("") == "");
  CHECK(
      is_clean_text("Hola, \xC2\xBF"
                    "cu\xC3\xA1nto cuesta?"));
  CHECK_FALSE(is_clean_text("a\0b"s));
  CHECK_FALSE(is_clean_text("\x07"));
  CHECK_FALSE(is_clean_text("\xFF"));
  CHECK(is_clean_text(clean_text("\x01\xFF\0ok"s)));
}
