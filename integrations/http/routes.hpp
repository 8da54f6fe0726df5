#pragma once

#include "config/market.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "core/messages.hpp"
#include "core/metrics.hpp"
#include "core/transcript.hpp"
#include "integrations/http/readiness.hpp"
#include "integrations/http/responder.hpp"
#include "integrations/http/route_table.hpp"
#include "integrations/http/server.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

/// The node's HTTP surface: webhook verification and parsing, health and
/// metrics. Knows nothing of actors: accepted messages go to `submit_sms`.
namespace openhouse::http {

/// The outcome of handing an SMS to the conversations: a result, or why not
/// (answered 503: nothing was stored, the sender may deliver it again).
using submit_outcome = expected<runtime::turn_result, std::string>;

/// An operator's cache invalidation (POST /admin/cache/invalidate), validated.
struct cache_invalidation {
  std::string scope;    ///< global | market | contact | task | key
  std::string contact;  ///< for contact
  std::string task;     ///< for task
  std::string key;      ///< for key: an entry's digest
};

/// What an invalidation did: the counter's new value, or whether the key existed.
struct invalidation_done {
  std::uint64_t generation = 0;
  bool existed = false;
};

/// An invalidation's outcome, or why it could not be applied (503).
using invalidation_outcome = expected<invalidation_done, std::string>;

/// Parses and validates the endpoint's JSON body:
/// {"scope": "contact", "contact": "+1..."} | {"scope": "market"} |
/// {"scope": "global"} | {"scope": "task", "task": "faq"} |
/// {"scope": "key", "key": "<64 hex>"}. Unknown fields are refused, like in
/// the configuration. The error is the problem, answered with 400.
[[nodiscard]] expected<cache_invalidation, std::string> parse_invalidation(std::string_view body);

/// The outcome of handing a CRM change to its conversation, or why not (503).
using crm_outcome = expected<runtime::crm_result, std::string>;

struct front_deps {
  std::shared_ptr<const config::market_config> config;
  std::shared_ptr<const runtime::clock> time;
  std::shared_ptr<runtime::metrics> metrics;
  /// Hands an accepted SMS to its conversation; `done` is called once, from any thread.
  std::function<void(runtime::inbound_sms, std::function<void(submit_outcome)> done)> submit_sms;
  /// Hands a CRM change (POST /webhooks/crm) to its contact's conversation;
  /// `done` is called once, from any thread. Unset: the route answers 404.
  std::function<void(runtime::crm_event, std::function<void(crm_outcome)> done)> submit_crm;
  /// The number of this node's market a CRM location belongs to ("" : none,
  /// the webhook is acknowledged and ignored). Unset: every CRM webhook is
  /// `config`'s market's.
  std::function<std::string(std::string_view location_id)> market_number_of_location;
  /// Probes Redis and PostgreSQL; `done` is called once, from any thread.
  std::function<void(std::function<void(readiness)> done)> check_ready;
  /// Set once the node drains (SIGTERM): /readyz answers 503 "draining" at
  /// once, without probing. Null: never.
  std::shared_ptr<const std::atomic<bool>> draining;
  /// Applies an operator's cache invalidation; `done` is called once, from any
  /// thread. Unset: the endpoint answers 404.
  std::function<void(cache_invalidation, std::function<void(invalidation_outcome)> done)>
      invalidate_cache;
  /// Gives a lead escalated to a person back to the bots (POST
  /// /admin/contacts/release); `done(found, error)` once, from any thread.
  /// Unset: the endpoint answers 404.
  std::function<void(std::string contact, std::function<void(bool found, std::string error)> done)>
      release_contact;
  /// Reads a lead's state and turns with each reply's provenance (GET
  /// /admin/contacts/{phone}); `done(transcript, error)` once, from any
  /// thread (transcript.found is false for an unknown lead). Unset: the
  /// route answers 404.
  std::function<void(std::string contact,
                     std::function<void(agents::lead_transcript, std::string error)> done)>
      contact_transcript;
  /// Records a Twilio delivery report (POST /webhooks/twilio/status):
  /// `done(found, error)` once, from any thread; found is false for a sid no
  /// outbox row was sent as. Unset: the route answers 404.
  std::function<void(std::string message_sid, std::string status,
                     std::function<void(bool found, std::string error)> done)>
      record_delivery;
};

/// The node's routes, each listed once with its method, auth and body
/// limit (README's "HTTP routes" table lists the same, checked by a test).
/// A route whose dependency in `deps` is unset is left out: it answers 404.
[[nodiscard]] std::shared_ptr<const route_table> front_routes(front_deps deps);

/// The request handler for http::server: dispatches through `routes` and
/// times each answer in `metrics`, labelled by the route's pattern.
handler make_front(std::shared_ptr<const route_table> routes,
                   std::shared_ptr<runtime::metrics> metrics);

}  // namespace openhouse::http
