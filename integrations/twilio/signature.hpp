#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// Twilio request signing (X-Twilio-Signature): base64(HMAC-SHA1(auth_token,
/// url + name1 + value1 + name2 + value2 ...)) with the POST parameters sorted
/// by name (then value, as Twilio's own validators do for repeated names).
namespace openhouse::twilio {

using param = std::pair<std::string, std::string>;

/// The signature Twilio would send for a POST to `url` with `params`.
std::string compute_signature(std::string_view auth_token, std::string_view url,
                              std::vector<param> params);

/// Constant-time comparison of `provided` against the expected signature.
bool verify_signature(std::string_view auth_token, std::string_view url, std::vector<param> params,
                      std::string_view provided);

/// Verifies a webhook whose configured URL may end in Twilio's connection
/// overrides (`fragment`, e.g. "#rc=3&rp=ct,rt,5xx", or "" for none). The
/// fragment never reaches the server, so `url` (what the request shows) lacks
/// it; a signature over `url` or over `url + fragment` is accepted, whichever
/// of the two Twilio signs.
bool verify_webhook_signature(std::string_view auth_token, std::string_view url,
                              std::string_view fragment, const std::vector<param>& params,
                              std::string_view provided);

}  // namespace openhouse::twilio
