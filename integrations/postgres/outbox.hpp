#pragma once

#include "agents/outbox_retry.hpp"
#include "config/market.hpp"
#include "core/messages.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// The persisted outbox: REST SMS sends and CRM writes, written in the
/// transaction of the reply they belong to (postgres::store::record_reply)
/// and sent exactly once by the outbox workers of every node.
namespace openhouse::postgres {

class connection;

/// What a reply puts into the outbox, from the market's configuration.
struct outbox_policy {
  bool sms = false;             ///< twilio.mode is rest: the reply goes out as an outbox row
  std::string from;             ///< the brokerage's number (market.phone_number)
  std::string status_callback;  ///< twilio.status_callback ("" : none)
  bool crm = false;             ///< crm.base_url is set: tags and notes go to the CRM
};

/// The policy of `cfg`.
[[nodiscard]] outbox_policy outbox_policy_of(const config::market_config& cfg);

/// Whether a reply can queue any row under `policy`. When it cannot (TwiML
/// replies, no CRM), a turn leaves the outbox as it was, so nothing needs to
/// wake its worker: that would cost a claim query per message for nothing.
[[nodiscard]] bool replies_queue_rows(const outbox_policy& policy);

/// One row to insert. kind: sms | crm_tags | crm_note.
struct outbox_item {
  std::string kind;
  std::string key;  ///< unique per market; also the provider's idempotency token
  std::string contact;
  std::string payload;  ///< JSON
};

/// "<kind>:<inbound MessageSid>": the same inbound message always yields the
/// same keys, so a redelivery can add no row.
[[nodiscard]] std::string outbox_key(std::string_view kind, std::string_view inbound_sid);

/// The rows of one reply: the SMS itself (REST mode, non-empty body), the
/// temperature tags when the temperature changed, a note for the agent when
/// the turn escalated, one when the lead asked for a tour or a valuation and
/// one when the lead became Hot and stays with the bots (CRM configured).
[[nodiscard]] std::vector<outbox_item> outbox_items(const runtime::outbound_reply& reply,
                                                    const outbox_policy& policy);

/// A claimed row.
struct outbox_row {
  std::int64_t id = 0;
  std::string kind;
  std::string key;
  std::string contact;
  std::string payload;
  int attempts = 0;  ///< made before this one
};

/// The error of an SMS row not sent because its lead opted out after it
/// was queued.
inline constexpr std::string_view suppressed_error = "suppressed: opted out";

/// What one attempt did, recorded with the row.
struct attempt_record {
  runtime::attempt_update update;
  std::string provider_id;  ///< the provider's id of what was created ("SM..."), if any
  std::string error;        ///< the last failure, for the operator
};

/// The worker's side of the outbox: one connection, blocking (libpqxx), used
/// only from the detached outbox worker and from tests.
class outbox {
 public:
  outbox(std::string database_url, std::string market);
  ~outbox();
  outbox(const outbox&) = delete;
  outbox& operator=(const outbox&) = delete;

  /// Claims the oldest due row of the market (pending, next_attempt_at <=
  /// now) with FOR UPDATE SKIP LOCKED, so no two workers (on any node) ever
  /// hold the same row, calls `send` while holding it and records the result
  /// in the same transaction. A crash before the commit leaves the row
  /// pending: it is sent again with the same idempotency token. nullopt when
  /// nothing is due. Throws postgres::unavailable when the database is gone.
  std::optional<std::pair<outbox_row, attempt_record>> send_next(
      std::int64_t now_ms, const std::function<attempt_record(const outbox_row&)>& send);

  /// A Twilio delivery report for the SMS sent as `message_sid`: moves the
  /// row's (and the outbound message's) status forward. False when no SMS of
  /// this market was sent as that sid (nothing changes).
  bool record_delivery(const std::string& message_sid, const std::string& status);

 private:
  std::unique_ptr<connection> db_;  ///< opened lazily, statements prepared
  std::string market_;
};

}  // namespace openhouse::postgres
