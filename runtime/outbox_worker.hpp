#pragma once

#include "config/market.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/type_ids.hpp"
#include "integrations/http/outbound_client.hpp"
#include "integrations/postgres/outbox.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <functional>
#include <memory>

namespace openhouse::runtime {

/// The outbox sender of one node: a detached actor (libcurl and libpqxx
/// block) that sends due outbox rows one by one, each claimed with FOR
/// UPDATE SKIP LOCKED so that several nodes share the work without sending a
/// row twice.
///  - `tick`: a row was written, send what is due now;
///  - `(tick, n)`: the poll chain, every outbox.poll (rows a crash left
///    behind, retries whose backoff ended); it re-arms itself;
///  - `(delivery, MessageSid, MessageStatus)`: a Twilio delivery report;
///    false when no SMS was sent as that sid.
using outbox_actor =
    caf::typed_actor<caf::reacts_to<tick_atom>, caf::reacts_to<tick_atom, std::uint64_t>,
                     caf::replies_to<delivery_atom, std::string, std::string>::with<bool>>;

struct outbox_deps {
  std::shared_ptr<const config::market_config> config;
  std::shared_ptr<const clock> time;
  std::shared_ptr<runtime::metrics> metrics;  ///< optional
};

/// Spawns the worker and starts its poll chain.
outbox_actor spawn_outbox_worker(caf::actor_system& sys, outbox_deps deps);

/// Sends one HTTP request; the worker's is libcurl, tests pass a fake.
using http_send = std::function<http::outbound_response(const http::outbound_request&)>;

/// One attempt at `row` at `now_ms`: builds its request(s) from the payload
/// and the config (Twilio Messages.json for sms, CRM tags or notes), sends
/// them in order and decides what becomes of the row (sent, retried after a
/// backoff, failed). A tag sync is sent whole again on a retry: adding or
/// removing a tag twice is the same as once.
[[nodiscard]] postgres::attempt_record attempt(const postgres::outbox_row& row,
                                               const config::market_config& cfg,
                                               std::int64_t now_ms, const http_send& send);

}  // namespace openhouse::runtime
