#pragma once

#include "core/type_ids.hpp"
#include "integrations/postgres/outbox.hpp"
#include "runtime/write_admission.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace openhouse::runtime {

/// The turns' writes (inbound rows, replies with their state and outbox
/// rows), committed in batches: one transaction, one WAL flush for every
/// write that queued while the previous batch committed. Each answer leaves
/// only after its batch committed. A detached actor with one connection.
using store_writer_actor =
    caf::typed_actor<caf::replies_to<record_inbound_atom, inbound_sms, bool>::with<inbound_record>,
                     caf::replies_to<record_reply_atom, outbound_reply>::with<reply_record>,
                     caf::reacts_to<flush_atom>>;

/// What the batch writer needs.
struct store_writer_settings {
  std::string database_url;
  std::string market;
  postgres::outbox_policy outbox;  ///< what each reply writes into the outbox
  std::chrono::milliseconds turn_lease{15000};
  std::size_t max_batch = 256;  ///< writes per commit at most
  /// Let go of each write once answered (the front admitted it); may be null.
  std::shared_ptr<write_admission> admission;
};

/// Spawns the batch writer.
store_writer_actor spawn_store_writer(caf::actor_system& sys, store_writer_settings settings);

}  // namespace openhouse::runtime
