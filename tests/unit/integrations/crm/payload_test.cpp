#include "integrations/crm/payload.hpp"

#include <catch2/catch.hpp>

using namespace openhouse::crm;

TEST_CASE("timestamps: ISO 8601 with zone, epoch seconds and milliseconds", "[crm][payload]") {
  struct row {
    const char* text;
    std::optional<std::int64_t> ms;
  };
  const std::vector<row> rows{
      {"2025-01-28T14:35:00Z", 1738074900000},
      {"2025-01-28T14:35:00.250Z", 1738074900250},
      {"2025-01-28T16:35:00+02:00", 1738074900000},
      {"2025-01-28T09:35:00-05:00", 1738074900000},
      {"1738074900", 1738074900000},
      {"1738074900250", 1738074900250},
      {"2025-02-30T00:00:00Z", std::nullopt},
      {"2025-01-28 14:35", std::nullopt},
      {"yesterday", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(parse_timestamp_ms(r.text) == r.ms);
  }
}

TEST_CASE("a GoHighLevel InboundMessage parses into an SMS for the bots", "[crm][payload]") {
  const auto p = parse_webhook(R"({
    "type": "InboundMessage", "locationId": "loc1", "contactId": "c1",
    "conversationId": "conv1", "messageId": "msg1", "body": "Is it still available?",
    "direction": "inbound", "messageType": "SMS", "phone": "+19095551234",
    "dateAdded": "2025-01-28T14:35:00.000Z", "contentType": "text/plain",
    "attachments": [], "status": "delivered",
    "webhookId": "wh1", "timestamp": "2025-01-28T14:35:01.000Z"})");
  INFO((p ? "" : p.error().message));
  REQUIRE(p);
  const auto& m = std::get<inbound_message>(*p);
  CHECK(m.meta.type == "InboundMessage");
  CHECK(m.meta.webhook_id == "wh1");
  CHECK(m.meta.timestamp_ms == 1738074901000);
  CHECK(m.meta.location_id == "loc1");
  CHECK(m.message_id == "msg1");
  CHECK(m.phone == "+19095551234");
  CHECK(m.body == "Is it still available?");
  CHECK(m.for_bots());
}

TEST_CASE("outbound or non-SMS messages are valid but not for the bots", "[crm][payload]") {
  const auto outbound = parse_webhook(
      R"({"type":"InboundMessage","messageId":"m","direction":"outbound","messageType":"SMS",)"
      R"("webhookId":"w","timestamp":1738074900})");
  REQUIRE(outbound);
  CHECK_FALSE(std::get<inbound_message>(*outbound).for_bots());
  const auto email = parse_webhook(
      R"({"type":"InboundMessage","messageId":"m","direction":"inbound","messageType":"Email",)"
      R"("webhookId":"w","timestamp":1738074900})");
  REQUIRE(email);
  CHECK_FALSE(std::get<inbound_message>(*email).for_bots());
}

TEST_CASE("ContactTagUpdate carries the whole tag list; ContactUpdate the custom fields",
          "[crm][payload]") {
  const auto tags = parse_webhook(
      R"({"type":"ContactTagUpdate","locationId":"loc1","id":"c1","phone":"+19095551234",)"
      R"("tags":["Hot-Lead","vip"],"webhookId":"w1","timestamp":"2025-01-28T14:35:00Z"})");
  INFO((tags ? "" : tags.error().message));
  REQUIRE(tags);
  const auto& t = std::get<contact_change>(*tags);
  CHECK(t.contact_id == "c1");
  REQUIRE(t.tags);
  CHECK(*t.tags == std::vector<std::string>{"Hot-Lead", "vip"});
  CHECK(t.fields.empty());

  const auto fields = parse_webhook(
      R"({"type":"ContactUpdate","id":"c1","phone":"+19095551234",)"
      R"("customData":{"budget":"$600k","pre_approved":true,"bedrooms":3,"timeline":null},)"
      R"("customFields":[{"id":"abc","value":"x"},{"fieldKey":"contact.areas","value":["Riverside","Corona"]}],)"
      R"("webhookId":"w2","timestamp":"2025-01-28T14:35:00Z"})");
  INFO((fields ? "" : fields.error().message));
  REQUIRE(fields);
  const auto& f = std::get<contact_change>(*fields);
  CHECK_FALSE(f.tags);
  const std::map<std::string, std::string> expected{{"budget", "$600k"},
                                                    {"pre_approved", "true"},
                                                    {"bedrooms", "3"},
                                                    {"timeline", ""},
                                                    {"contact.areas", "Riverside, Corona"}};
  CHECK(f.fields == expected);  // the field named only by its id is skipped
}

TEST_CASE("malformed payloads and unknown types are refused with a reason", "[crm][payload]") {
  const std::string ok_meta = R"("webhookId":"w","timestamp":"2025-01-28T14:35:00Z")";
  struct row {
    const char* name;
    std::string body;
    std::string error_part;
    bool unknown_type = false;
  };
  const std::vector<row> rows{
      {"not JSON", "{nope", "JSON object"},
      {"an array", "[]", "JSON object"},
      {"no type", "{" + ok_meta + "}", "\"type\""},
      {"unknown type", R"({"type":"OpportunityCreate",)" + ok_meta + "}", "unsupported", true},
      {"no webhookId",
       R"({"type":"ContactTagUpdate","phone":"+19095551234","tags":[],"timestamp":1})",
       "webhookId"},
      {"no timestamp",
       R"({"type":"ContactTagUpdate","phone":"+19095551234","tags":[],"webhookId":"w"})",
       "timestamp"},
      {"bad timestamp",
       R"({"type":"ContactTagUpdate","phone":"+19095551234","tags":[],"webhookId":"w","timestamp":"soon"})",
       "timestamp"},
      {"tags missing", R"({"type":"ContactTagUpdate","phone":"+19095551234",)" + ok_meta + "}",
       "tags"},
      {"tags not strings",
       R"({"type":"ContactTagUpdate","phone":"+19095551234","tags":[1],)" + ok_meta + "}", "tags"},
      {"phone not E.164",
       R"({"type":"ContactTagUpdate","phone":"909-555-1234","tags":[],)" + ok_meta + "}", "E.164"},
      {"no phone", R"({"type":"ContactUpdate",)" + ok_meta + "}", "phone"},
      {"customData not an object",
       R"({"type":"ContactUpdate","phone":"+19095551234","customData":[1],)" + ok_meta + "}",
       "customData"},
      {"inbound SMS without messageId",
       R"({"type":"InboundMessage","direction":"inbound","phone":"+19095551234",)" + ok_meta + "}",
       "messageId"},
      {"inbound SMS without phone",
       R"({"type":"InboundMessage","messageId":"m","direction":"inbound","messageType":"SMS",)" +
           ok_meta + "}",
       "phone"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    const auto p = parse_webhook(r.body);
    CHECK_FALSE(p);
    CHECK(p.error().unknown_type == r.unknown_type);
    CHECK_THAT(p.error().message, Catch::Contains(r.error_part));
  }
}

TEST_CASE("webhook text is repaired: ill-formed UTF-8 becomes U+FFFD, NUL is dropped",
          "[crm][payload]") {
  // \xE9 is a Latin-1 byte inside a JSON string; \u0000 and \u001b are escapes.
  const std::string body =
      "{\"type\":\"InboundMessage\",\"webhookId\":\"wh-9\",\"timestamp\":1738074900,"
      "\"messageId\":\"m-9\",\"direction\":\"inbound\",\"messageType\":\"SMS\","
      "\"phone\":\"+19095550142\",\"body\":\"open house S\xE9sam\\u0000e St \\u001bsat?\"}";
  const auto p = openhouse::crm::parse_webhook(body);
  REQUIRE(p);
  const auto& m = std::get<openhouse::crm::inbound_message>(*p);
  CHECK(m.body == "open house S\xEF\xBF\xBDsame St sat?");

  const std::string tags =
      "{\"type\":\"ContactTagUpdate\",\"webhookId\":\"wh-10\",\"timestamp\":1738074900,"
      "\"phone\":\"+19095550142\",\"tags\":[\"vip\\u0000\",\"hot\xFF\"],"
      "\"customData\":{\"note\\u0007\":\"gate code\\u0000 4411\"}}";
  const auto t = openhouse::crm::parse_webhook(tags);
  REQUIRE(t);
  const auto& c = std::get<openhouse::crm::contact_change>(*t);
  REQUIRE(c.tags);
  CHECK(*c.tags == std::vector<std::string>{"vip", "hot\xEF\xBF\xBD"});
  CHECK(c.fields.at("note") == "gate code 4411");

  // A required field that is only a NUL is empty once cleaned: refused.
  const std::string empty_id =
      "{\"type\":\"InboundMessage\",\"webhookId\":\"\\u0000\",\"timestamp\":1738074900,"
      "\"messageId\":\"m-11\",\"direction\":\"inbound\",\"phone\":\"+19095550142\"}";
  CHECK_FALSE(openhouse::crm::parse_webhook(empty_id));

  // Outside a string, a repaired byte is still not JSON.
  const auto broken = openhouse::crm::parse_webhook("{\"type\":\xFF}");
  REQUIRE_FALSE(broken);
  CHECK_THAT(broken.error().message, Catch::Contains("JSON object"));
}
