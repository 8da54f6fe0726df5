#pragma once

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

/// An RSA (or any EVP) public key parsed once from PEM text.
class public_key {
 public:
  /// The key of a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) or "RSA PUBLIC KEY"
  /// block; nullopt when the text holds neither.
  [[nodiscard]] static std::optional<public_key> from_pem(std::string_view pem);

  /// True when `signature_base64` is a valid RSA-SHA256 (PKCS#1 v1.5)
  /// signature of `body` by this key. Malformed base64 is simply false.
  [[nodiscard]] bool verify(std::string_view body, std::string_view signature_base64) const;

 private:
  struct deleter {
    void operator()(void* key) const;
  };
  explicit public_key(void* key) : key_(key, deleter{}) {}
  std::shared_ptr<void> key_;  ///< EVP_PKEY; shared so copies are cheap and thread-safe to use
};

/// Signs `body` with a PEM private key, RSA-SHA256, base64: what HighLevel
/// does. For tests and for tools that stand in for the CRM; empty on error.
[[nodiscard]] std::string rsa_sha256_sign_base64(std::string_view private_key_pem,
                                                 std::string_view body);

}  // namespace openhouse::crm
