#include "integrations/redis/client.hpp"

#include <catch2/catch.hpp>

using openhouse::redis::parse_url;

TEST_CASE("redis URLs parse host, port and database", "[redis]") {
  auto ep = parse_url("redis://127.0.0.1:6380/2");
  REQUIRE(ep);
  CHECK(ep->host == "127.0.0.1");
  CHECK(ep->port == 6380);
  CHECK(ep->db == 2);
  CHECK(parse_url("redis://cache")->port == 6379);
  CHECK_FALSE(parse_url("http://127.0.0.1:6379"));
  CHECK_FALSE(parse_url("redis://:6379"));
  CHECK_FALSE(parse_url("redis://host:notaport"));
  CHECK_FALSE(parse_url("redis://host:0"));
}
