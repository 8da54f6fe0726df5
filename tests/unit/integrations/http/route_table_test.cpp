#include "integrations/http/route_table.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace openhouse::http;
namespace bhttp = boost::beast::http;

namespace {

/// A table of made-up routes whose handlers record what reached them.
struct fixture {
  std::vector<std::string> handled;  ///< "pattern" or "pattern:name=value"
  std::vector<route_auth> asked;     ///< the auth kinds the walker checked
  std::optional<refusal> refuse_with;

  route_handler records(std::string pattern) {
    return [this, pattern](request&&, const route_params& params, responder reply) {
      std::string what = pattern;
      for (const auto& [name, value] : params) {
        what += ":" + name + "=" + value;
      }
      handled.push_back(what);
      reply.send(bhttp::status::ok, "{}");
    };
  }

  route_table table() {
    std::vector<route> routes{
        {"/hooks/a", bhttp::verb::post, route_auth::twilio_signature, 100, records("/hooks/a")},
        {"/hooks/b", bhttp::verb::post, route_auth::crm_signature, 10, records("/hooks/b")},
        {"/open", bhttp::verb::get, route_auth::none, 0, records("GET /open")},
        {"/open", bhttp::verb::put, route_auth::none, 50, records("PUT /open")},
        {"/people/{id}", bhttp::verb::get, route_auth::bearer_token, 0, records("/people/{id}")},
        {"/people/all", bhttp::verb::delete_, route_auth::bearer_token, 0, records("/people/all")},
    };
    return route_table{std::move(routes),
                       [this](route_auth how, const request&) {
                         asked.push_back(how);
                         return refuse_with;
                       },
                       1000};
  }
};

request make(bhttp::verb method, std::string target, std::string body = {}) {
  request req{method, target, 11};
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

response run(const route_table& t, request req) {
  std::optional<response> out;
  t.dispatch(std::move(req), [&](response res) { out = std::move(res); });
  REQUIRE(out);
  return *out;
}

}  // namespace

TEST_CASE("the walker answers 404 for a path no route lists", "[http][routes]") {
  fixture f;
  const auto t = f.table();
  const auto res = run(t, make(bhttp::verb::get, "/nowhere"));
  CHECK(res.result() == bhttp::status::not_found);
  CHECK(f.handled.empty());
  CHECK(t.label_of("/nowhere") == "other");
}

TEST_CASE("a method the path's routes do not take is 405 and names the ones they do",
          "[http][routes]") {
  fixture f;
  const auto t = f.table();
  SECTION("one route on the path") {
    const auto res = run(t, make(bhttp::verb::get, "/hooks/a"));
    CHECK(res.result() == bhttp::status::method_not_allowed);
    CHECK(res[bhttp::field::allow] == "POST");
  }
  SECTION("two routes on the path, the query string ignored") {
    const auto res = run(t, make(bhttp::verb::post, "/open?x=1"));
    CHECK(res.result() == bhttp::status::method_not_allowed);
    CHECK(res[bhttp::field::allow] == "GET, PUT");
  }
  SECTION("a literal path under a pattern only allows its own method") {
    const auto res = run(t, make(bhttp::verb::get, "/people/all"));
    CHECK(res.result() == bhttp::status::method_not_allowed);
    CHECK(res[bhttp::field::allow] == "DELETE");
  }
  CHECK(f.handled.empty());
  CHECK(f.asked.empty());
}

TEST_CASE("each route's own body limit decides 413, before its auth", "[http][routes]") {
  fixture f;
  const auto t = f.table();
  const std::string fifty(50, 'x');
  CHECK(run(t, make(bhttp::verb::post, "/hooks/b", fifty)).result() ==
        bhttp::status::payload_too_large);
  CHECK(f.asked.empty());
  CHECK(run(t, make(bhttp::verb::post, "/hooks/a", fifty)).result() == bhttp::status::ok);
  CHECK(run(t, make(bhttp::verb::put, "/open", fifty)).result() == bhttp::status::ok);
  CHECK(run(t, make(bhttp::verb::get, "/open", "y")).result() == bhttp::status::payload_too_large);
  CHECK(f.handled == std::vector<std::string>{"/hooks/a", "PUT /open"});

  // What the server asks from the header alone: the route's limit, else the default.
  CHECK(t.body_limit(bhttp::verb::post, "/hooks/b") == 10);
  CHECK(t.body_limit(bhttp::verb::post, "/hooks/a?q") == 100);
  CHECK(t.body_limit(bhttp::verb::get, "/open") == 0);
  CHECK(t.body_limit(bhttp::verb::put, "/open") == 50);
  CHECK(t.body_limit(bhttp::verb::get, "/hooks/a") == 1000);
  CHECK(t.body_limit(bhttp::verb::get, "/nowhere") == 1000);
}

TEST_CASE("the walker checks each route's auth and keeps refused requests from handlers",
          "[http][routes]") {
  fixture f;
  const auto t = f.table();
  run(t, make(bhttp::verb::post, "/hooks/a"));
  run(t, make(bhttp::verb::post, "/hooks/b"));
  run(t, make(bhttp::verb::get, "/open"));
  run(t, make(bhttp::verb::get, "/people/7"));
  CHECK(f.asked == std::vector<route_auth>{route_auth::twilio_signature, route_auth::crm_signature,
                                           route_auth::bearer_token});
  CHECK(f.handled.size() == 4);

  f.handled.clear();
  f.refuse_with = refusal{front_errc::unauthorized, "who are you"};
  auto res = run(t, make(bhttp::verb::get, "/people/7"));
  CHECK(res.result() == bhttp::status::unauthorized);
  CHECK(res[bhttp::field::www_authenticate] == "Bearer");
  CHECK(res.body().find("who are you") != std::string::npos);

  f.refuse_with = refusal{front_errc::bad_signature, "forged"};
  res = run(t, make(bhttp::verb::post, "/hooks/b"));
  CHECK(res.result() == bhttp::status::forbidden);
  CHECK(res[bhttp::field::www_authenticate].empty());
  // A route without auth is not asked about.
  CHECK(run(t, make(bhttp::verb::get, "/open")).result() == bhttp::status::ok);
  CHECK(f.handled == std::vector<std::string>{"GET /open"});
}

TEST_CASE("a pattern hands its segment to the handler and labels by pattern", "[http][routes]") {
  fixture f;
  const auto t = f.table();
  CHECK(run(t, make(bhttp::verb::get, "/people/%2B15550001")).result() == bhttp::status::ok);
  CHECK(f.handled == std::vector<std::string>{"/people/{id}:id=%2B15550001"});
  CHECK(t.label_of("/people/42") == "/people/{id}");
  CHECK(t.label_of("/people/all") == "/people/all");
  CHECK(t.label_of("/people/") == "other");
  CHECK(t.label_of("/people/1/2") == "other");
}

TEST_CASE("patterns match whole segments", "[http][routes]") {
  route_params p;
  CHECK(match_pattern("/a/{x}/c", "/a/b/c", p));
  CHECK(p.at("x") == "b");
  CHECK_FALSE(match_pattern("/a/{x}/c", "/a//c", p));
  CHECK_FALSE(match_pattern("/a/{x}/c", "/a/b", p));
  CHECK_FALSE(match_pattern("/a/{x}/c", "/a/b/c/d", p));
  CHECK_FALSE(match_pattern("/a/{x}", "/b/c", p));
  CHECK(match_pattern("/plain", "/plain", p));
  CHECK_FALSE(match_pattern("/plain", "/plain/", p));
}
