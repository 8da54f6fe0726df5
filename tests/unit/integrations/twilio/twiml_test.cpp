#include "integrations/twilio/twiml.hpp"

#include <catch2/catch.hpp>

using namespace openhouse::twilio;

TEST_CASE("TwiML replies escape XML", "[twilio][twiml]") {
  CHECK(
      message_response("Hi <Sam> & \"Pat\"") ==
      R"(<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hi &lt;Sam&gt; &amp; &quot;Pat&quot;</Message></Response>)");
  CHECK(empty_response() == R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)");
}
