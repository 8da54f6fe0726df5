#include "integrations/http/routes.hpp"

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "integrations/twilio/signature.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using namespace openhouse;
using namespace openhouse::http;
namespace bhttp = boost::beast::http;

namespace {

constexpr const char* admin_token = "test-admin-token";

/// Front dependencies with every route wired; each records what reached it.
struct wired_front {
  std::vector<std::string> calls;
  std::shared_ptr<const route_table> table;

  wired_front() {
    auto cfg = std::make_shared<config::market_config>();
    cfg->server.admin_token = admin_token;
    cfg->server.public_url = "https://node.test";
    cfg->server.max_body_bytes = 64 * 1024;
    cfg->twilio.auth_token = "twilio-secret";
    cfg->crm.secret = "crm-secret";
    front_deps d;
    d.config = cfg;
    d.time = std::make_shared<runtime::manual_clock>();
    d.metrics = std::make_shared<runtime::metrics>();
    d.submit_sms = [this](runtime::inbound_sms m, auto done) {
      calls.push_back("sms " + m.from);
      done(runtime::turn_result{});
    };
    d.submit_crm = [this](runtime::crm_event, auto done) {
      calls.push_back("crm");
      done(runtime::crm_result{});
    };
    d.check_ready = [this](auto done) {
      calls.push_back("ready");
      done({true, true, {}});
    };
    d.invalidate_cache = [this](cache_invalidation inv, auto done) {
      calls.push_back("invalidate " + inv.scope);
      done(invalidation_done{3, false});
    };
    d.release_contact = [this](std::string c, auto done) {
      calls.push_back("release " + c);
      done(true, {});
    };
    d.contact_transcript = [this](std::string c, auto done) {
      calls.push_back("transcript " + c);
      done({}, {});
    };
    d.record_delivery = [this](std::string sid, std::string, auto done) {
      calls.push_back("delivery " + sid);
      done(true, {});
    };
    table = front_routes(std::move(d));
  }

  response run(request req) {
    std::optional<response> out;
    table->dispatch(std::move(req), [&](response res) { out = std::move(res); });
    REQUIRE(out);
    return *out;
  }
};

request make(bhttp::verb method, std::string target, std::string body = {},
             bool with_token = false) {
  request req{method, target, 11};
  if (with_token) {
    req.set(bhttp::field::authorization, std::string{"Bearer "} + admin_token);
  }
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

std::set<std::string> code_routes(const route_table& t) {
  std::set<std::string> out;
  for (const auto& r : t.routes()) {
    out.insert(std::string{bhttp::to_string(r.method)} + " " + r.pattern);
  }
  return out;
}

/// The "METHOD /path" cells of README.md's "## HTTP routes" table.
std::set<std::string> readme_routes() {
  std::ifstream in{std::string{OPENHOUSE_SOURCE_DIR} + "/README.md"};
  REQUIRE(in);
  std::set<std::string> out;
  const std::regex row{R"(^\| `([A-Z]+ /[^`]*)` \|)"};
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("## ")) {
      inside = line == "## HTTP routes";
      continue;
    }
    std::smatch m;
    if (inside && std::regex_search(line, m, row)) {
      out.insert(m[1]);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("README's HTTP routes table lists exactly the routes of the code's table",
          "[http][routes][readme]") {
  wired_front f;
  const auto in_readme = readme_routes();
  REQUIRE(in_readme.size() >= 5);
  CHECK(in_readme == code_routes(*f.table));
}

TEST_CASE("the front's table answers 405 with Allow from the route's entry", "[http][routes]") {
  wired_front f;
  auto res = f.run(make(bhttp::verb::get, "/webhooks/twilio/sms"));
  CHECK(res.result() == bhttp::status::method_not_allowed);
  CHECK(res[bhttp::field::allow] == "POST");
  res = f.run(make(bhttp::verb::post, "/metrics?fresh=1"));
  CHECK(res[bhttp::field::allow] == "GET");
  // The release route lives under the {phone} pattern but is its own route.
  res = f.run(make(bhttp::verb::get, "/admin/contacts/release", {}, true));
  CHECK(res.result() == bhttp::status::method_not_allowed);
  CHECK(res[bhttp::field::allow] == "POST");
  CHECK(f.calls.empty());
}

TEST_CASE("the front's admin routes take a smaller body than its webhooks", "[http][routes]") {
  wired_front f;
  const std::string twenty_k(20 * 1024, 'x');
  CHECK(f.table->body_limit(bhttp::verb::post, "/admin/cache/invalidate") <
        f.table->body_limit(bhttp::verb::post, "/webhooks/twilio/sms"));
  CHECK(f.run(make(bhttp::verb::post, "/admin/cache/invalidate", twenty_k, true)).result() ==
        bhttp::status::payload_too_large);
  // The same body is within a webhook's limit: it gets as far as the signature check.
  CHECK(f.run(make(bhttp::verb::post, "/webhooks/crm", twenty_k)).result() ==
        bhttp::status::forbidden);
  CHECK(f.run(make(bhttp::verb::get, "/healthz", "x")).result() ==
        bhttp::status::payload_too_large);
  CHECK(f.calls.empty());
}

TEST_CASE("the front's table authenticates each route its own way", "[http][routes]") {
  wired_front f;
  SECTION("admin routes want the bearer token") {
    auto res = f.run(make(bhttp::verb::post, "/admin/cache/invalidate", R"({"scope":"global"})"));
    CHECK(res.result() == bhttp::status::unauthorized);
    CHECK(res[bhttp::field::www_authenticate] == "Bearer");
    res = f.run(make(bhttp::verb::get, "/admin/contacts/%2B19095550111"));
    CHECK(res.result() == bhttp::status::unauthorized);
    CHECK(f.calls.empty());
    CHECK(f.run(make(bhttp::verb::post, "/admin/cache/invalidate", R"({"scope":"global"})", true))
              .result() == bhttp::status::ok);
    CHECK(f.run(make(bhttp::verb::get, "/admin/contacts/%2B19095550111", {}, true)).result() ==
          bhttp::status::not_found);  // the fake knows no lead
    CHECK(f.calls == std::vector<std::string>{"invalidate global", "transcript +19095550111"});
  }
  SECTION("Twilio routes want Twilio's signature over the public URL") {
    const std::string body = "From=%2B19095550122&Body=hello&MessageSid=SM1";
    auto req = make(bhttp::verb::post, "/webhooks/twilio/sms", body);
    req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
    req.set("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl");
    CHECK(f.run(request{req}).result() == bhttp::status::forbidden);
    CHECK(f.calls.empty());
    const auto signature = twilio::compute_signature(
        "twilio-secret", "https://node.test/webhooks/twilio/sms",
        {{"From", "+19095550122"}, {"Body", "hello"}, {"MessageSid", "SM1"}});
    req.set("X-Twilio-Signature", signature);
    CHECK(f.run(std::move(req)).result() == bhttp::status::ok);
    CHECK(f.calls == std::vector<std::string>{"sms +19095550122"});
  }
  SECTION("probes need nothing") {
    CHECK(f.run(make(bhttp::verb::get, "/healthz")).result() == bhttp::status::ok);
    CHECK(f.run(make(bhttp::verb::get, "/readyz")).result() == bhttp::status::ok);
    CHECK(f.calls == std::vector<std::string>{"ready"});
  }
}

TEST_CASE("a route whose dependency is unset is not in the table", "[http][routes]") {
  front_deps d;
  d.config = std::make_shared<config::market_config>();
  d.time = std::make_shared<runtime::manual_clock>();
  d.metrics = std::make_shared<runtime::metrics>();
  const auto t = front_routes(std::move(d));
  const auto listed = code_routes(*t);
  CHECK(listed.count("POST /webhooks/twilio/sms") == 1);
  CHECK(listed.count("POST /webhooks/crm") == 0);
  CHECK(listed.count("GET /admin/contacts/{phone}") == 0);
  std::optional<response> out;
  t->dispatch(make(bhttp::verb::post, "/webhooks/crm", "{}"), [&](response r) { out = r; });
  REQUIRE(out);
  CHECK(out->result() == bhttp::status::not_found);
}
