#pragma once

#include "config/market.hpp"
#include "integrations/crm/signature.hpp"
#include "integrations/http/responder.hpp"
#include "integrations/http/route_table.hpp"
#include "integrations/http/server.hpp"

#include <memory>
#include <optional>

namespace openhouse::http {

/// The node's three ways of authenticating a caller (route_auth), with the
/// market's secrets: Twilio's signature, the CRM's, the admin bearer token.
class request_auth {
 public:
  explicit request_auth(std::shared_ptr<const config::market_config> config);

  /// nullopt when `req` passes `how`; otherwise why not (401, 403, or 400
  /// for a Twilio body that is not a form, since no signature covers it).
  [[nodiscard]] std::optional<refusal> check(route_auth how, const request& req) const;

 private:
  [[nodiscard]] std::optional<refusal> twilio(const request& req) const;
  [[nodiscard]] std::optional<refusal> crm(const request& req) const;
  [[nodiscard]] std::optional<refusal> bearer(const request& req) const;

  std::shared_ptr<const config::market_config> config_;
  std::optional<crm::public_key> crm_key_;
};

}  // namespace openhouse::http
