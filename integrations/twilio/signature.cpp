#include "integrations/twilio/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>

namespace openhouse::twilio {

namespace {

std::string base64(const unsigned char* data, std::size_t len) {
  std::string out(4 * ((len + 2) / 3), '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

}  // namespace

std::string compute_signature(std::string_view auth_token, std::string_view url,
                              std::vector<param> params) {
  std::sort(params.begin(), params.end());
  params.erase(std::unique(params.begin(), params.end()), params.end());
  std::string data{url};
  for (const auto& [name, value] : params) {
    data += name;
    data += value;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &mac_len);
  return base64(mac.data(), mac_len);
}

bool verify_signature(std::string_view auth_token, std::string_view url, std::vector<param> params,
                      std::string_view provided) {
  const auto expected = compute_signature(auth_token, url, std::move(params));
  // Length is not secret (always 28 for SHA-1); the bytes are compared in constant time.
  return provided.size() == expected.size() &&
         CRYPTO_memcmp(provided.data(), expected.data(), expected.size()) == 0;
}

bool verify_webhook_signature(std::string_view auth_token, std::string_view url,
                              std::string_view fragment, const std::vector<param>& params,
                              std::string_view provided) {
  if (verify_signature(auth_token, url, params, provided)) {
    return true;
  }
  return !fragment.empty() &&
         verify_signature(auth_token, std::string{url} + std::string{fragment}, params, provided);
}

}  // namespace openhouse::twilio
