#include "core/expected.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using openhouse::bad_expected_access;
using openhouse::expected;
using openhouse::unexpected;

namespace {

struct parse_problem {
  std::string why;
};

expected<int, parse_problem> parse_small(std::string_view s) {
  if (s.size() != 1 || s[0] < '0' || s[0] > '9') return unexpected{parse_problem{"not a digit"}};
  return s[0] - '0';
}

}  // namespace

TEST_CASE("expected holds a value or the reason there is none", "[core][expected]") {
  const auto good = parse_small("7");
  REQUIRE(good.has_value());
  CHECK(static_cast<bool>(good));
  CHECK(good.value() == 7);
  CHECK(*good == 7);
  CHECK_THROWS_AS(good.error(), bad_expected_access);

  const auto bad = parse_small("x");
  REQUIRE_FALSE(bad.has_value());
  CHECK_FALSE(static_cast<bool>(bad));
  CHECK(bad.error().why == "not a digit");
  CHECK(bad.value_or(-1) == -1);
  CHECK_THROWS_AS(bad.value(), bad_expected_access);
}

TEST_CASE("expected converts from its value type and moves values out", "[core][expected]") {
  expected<std::string, int> text = "from a literal";
  CHECK(text->size() == 14);
  expected<std::vector<int>, std::string> list = std::vector<int>{1, 2, 3};
  auto moved = std::move(list).value();
  CHECK(moved.size() == 3);
  expected<std::string, std::string> same_types = unexpected{std::string{"error side"}};
  CHECK_FALSE(same_types.has_value());
  CHECK(same_types.error() == "error side");
  same_types = std::string{"value side"};
  CHECK(same_types.value() == "value side");
}
