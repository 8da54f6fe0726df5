#pragma once

#include "core/public_key.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

/// Verification of CRM webhook signatures, over the raw request body:
/// - a shared secret: hex(HMAC-SHA256(secret, body)), sent as
///   `X-CRM-Signature: <hex>` (an optional "sha256=" prefix is accepted), the
///   way custom webhook senders (e.g. a GoHighLevel workflow) are set up;
/// - GoHighLevel's own marketplace webhooks: base64(RSA-SHA256 signature) in
///   `x-wh-signature`, checked with the public key HighLevel publishes.
namespace openhouse::crm {

/// The HMAC header's name, as a sender sets it.
inline constexpr std::string_view hmac_header = "X-CRM-Signature";
/// GoHighLevel's RSA signature header.
inline constexpr std::string_view rsa_header = "x-wh-signature";

/// hex(HMAC-SHA256(secret, body)), lower case.
[[nodiscard]] std::string hmac_sha256_hex(std::string_view secret, std::string_view body);

/// True when `provided` (hex, either case, optionally "sha256="-prefixed) is
/// the HMAC of `body`. Compared in constant time; an empty secret never verifies.
[[nodiscard]] bool verify_hmac(std::string_view secret, std::string_view body,
                               std::string_view provided);

/// Signs `body` with a PEM private key, RSA-SHA256, base64: what HighLevel
/// does. For tests and for tools that stand in for the CRM; empty on error.
[[nodiscard]] std::string rsa_sha256_sign_base64(std::string_view private_key_pem,
                                                 std::string_view body);

}  // namespace openhouse::crm
