#pragma once

#include "config/market.hpp"
#include "integrations/http/outbound_client.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// Twilio's REST API for outbound SMS (twilio.mode: rest): the request the
/// outbox worker sends. Plain functions, tested without a network.
namespace openhouse::twilio {

/// One SMS to send, as the outbox row's payload holds it.
struct sms_send {
  std::string to;    ///< the lead, E.164
  std::string from;  ///< the brokerage's number
  std::string body;
  std::string status_callback;  ///< "" : no delivery reports
};

/// `{api_base}/2010-04-01/Accounts/{account_sid}/Messages.json`.
[[nodiscard]] std::string messages_url(std::string_view api_base, std::string_view account_sid);

/// "Basic " + base64(user:password).
[[nodiscard]] std::string basic_auth(std::string_view user, std::string_view password);

/// An application/x-www-form-urlencoded body, pairs in the given order.
[[nodiscard]] std::string form_encode(
    const std::vector<std::pair<std::string, std::string>>& pairs);

/// POST Messages.json: basic auth (account SID : auth token), form body To,
/// From, Body (+ StatusCallback), and `idempotency_key` as
/// I-Twilio-Idempotency-Token so that a retried send is not a second SMS.
[[nodiscard]] http::outbound_request message_request(const config::twilio_settings& settings,
                                                     const sms_send& sms,
                                                     std::string_view idempotency_key);

/// The created Message's sid ("SM...") in a 2xx answer; "" when absent.
[[nodiscard]] std::string message_sid(std::string_view response_body);

}  // namespace openhouse::twilio
