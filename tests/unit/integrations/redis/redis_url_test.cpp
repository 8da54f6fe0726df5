#include "integrations/redis/client.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using openhouse::redis::endpoint;
using openhouse::redis::explain_error;
using openhouse::redis::handshake;
using openhouse::redis::parse_url;
using openhouse::redis::parse_url_checked;

TEST_CASE("redis URLs parse host, port and database", "[redis][url]") {
  auto ep = parse_url("redis://127.0.0.1:6380/2");
  REQUIRE(ep);
  CHECK(ep->host == "127.0.0.1");
  CHECK(ep->port == 6380);
  CHECK(ep->db == 2);
  CHECK(ep->username.empty());
  CHECK(ep->password.empty());
  CHECK(parse_url("redis://cache")->port == 6379);
  CHECK(parse_url("redis://cache/")->db == 0);
  CHECK(parse_url("redis://cache:7000/15")->db == 15);
  CHECK_FALSE(parse_url("http://127.0.0.1:6379"));
  CHECK_FALSE(parse_url("redis://:6379"));
  CHECK_FALSE(parse_url("redis://host:notaport"));
  CHECK_FALSE(parse_url("redis://host:0"));
  CHECK_FALSE(parse_url("redis://host:65536"));
  CHECK_FALSE(parse_url("redis://host:"));
  CHECK_FALSE(parse_url("redis://host/db1"));
  CHECK_FALSE(parse_url("redis://host/-1"));
}

TEST_CASE("redis URLs carry a user and a password, percent-escaped or not", "[redis][url]") {
  SECTION("user and password") {
    auto ep = parse_url("redis://app:s3cret@redis.internal:6390/3");
    REQUIRE(ep);
    CHECK(ep->username == "app");
    CHECK(ep->password == "s3cret");
    CHECK(ep->host == "redis.internal");
    CHECK(ep->port == 6390);
    CHECK(ep->db == 3);
  }
  SECTION("a password alone is the default user's") {
    auto ep = parse_url("redis://:only-a-password@10.0.0.7");
    REQUIRE(ep);
    CHECK(ep->username.empty());
    CHECK(ep->password == "only-a-password");
    CHECK(ep->port == 6379);
  }
  SECTION("escapes in user and password are decoded") {
    auto ep = parse_url("redis://ops%40team:p%40ss%3Aw%2Frd%25%20x@host:6379/1");
    REQUIRE(ep);
    CHECK(ep->username == "ops@team");
    CHECK(ep->password == "p@ss:w/rd% x");
    CHECK(ep->host == "host");
    CHECK(ep->db == 1);
  }
  SECTION("lower-case hex escapes and a raw '@', ':' or '#' in the password") {
    auto ep = parse_url("redis://u:a@b:c#d%2fe@host:6400");
    REQUIRE(ep);
    CHECK(ep->username == "u");
    CHECK(ep->password == "a@b:c#d/e");
    CHECK(ep->host == "host");
    CHECK(ep->port == 6400);
  }
  SECTION("refused credentials, with a reason that never shows the password") {
    for (const std::string url : {"redis://justaword@host", "redis://user:@host", "redis://:@host",
                                  "redis://u:bad%zzsecret@host", "redis://u:trailing%4@host"}) {
      INFO(url);
      const auto parsed = parse_url_checked(url);
      CHECK_FALSE(parsed.value);
      CHECK_FALSE(parsed.error.empty());
      CHECK(parsed.error.find("secret") == std::string::npos);
      CHECK(parsed.error.find("justaword") == std::string::npos);
    }
  }
}

TEST_CASE("redis URLs: IPv6 hosts go in brackets", "[redis][url]") {
  auto ep = parse_url("redis://:pw@[::1]:6381/4");
  REQUIRE(ep);
  CHECK(ep->host == "::1");
  CHECK(ep->port == 6381);
  CHECK(ep->db == 4);
  CHECK(parse_url("redis://[fe80::2]")->port == 6379);
  CHECK_FALSE(parse_url("redis://::1:6379"));
  CHECK_FALSE(parse_url("redis://[::1"));
  CHECK_FALSE(parse_url("redis://[::1]6379"));
  CHECK(openhouse::redis::describe(*ep) == "[::1]:6381");
}

TEST_CASE("rediss:// is refused with the reason, not downgraded to plain text", "[redis][url]") {
  const auto parsed = parse_url_checked("rediss://default:topsecret@cache.example.com:6380/0");
  CHECK_FALSE(parsed.value);
  CHECK_THAT(parsed.error, Catch::Contains("TLS"));
  CHECK_THAT(parsed.error, Catch::Contains("rediss://"));
  CHECK(parsed.error.find("topsecret") == std::string::npos);
}

TEST_CASE("other refused URLs say what is expected", "[redis][url]") {
  CHECK_THAT(parse_url_checked("unix:///var/run/redis.sock").error,
             Catch::Contains("redis://[[user]:password@]host[:port][/db]"));
  CHECK_THAT(parse_url_checked("cache:6379").error, Catch::Contains("no scheme"));
  CHECK_THAT(parse_url_checked("redis://host:6379?db=2").error, Catch::Contains("query"));
  CHECK(parse_url_checked("redis://host:6379/2").error.empty());
}

TEST_CASE("a connection logs in before anything else: AUTH, then SELECT", "[redis][url]") {
  using argv = std::vector<std::string>;
  CHECK(handshake(endpoint{}).empty());

  endpoint db_only;
  db_only.db = 5;
  CHECK(handshake(db_only) == std::vector<argv>{{"SELECT", "5"}});

  endpoint with_password;
  with_password.password = "pw with spaces";
  CHECK(handshake(with_password) == std::vector<argv>{{"AUTH", "pw with spaces"}});

  auto acl = *parse_url("redis://reporting:x%2Fy@host/9");
  CHECK(handshake(acl) == std::vector<argv>{{"AUTH", "reporting", "x/y"}, {"SELECT", "9"}});
}

TEST_CASE("authentication errors carry a hint", "[redis][url]") {
  CHECK_THAT(explain_error("NOAUTH Authentication required."), Catch::Contains("needs a password"));
  CHECK_THAT(explain_error("WRONGPASS invalid username-password pair or user is disabled."),
             Catch::Contains("user or password in the Redis URL is wrong"));
  CHECK_THAT(explain_error("ERR invalid password"), Catch::Contains("is wrong"));
  CHECK_THAT(explain_error("ERR AUTH <password> called without any password configured for the "
                           "default user. Are you sure your configuration is correct?"),
             Catch::Contains("has no password"));
  CHECK(explain_error("ERR unknown command") == "ERR unknown command");
}
