#include "integrations/crm/signature.hpp"
#include "tests/support/crm_keys.hpp"

#include <catch2/catch.hpp>

using namespace openhouse::crm;
namespace keys = openhouse::test::crm_keys;

TEST_CASE("HMAC-SHA256 hex matches RFC 4231 test case 2", "[crm][signature]") {
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("HMAC verification accepts only the right signature of the raw body",
          "[crm][signature]") {
  const std::string body = R"({"type":"ContactTagUpdate","tags":["Hot-Lead"]})";
  const auto good = hmac_sha256_hex("s3cret", body);
  std::string upper = good;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  struct row {
    const char* name;
    std::string secret, body, provided;
    bool valid;
  };
  const std::vector<row> rows{
      {"the signature", "s3cret", body, good, true},
      {"with the sha256= prefix", "s3cret", body, "sha256=" + good, true},
      {"upper-case hex", "s3cret", body, upper, true},
      {"another secret", "other", body, good, false},
      {"a changed body", "s3cret", body + " ", good, false},
      {"a truncated signature", "s3cret", body, good.substr(2), false},
      {"not hex", "s3cret", body, std::string(64, 'z'), false},
      {"empty", "s3cret", body, "", false},
      {"an unset secret never verifies", "", body, hmac_sha256_hex("", body), false},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(verify_hmac(r.secret, r.body, r.provided) == r.valid);
  }
}

TEST_CASE("RSA-SHA256 x-wh-signature verifies with the configured public key", "[crm][signature]") {
  const std::string body = R"({"type":"InboundMessage","messageId":"m1"})";
  const auto sig = rsa_sha256_sign_base64(keys::private_pem, body);
  REQUIRE_FALSE(sig.empty());
  const auto spki = public_key::from_pem(keys::public_pem);
  const auto pkcs1 = public_key::from_pem(keys::public_pkcs1_pem);
  const auto other = public_key::from_pem(keys::other_public_pem);
  REQUIRE(spki);
  REQUIRE(pkcs1);
  REQUIRE(other);
  CHECK(spki->verify(body, sig));
  CHECK(pkcs1->verify(body, sig));
  CHECK_FALSE(other->verify(body, sig));
  CHECK_FALSE(spki->verify(body + " ", sig));
  CHECK_FALSE(spki->verify(body, "not base64!"));
  CHECK_FALSE(spki->verify(body, ""));
  CHECK_FALSE(spki->verify(body, sig.substr(4)));
}

TEST_CASE("a PEM that holds no public key is refused", "[crm][signature]") {
  CHECK_FALSE(public_key::from_pem(""));
  CHECK_FALSE(public_key::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
  CHECK_FALSE(public_key::from_pem("/etc/hostname"));
}
