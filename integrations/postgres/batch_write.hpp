#pragma once

#include "core/messages.hpp"

#include <variant>

namespace openhouse::postgres {

/// An inbound message to record (store::record_inbound's arguments).
struct inbound_write {
  runtime::inbound_sms msg;
  bool takes_lease = false;
};

/// One write of a batch (store::record_batch): an inbound message or a reply
/// with the state after its turn.
using batch_write = std::variant<inbound_write, runtime::outbound_reply>;

/// What one write of a batch answers, in the order of the writes: an
/// inbound_record for an inbound_write, a reply_record for a reply.
using batch_outcome = std::variant<runtime::inbound_record, runtime::reply_record>;

}  // namespace openhouse::postgres
