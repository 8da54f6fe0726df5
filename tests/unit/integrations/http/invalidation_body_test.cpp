#include "integrations/http/routes.hpp"

#include <catch2/catch.hpp>

#include <string>

using openhouse::http::parse_invalidation;

TEST_CASE("an invalidation body parses into its scope and target", "[http][invalidation]") {
  const auto contact = parse_invalidation(R"({"scope":"contact","contact":"+19095550177"})");
  REQUIRE(contact.has_value());
  CHECK(contact->scope == "contact");
  CHECK(contact->contact == "+19095550177");

  const auto market = parse_invalidation(R"({"scope":"market"})");
  REQUIRE(market.has_value());
  CHECK(market->scope == "market");

  const std::string digest(64, 'a');
  const auto key = parse_invalidation(R"({"scope":"key","key":")" + digest + R"("})");
  REQUIRE(key.has_value());
  CHECK(key->key == digest);
}

TEST_CASE("a bad invalidation body is refused with the reason", "[http][invalidation]") {
  struct row {
    std::string body;
    std::string reason_part;
  };
  const std::vector<row> rows{
      {"[1,2]", "JSON object"},
      {R"({"scope":"contact"})", "needs \"contact\""},
      {R"({"scope":"task"})", "needs \"task\""},
      {R"({"scope":"everything"})", "must be one of"},
      {R"({"scope":"market","extra":"x"})", "unknown field \"extra\""},
      {R"({"scope":""})", "non-empty string"},
      {R"({"scope":"key","key":"ABC"})", "64 lower-case hex"},
  };
  for (const auto& r : rows) {
    INFO(r.body);
    const auto parsed = parse_invalidation(r.body);
    REQUIRE_FALSE(parsed.has_value());
    CHECK_THAT(parsed.error(), Catch::Contains(r.reason_part));
  }
}
