#include "integrations/crm/signature.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <array>
#include <vector>

namespace openhouse::crm {

namespace {

std::optional<std::vector<unsigned char>> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return std::nullopt;
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<unsigned char> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

std::string to_base64(const unsigned char* data, std::size_t len) {
  std::string out(4 * ((len + 2) / 3), '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::array<unsigned char, EVP_MAX_MD_SIZE> hmac(std::string_view secret, std::string_view body,
                                                unsigned int& len) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac.data(), &len);
  return mac;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view secret, std::string_view body) {
  unsigned int len = 0;
  const auto mac = hmac(secret, body, len);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(digits[mac[i] >> 4]);
    out.push_back(digits[mac[i] & 0x0f]);
  }
  return out;
}

bool verify_hmac(std::string_view secret, std::string_view body, std::string_view provided) {
  if (secret.empty()) {
    return false;  // an unset secret must not make "" a valid key
  }
  if (provided.starts_with("sha256=")) {
    provided.remove_prefix(7);
  }
  const auto given = from_hex(provided);
  unsigned int len = 0;
  const auto mac = hmac(secret, body, len);
  // The length is public (always 32); the bytes are compared in constant time.
  return given && given->size() == len && CRYPTO_memcmp(given->data(), mac.data(), len) == 0;
}

std::string rsa_sha256_sign_base64(std::string_view private_key_pem, std::string_view body) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), &BIO_free};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr,
      &EVP_PKEY_free};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  if (!key || !ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    return {};
  }
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(body.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data, body.size()) != 1) {
    return {};
  }
  std::vector<unsigned char> sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data, body.size()) != 1) {
    return {};
  }
  return to_base64(sig.data(), len);
}

}  // namespace openhouse::crm
