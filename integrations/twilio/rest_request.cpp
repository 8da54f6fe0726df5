#include "integrations/twilio/rest_request.hpp"

#include "integrations/http/form.hpp"

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

namespace openhouse::twilio {

std::string messages_url(std::string_view api_base, std::string_view account_sid) {
  std::string base{api_base};
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/2010-04-01/Accounts/" + http::url_encode(account_sid) + "/Messages.json";
}

std::string basic_auth(std::string_view user, std::string_view password) {
  std::string plain{user};
  plain += ':';
  plain += password;
  std::string encoded(4 * ((plain.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(plain.data()),
                                static_cast<int>(plain.size()));
  encoded.resize(static_cast<std::size_t>(n));
  return "Basic " + encoded;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += http::url_encode(name);
    out += '=';
    out += http::url_encode(value);
  }
  return out;
}

http::outbound_request message_request(const config::twilio_settings& settings, const sms_send& sms,
                                       std::string_view idempotency_key) {
  std::vector<std::pair<std::string, std::string>> fields{
      {"To", sms.to}, {"From", sms.from}, {"Body", sms.body}};
  if (!sms.status_callback.empty()) fields.emplace_back("StatusCallback", sms.status_callback);
  http::outbound_request req;
  req.method = "POST";
  req.url = messages_url(settings.api_base_url, settings.account_sid);
  req.headers = {"Authorization: " + basic_auth(settings.account_sid, settings.auth_token),
                 "Content-Type: application/x-www-form-urlencoded", "Accept: application/json",
                 "I-Twilio-Idempotency-Token: " + std::string{idempotency_key}};
  req.body = form_encode(fields);
  return req;
}

std::string message_sid(std::string_view response_body) {
  const auto j = nlohmann::json::parse(response_body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("sid") && j["sid"].is_string()) {
    return j["sid"].get<std::string>();
  }
  return {};
}

}  // namespace openhouse::twilio
