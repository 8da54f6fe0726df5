#include "integrations/twilio/signature.hpp"

#include <catch2/catch.hpp>

using openhouse::twilio::compute_signature;
using openhouse::twilio::verify_signature;

// Vectors from Twilio's documentation ("Validating requests") and the request
// validator tests of Twilio's own helper libraries.
TEST_CASE("signature matches Twilio's documented example", "[twilio][signature]") {
  const std::vector<openhouse::twilio::param> params{{"CallSid", "CA1234567890ABCDE"},
                                                     {"Caller", "+12349013030"},
                                                     {"Digits", "1234"},
                                                     {"From", "+12349013030"},
                                                     {"To", "+18005551212"}};
  const auto url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  CHECK(compute_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
  CHECK(verify_signature("12345", url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
}

TEST_CASE("signature of an SMS webhook from Twilio's validator tests", "[twilio][signature]") {
  // Deliberately unsorted: the signer sorts by name.
  const std::vector<openhouse::twilio::param> params{
      {"ToState", "CA"},
      {"FromState", "CA"},
      {"AccountSid", "ACba8bc05eacf94afdae398e642c9cc32d"},
      {"SmsMessageSid", "SM2003cbd5e6a3701999aa3e5f20ff2787"},
      {"Body", "Orly"},
      {"From", "+14159354345"},
      {"FromCity", "SAN FRANCISCO"},
      {"SmsStatus", "received"},
      {"FromZip", "94107"},
      {"FromCountry", "US"},
      {"To", "+14158141819"},
      {"ToCity", "SAN FRANCISCO"},
      {"ToZip", "94105"},
      {"ToCountry", "US"},
      {"ApiVersion", "2010-04-01"},
      {"SmsSid", "SM2003cbd5e6a3701999aa3e5f20ff2787"}};
  CHECK(compute_signature("2bd9e9638872de601313dc77410d3b23",
                          "http://twiliotests.heroku.com/validate/sms",
                          params) == "mxeiv65lEe0b8L6LdVw2jgJi8yw=");
}

TEST_CASE("signature verification rejects tampering", "[twilio][signature]") {
  const std::vector<openhouse::twilio::param> params{{"Body", "hi"}, {"From", "+15555550100"}};
  const auto good = compute_signature("token", "https://example.com/sms", params);
  CHECK(verify_signature("token", "https://example.com/sms", params, good));
  CHECK_FALSE(verify_signature("other", "https://example.com/sms", params, good));
  CHECK_FALSE(verify_signature("token", "https://example.com/sms2", params, good));
  CHECK_FALSE(verify_signature("token", "https://example.com/sms",
                               {{"Body", "hi!"}, {"From", "+15555550100"}}, good));
  CHECK_FALSE(verify_signature("token", "https://example.com/sms", params, ""));
  CHECK_FALSE(verify_signature("token", "https://example.com/sms", params, good.substr(1)));
}

TEST_CASE("repeated parameter names are all signed, in sorted order", "[twilio][signature]") {
  const auto a = compute_signature("t", "https://x.test/", {{"M", "2"}, {"M", "1"}, {"A", "z"}});
  const auto b = compute_signature("t", "https://x.test/", {{"A", "z"}, {"M", "1"}, {"M", "2"}});
  CHECK(a == b);
  CHECK(a != compute_signature("t", "https://x.test/", {{"A", "z"}, {"M", "1"}}));
}

TEST_CASE("a webhook URL with connection overrides verifies with or without the fragment",
          "[twilio][signature]") {
  using openhouse::twilio::verify_webhook_signature;
  // The overrides are a URL fragment: the node never sees them in the request.
  const std::vector<openhouse::twilio::param> params{{"Body", "is the pool heated?"},
                                                     {"From", "+19515550142"},
                                                     {"MessageSid", "SM" + std::string(32, '7')}};
  const std::string url = "https://hooks.example.org/webhooks/twilio/sms";
  const std::string overrides = "#rc=3&rp=ct,rt,5xx";
  const auto over_bare_url = compute_signature("tok", url, params);
  const auto over_full_url = compute_signature("tok", url + overrides, params);
  REQUIRE(over_bare_url != over_full_url);

  CHECK(verify_webhook_signature("tok", url, overrides, params, over_bare_url));
  CHECK(verify_webhook_signature("tok", url, overrides, params, over_full_url));
  // Without the fragment configured, only the URL the request shows counts.
  CHECK(verify_webhook_signature("tok", url, "", params, over_bare_url));
  CHECK_FALSE(verify_webhook_signature("tok", url, "", params, over_full_url));
  // Other overrides, another token or a changed field still fail.
  CHECK_FALSE(verify_webhook_signature("tok", url, "#rc=2", params, over_full_url));
  CHECK_FALSE(verify_webhook_signature("other", url, overrides, params, over_full_url));
  auto changed = params;
  changed[0].second = "is the pool heated??";
  CHECK_FALSE(verify_webhook_signature("tok", url, overrides, changed, over_full_url));
}
