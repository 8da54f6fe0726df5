#pragma once

#include "core/expected.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

/// GoHighLevel webhook payloads as the CRM front end accepts them (JSON):
///
/// - `InboundMessage`: {type, locationId, contactId, conversationId,
///   messageId, body, direction ("inbound"), messageType ("SMS"), phone (or
///   from), dateAdded, ...}: a lead's SMS that reached the CRM first. It takes
///   the same path as a Twilio SMS, idempotent on messageId.
/// - `ContactTagUpdate`: {type, locationId, id (or contactId), phone, tags:
///   [..]}: the contact's *whole* tag list after the change.
/// - `ContactUpdate`: {type, locationId, id, phone, customData: {key: value}
///   and/or customFields: [{fieldKey|key|name, value}], tags?}: a person's
///   edits of custom fields (and the tag list, when sent).
///
/// Every payload also carries `webhookId` (the idempotency and replay key) and
/// `timestamp` (ISO 8601, or epoch seconds/milliseconds) for the replay window.
/// The contact is the E.164 phone number: that is how the runtime knows leads.
namespace openhouse::crm {

/// What every accepted payload carries.
struct delivery {
  std::string type;        ///< the GoHighLevel event type
  std::string webhook_id;  ///< unique per event; the same on every redelivery
  std::int64_t timestamp_ms = 0;
  std::string location_id;  ///< may be empty
};

struct inbound_message {
  delivery meta;
  std::string message_id;  ///< the idempotency key of the SMS (plays Twilio's MessageSid)
  std::string contact_id;  ///< the CRM's id of the contact (informational)
  std::string conversation_id;
  std::string phone;  ///< E.164: the contact as the runtime knows it
  std::string body;
  std::string direction;     ///< "inbound" | "outbound"
  std::string message_type;  ///< "SMS", "Email", ...
  /// Only inbound SMS go to the bots; anything else is acknowledged and ignored.
  [[nodiscard]] bool for_bots() const;
};

struct contact_change {
  delivery meta;
  std::string contact_id;
  std::string phone;  ///< E.164
  /// The complete tag list after the change; nullopt when the payload has none.
  std::optional<std::vector<std::string>> tags;
  /// Custom fields by key as sent (string values; null or "" clears).
  std::map<std::string, std::string> fields;
};

using webhook = std::variant<inbound_message, contact_change>;

/// Why a webhook body was not accepted: refused with 400, unless only its
/// event type is not handled (acknowledged and ignored).
struct payload_error {
  std::string message;
  bool unknown_type = false;  ///< the JSON is fine but the event type is not handled
};

/// Parses and validates a webhook body. Text is taken as the runtime stores
/// it (`core::clean_text`): ill-formed UTF-8 becomes U+FFFD, NUL and other
/// control characters but tab, LF and CR are dropped.
[[nodiscard]] expected<webhook, payload_error> parse_webhook(std::string_view body);

/// "2025-01-28T14:35:00Z", "...T14:35:00.123+02:00", or a number: epoch
/// milliseconds when above 1e11, else epoch seconds. Nullopt when unreadable.
[[nodiscard]] std::optional<std::int64_t> parse_timestamp_ms(std::string_view text);

}  // namespace openhouse::crm
