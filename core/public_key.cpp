#include "core/public_key.hpp"

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <vector>

namespace openhouse::crm {

namespace {

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

}  // namespace

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

}  // namespace openhouse::crm
