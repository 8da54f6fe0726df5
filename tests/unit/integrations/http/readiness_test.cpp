#include "integrations/http/readiness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using openhouse::http::answer_readiness;
using openhouse::http::readiness;

namespace {

nlohmann::json body_of(const openhouse::http::readiness_answer& a) {
  return nlohmann::json::parse(a.body);
}

}  // namespace

TEST_CASE("readiness: PostgreSQL decides, Redis only degrades", "[http][readiness]") {
  struct row {
    const char* name;
    bool redis;
    bool postgres;
    int status;
    const char* text;
  };
  for (const auto& r : {row{"both answer", true, true, 200, "ready"},
                        row{"Redis down: still serving", false, true, 200, "degraded"},
                        row{"PostgreSQL down", true, false, 503, "not ready"},
                        row{"both down", false, false, 503, "not ready"}}) {
    SECTION(r.name) {
      const auto a = answer_readiness(readiness{r.redis, r.postgres, {}}, false);
      CHECK(a.status == r.status);
      const auto body = body_of(a);
      CHECK(body.at("status") == r.text);
      CHECK(body.at("redis") == (r.redis ? "ok" : "down"));
      CHECK(body.at("postgres") == (r.postgres ? "ok" : "down"));
      CHECK_FALSE(body.contains("redis_error"));
    }
  }
}

TEST_CASE("readiness: why Redis is down is said when known", "[http][readiness]") {
  const auto a = answer_readiness(
      readiness{false, true, "redis 127.0.0.1:6379: AUTH: WRONGPASS invalid username-password"},
      false);
  CHECK(a.status == 200);
  CHECK_THAT(body_of(a).at("redis_error").get<std::string>(), Catch::Contains("WRONGPASS"));
  // Not when Redis answers, whatever a stale error said.
  CHECK_FALSE(
      body_of(answer_readiness(readiness{true, true, "old"}, false)).contains("redis_error"));
}

TEST_CASE("readiness: a draining node answers 503 whatever its dependencies", "[http][readiness]") {
  for (const bool redis : {true, false}) {
    for (const bool postgres : {true, false}) {
      const auto a = answer_readiness(readiness{redis, postgres, {}}, true);
      CHECK(a.status == 503);
      CHECK(body_of(a) == nlohmann::json{{"status", "draining"}});
    }
  }
}

TEST_CASE("readiness: an error text that is not UTF-8 still gives a JSON answer",
          "[http][readiness]") {
  const auto a = answer_readiness(readiness{false, true, "bad \xff\xfe bytes"}, false);
  CHECK(a.status == 200);
  const auto body = body_of(a);
  CHECK(body.at("status") == "degraded");
  CHECK_THAT(body.at("redis_error").get<std::string>(), Catch::Contains("bad"));
}
