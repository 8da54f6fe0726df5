#include "integrations/redis/client.hpp"
#include "tests/support/services.hpp"

#include <catch2/catch.hpp>

using namespace openhouse;

TEST_CASE("ping answers against the real Redis", "[redis][integration]") {
  auto ep = redis::parse_url(test::redis_url());
  REQUIRE(ep);
  redis::client c{*ep};
  CHECK(c.ping());
  CHECK(c.ping());  // the connection is reused
}

TEST_CASE("ping is false, not an exception, when Redis is not there", "[redis][integration]") {
  redis::client c{{"127.0.0.1", 1, 0}, std::chrono::milliseconds{200}};
  CHECK_FALSE(c.ping());
}
