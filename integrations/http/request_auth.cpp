#include "integrations/http/request_auth.hpp"

#include "integrations/http/form.hpp"
#include "integrations/twilio/signature.hpp"

namespace openhouse::http {

namespace bhttp = boost::beast::http;

namespace {

/// Compares in time independent of where the first difference is, so the
/// token cannot be guessed byte by byte from response times.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned diff = a.size() == b.size() ? 0U : 1U;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(i < b.size() ? b[i] : 0);
  }
  return diff == 0;
}

}  // namespace

request_auth::request_auth(std::shared_ptr<const config::market_config> config)
    : config_(std::move(config)) {
  if (!config_->crm.public_key.empty()) {
    crm_key_ = crm::public_key::from_pem(config_->crm.public_key);
  }
}

std::optional<refusal> request_auth::check(route_auth how, const request& req) const {
  switch (how) {
    case route_auth::none:
      return std::nullopt;
    case route_auth::twilio_signature:
      return twilio(req);
    case route_auth::crm_signature:
      return crm(req);
    case route_auth::bearer_token:
      return bearer(req);
  }
  return refusal{front_errc::unauthorized, "unknown auth"};
}

std::optional<refusal> request_auth::twilio(const request& req) const {
  const auto sig_header = req.find("X-Twilio-Signature");
  if (sig_header == req.end() || sig_header->value().empty()) {
    return refusal{front_errc::bad_signature, "missing X-Twilio-Signature"};
  }
  const auto content_type = req[bhttp::field::content_type];
  if (!content_type.starts_with("application/x-www-form-urlencoded")) {
    return refusal{front_errc::malformed, "expected application/x-www-form-urlencoded"};
  }
  auto parsed = form::parse(req.body());
  if (!parsed) {
    return refusal{front_errc::malformed, "malformed form body"};
  }
  // Twilio signs the URL it was configured with; behind a proxy that is the
  // public URL, not what Host says.
  const auto url = config_->server.public_url + std::string{req.target()};
  if (!twilio::verify_webhook_signature(config_->twilio.auth_token, url,
                                        config_->twilio.url_fragment, parsed->pairs(),
                                        sig_header->value())) {
    return refusal{front_errc::bad_signature, "bad X-Twilio-Signature"};
  }
  return std::nullopt;
}

/// GoHighLevel's RSA x-wh-signature with the configured public key, or the
/// shared-secret HMAC, over the raw body.
std::optional<refusal> request_auth::crm(const request& req) const {
  const auto& cfg = config_->crm;
  const auto rsa = req.find(crm::rsa_header);
  const auto hmac = req.find(crm::hmac_header);
  std::string problem;
  if (rsa != req.end() && crm_key_) {
    problem = crm_key_->verify(req.body(), rsa->value()) ? "" : "bad x-wh-signature";
  } else if (hmac != req.end() && !cfg.secret.empty()) {
    problem = crm::verify_hmac(cfg.secret, req.body(), hmac->value()) ? "" : "bad X-CRM-Signature";
  } else if (!crm_key_ && cfg.secret.empty()) {
    problem = "CRM webhooks are not configured (crm.secret / crm.public_key)";
  } else {
    problem = "missing signature (X-CRM-Signature or x-wh-signature)";
  }
  if (problem.empty()) {
    return std::nullopt;
  }
  return refusal{front_errc::bad_signature, std::move(problem)};
}

std::optional<refusal> request_auth::bearer(const request& req) const {
  const auto& token = config_->server.admin_token;
  const auto auth = req[bhttp::field::authorization];
  constexpr std::string_view scheme = "Bearer ";
  if (token.empty() || !auth.starts_with(scheme) ||
      !same_secret(auth.substr(scheme.size()), token)) {
    return refusal{front_errc::unauthorized,
                   token.empty() ? "admin token not configured" : "bad bearer token"};
  }
  return std::nullopt;
}

}  // namespace openhouse::http
