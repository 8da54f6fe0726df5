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

std::optional<std::vector<unsigned char>> from_base64(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ') {
      clean.push_back(c);
    }
  }
  if (clean.empty() || clean.size() % 4 != 0) {
    return std::nullopt;
  }
  std::vector<unsigned char> out(clean.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0) {
    return std::nullopt;
  }
  // EVP_DecodeBlock counts padding as zero bytes.
  std::size_t len = static_cast<std::size_t>(n);
  for (std::size_t i = clean.size(); i > 0 && clean[i - 1] == '=' && len > 0; --i) {
    --len;
  }
  out.resize(len);
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

void public_key::deleter::operator()(void* key) const {
  EVP_PKEY_free(static_cast<EVP_PKEY*>(key));
}

std::optional<public_key> public_key::from_pem(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free};
  if (!bio) {
    return std::nullopt;
  }
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) {
    ERR_clear_error();  // the first reader's failure is expected, not news for later callers
    // "BEGIN RSA PUBLIC KEY" (PKCS#1) is the other form keys are handed out in.
    std::unique_ptr<OSSL_DECODER_CTX, decltype(&OSSL_DECODER_CTX_free)> dctx{
        OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, "RSA", EVP_PKEY_PUBLIC_KEY, nullptr,
                                      nullptr),
        &OSSL_DECODER_CTX_free};
    const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
    std::size_t len = pem.size();
    if (!dctx || OSSL_DECODER_from_data(dctx.get(), &data, &len) != 1 || key == nullptr) {
      EVP_PKEY_free(key);
      ERR_clear_error();
      return std::nullopt;
    }
  }
  return public_key{key};
}

bool public_key::verify(std::string_view body, std::string_view signature_base64) const {
  const auto sig = from_base64(signature_base64);
  if (!sig || sig->empty()) {
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                                   static_cast<EVP_PKEY*>(key_.get())) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), sig->data(), sig->size(),
                          reinterpret_cast<const unsigned char*>(body.data()), body.size()) == 1;
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
