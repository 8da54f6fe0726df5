#pragma once

#include "config/market.hpp"
#include "core/type_ids.hpp"
#include "integrations/postgres/outbox.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>

namespace openhouse::runtime {

/// Errors of the persistence domain (category "store").
enum class store_errc : std::uint8_t {
  unavailable = 1,  ///< no connection to PostgreSQL; retry later
  query_failed,     ///< the statement failed
  overloaded,       ///< storage.write_queue writes wait already; retry later
};

/// The CAF error category of store_errc.
inline constexpr caf::atom_value store_error_category = caf::atom("store");

caf::error make_error(store_errc code, std::string message = {});

/// The name of a code, for logs and rendered errors.
std::string_view to_string(store_errc code);

/// PostgreSQL behind an actor interface. Each worker is a detached actor that
/// owns one connection, so libpqxx never blocks an event-based actor.
using store_actor =
    caf::typed_actor<caf::replies_to<record_inbound_atom, inbound_sms, bool>::with<inbound_record>,
                     caf::replies_to<record_reply_atom, outbound_reply>::with<reply_record>,
                     caf::replies_to<load_atom, std::string>::with<conversation_snapshot>,
                     caf::replies_to<ping_atom>::with<bool>,
                     caf::replies_to<release_atom, std::string>::with<bool>,
                     /// Gives a lead's lease back (a turn that ended without a reply).
                     caf::replies_to<unlease_atom, std::string, std::int64_t>::with<bool>,
                     /// The new crm_version, or 0 when the webhookId was applied before.
                     caf::replies_to<record_crm_atom, crm_write>::with<std::int64_t>,
                     /// True when the webhookId was applied before (by any node).
                     caf::replies_to<crm_seen_atom, std::string>::with<bool>,
                     /// The lead's state and turns with their provenance (found: false
                     /// for an unknown lead).
                     caf::replies_to<transcript_atom, std::string>::with<agents::lead_transcript>>;

/// The store: the turns' writes (record_inbound, record_reply) go to one
/// batch writer (runtime/store_writer), which commits the writes of
/// concurrent turns together; while `settings.write_queue` of them are queued
/// or in flight, a new one is refused at once (store_errc::overloaded, a 503
/// for the webhook). The rest goes to `settings.db_workers` detached workers
/// behind one round-robin handle. Per-contact ordering is kept by the
/// conversation actor, which waits for each answer before it sends the next
/// request.
/// `outbox`: what each reply writes into the outbox (default: nothing).
/// `turn_lease`: how long a node holds an inbound message it answers
/// (runtime.turn_lease).
store_actor spawn_store_pool(caf::actor_system& sys, const config::storage_settings& settings,
                             const std::string& market, std::size_t history_limit,
                             postgres::outbox_policy outbox = {},
                             std::chrono::milliseconds turn_lease = std::chrono::seconds{15});

}  // namespace openhouse::runtime
