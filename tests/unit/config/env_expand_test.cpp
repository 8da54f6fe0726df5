#include <catch2/catch.hpp>

#include "config/env_expand.hpp"

using openhouse::config::expand_env;
using openhouse::config::fixed_env;

TEST_CASE("expand_env substitutes ${VAR} and ${VAR:-default}", "[config]") {
  const auto env = fixed_env({{"HOST", "db.local"}, {"PORT", "5432"}, {"EMPTY", ""}});

  SECTION("plain text is untouched") {
    auto r = expand_env("postgresql://localhost/x", env);
    REQUIRE(r.ok());
    CHECK(r.value == "postgresql://localhost/x");
  }
  SECTION("several references in one scalar") {
    auto r = expand_env("postgresql://${HOST}:${PORT}/openhouse", env);
    REQUIRE(r.ok());
    CHECK(r.value == "postgresql://db.local:5432/openhouse");
  }
  SECTION("a set variable wins over the default") {
    auto r = expand_env("${PORT:-8080}", env);
    REQUIRE(r.ok());
    CHECK(r.value == "5432");
  }
  SECTION("the default is used when unset") {
    auto r = expand_env("${MISSING:-http://127.0.0.1:8080}", env);
    REQUIRE(r.ok());
    CHECK(r.value == "http://127.0.0.1:8080");
  }
  SECTION("the default is used when set but empty") {
    auto r = expand_env("${EMPTY:-fallback}", env);
    REQUIRE(r.ok());
    CHECK(r.value == "fallback");
  }
  SECTION("an empty default is allowed") {
    auto r = expand_env("${MISSING:-}", env);
    REQUIRE(r.ok());
    CHECK(r.value.empty());
  }
  SECTION("a required variable that is set but empty expands to empty") {
    auto r = expand_env("${EMPTY}", env);
    REQUIRE(r.ok());
    CHECK(r.value.empty());
  }
  SECTION("$${ is a literal ${ and a lone $ is literal") {
    auto r = expand_env("cost $5 and $${HOST}", env);
    REQUIRE(r.ok());
    CHECK(r.value == "cost $5 and ${HOST}");
  }
}

TEST_CASE("expand_env reports bad references", "[config]") {
  const auto env = fixed_env({{"SECRET", "a${b}"}});

  SECTION("unset required variable names it") {
    auto r = expand_env("x-${NOPE}-${NADA}", env);
    REQUIRE(r.errors.size() == 2);
    CHECK(r.errors[0] == "environment variable NOPE is not set");
    CHECK(r.errors[1] == "environment variable NADA is not set");
  }
  SECTION("unterminated reference") {
    auto r = expand_env("${HOST", env);
    REQUIRE(r.errors.size() == 1);
    CHECK_THAT(r.errors[0], Catch::Contains("unterminated"));
  }
  SECTION("invalid names") {
    CHECK_FALSE(expand_env("${}", env).ok());
    CHECK_FALSE(expand_env("${1ABC}", env).ok());
    CHECK_FALSE(expand_env("${A B}", env).ok());
  }
  SECTION("substituted values are not expanded again") {
    auto r = expand_env("${SECRET}", env);
    REQUIRE(r.ok());
    CHECK(r.value == "a${b}");
  }
}
