#pragma once

#include "agents/scoring.hpp"
#include "config/market.hpp"
#include "integrations/http/outbound_client.hpp"

#include <string>
#include <string_view>
#include <vector>

/// Outbound calls to the CRM's REST API (GoHighLevel-style): temperature tags
/// and notes for the agent. Plain functions building the requests the outbox
/// worker sends; the contact is addressed by its E.164 number.
namespace openhouse::crm {

/// Tags to add to and remove from a contact.
struct tag_sync {
  std::vector<std::string> add;
  std::vector<std::string> remove;
};

/// The temperature tag of `t` added, the other two removed (stale ones go).
[[nodiscard]] tag_sync temperature_tags(agents::temperature t);

/// {"add":[..],"remove":[..]}: the outbox row's payload.
[[nodiscard]] std::string to_json(const tag_sync& tags);

/// Parses to_json's output; nullopt-like empty sync on malformed input.
[[nodiscard]] tag_sync tag_sync_from_json(std::string_view json);

/// `{base}/contacts/{url-encoded contact}`.
[[nodiscard]] std::string contact_url(std::string_view base, std::string_view contact);

/// POST {contact}/tags {"tags":[add..]} then DELETE {contact}/tags
/// {"tags":[remove..]}; an empty side is left out. Each carries a bearer
/// token and an Idempotency-Key derived from `key` (":add", ":remove").
[[nodiscard]] std::vector<http::outbound_request> tag_requests(const config::crm_settings& crm,
                                                               std::string_view contact,
                                                               const tag_sync& tags,
                                                               std::string_view key);

/// POST {contact}/notes {"body": body}, bearer token, Idempotency-Key `key`.
[[nodiscard]] http::outbound_request note_request(const config::crm_settings& crm,
                                                  std::string_view contact, std::string_view body,
                                                  std::string_view key);

/// The exchange logged in the contact's CRM conversation, so the agent sees
/// what the lead wrote and what the bot answered: POST {contact}/messages
/// {"direction":"inbound"|"outbound","body":..}, one request per non-empty
/// side, Idempotency-Key `key` + ":in" / ":out".
[[nodiscard]] std::vector<http::outbound_request> message_requests(const config::crm_settings& crm,
                                                                   std::string_view contact,
                                                                   std::string_view inbound,
                                                                   std::string_view reply,
                                                                   std::string_view key);

}  // namespace openhouse::crm
