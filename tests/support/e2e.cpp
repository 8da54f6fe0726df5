#include "tests/support/e2e.hpp"

#include "integrations/twilio/signature.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <cstdio>

namespace openhouse::test::e2e {

std::string config_path() { return std::string{OPENHOUSE_SOURCE_DIR} + "/config/node.yaml"; }

std::string sid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "SM%032d", n);
  return buf;
}

long query_long(const std::string& database_url, const std::string& sql) {
  pqxx::connection c{database_url};
  pqxx::nontransaction tx{c};
  return tx.exec(sql)[0][0].as<long>();
}

namespace {

std::vector<std::string> sim_args(int latency_ms, std::vector<std::string> extra) {
  std::vector<std::string> args{OPENHOUSE_BINARY,          "sim-llm", "--port", "0", "--latency",
                                std::to_string(latency_ms)};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

simulator::simulator(int latency_ms, std::vector<std::string> extra_args)
    : proc_(sim_args(latency_ms, std::move(extra_args))), url_(proc_.wait_until_listening()) {}

long simulator::requests() {
  http_client c;
  return nlohmann::json::parse(c.get(url_ + "/stats").body).at("requests").get<long>();
}

namespace {

std::map<std::string, std::string> with(std::map<std::string, std::string> base,
                                        const std::map<std::string, std::string>& extra) {
  for (const auto& [k, v] : extra) {
    base[k] = v;
  }
  return base;
}

}  // namespace

node::node(const std::string& database_url, const std::string& llm_url, std::string redis_url,
           const std::map<std::string, std::string>& extra_env)
    : proc_({OPENHOUSE_BINARY, "serve", "--config", config_path(), "--port", "0"},
            with({{"OPENHOUSE_DATABASE_URL", database_url},
                  {"OPENHOUSE_REDIS_URL", std::move(redis_url)},
                  {"OPENHOUSE_LLM_BASE_URL", llm_url},
                  {"OPENHOUSE_PUBLIC_URL", public_url},
                  // Nodes of one test share their scratch database and, through
                  // this prefix, their cache; other tests never see their entries.
                  {"OPENHOUSE_REDIS_PREFIX",
                   "test_" + database_url.substr(database_url.rfind('/') + 1)},
                  {"OPENHOUSE_ADMIN_TOKEN", admin_token},
                  {"OPENHOUSE_DRAIN_DELAY", "0s"},
                  {"TWILIO_AUTH_TOKEN", auth_token}},
                 extra_env)),
      url_(proc_.wait_until_listening()) {}

std::map<std::string, std::string> sms_params(const std::string& message_sid,
                                              const std::string& from, const std::string& body) {
  return {{"MessageSid", message_sid},
          {"AccountSid", "AC00000000000000000000000000000000"},
          {"From", from},
          {"To", "+19095550100"},
          {"Body", body},
          {"NumMedia", "0"}};
}

http_result post_sms(http_client& c, const std::string& base,
                     const std::map<std::string, std::string>& params,
                     std::optional<std::string> signature) {
  const std::vector<twilio::param> signed_params(params.begin(), params.end());
  const auto sig = signature.value_or(twilio::compute_signature(
      auth_token, std::string{public_url} + "/webhooks/twilio/sms", signed_params));
  return c.post(
      base + "/webhooks/twilio/sms", form_body(params),
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", sig}});
}

bool is_message_twiml(const std::string& body) {
  return body.find("<Response><Message>") != std::string::npos &&
         body.find("</Message></Response>") != std::string::npos;
}

}  // namespace openhouse::test::e2e
