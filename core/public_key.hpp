#pragma once

#include <memory>
#include <optional>
#include <string_view>

// The PEM public key CRM webhooks are verified with
// (integrations/crm/signature), apart from it because the config loader
// checks keys and sits below the integrations.
namespace openhouse::crm {

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

}  // namespace openhouse::crm
