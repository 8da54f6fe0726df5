#pragma once

#include "core/messages.hpp"
#include "core/transcript.hpp"
#include "integrations/postgres/batch_write.hpp"
#include "integrations/postgres/outbox.hpp"
#include "integrations/postgres/unavailable.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace pqxx {
class transaction_base;
}

/// PostgreSQL persistence. Blocking (libpqxx): used only from detached worker
/// actors (runtime/store_worker) and from command-line tools, never from an
/// event-based actor.
namespace openhouse::postgres {

class connection;

class store {
 public:
  /// Connects lazily: the first call opens the connection, a broken one is
  /// reopened on the next call.
  store(std::string database_url, std::string market);
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  /// Applies every migration not yet applied; returns how many ran. Safe to
  /// run from several processes at once (advisory lock).
  int migrate();

  /// Persists an inbound message (and its contact). Idempotent on the sid.
  /// With `takes_lease`, only together with the lead's lease: when another
  /// node holds it, nothing is recorded and the record says `busy`; a message
  /// answered before is answered from its reply without a lease. Without
  /// (an opt-out, which never waits), the message is recorded at once.
  runtime::inbound_record record_inbound(const runtime::inbound_sms& msg, bool takes_lease = false);

  /// Gives the lead's lease back when its turn ends without a reply (the
  /// reply's write gives it back otherwise).
  void release_lease(const std::string& contact, std::int64_t token);

  /// Persists a reply and the conversation's state after the turn, atomically.
  /// A second reply to the same inbound sid is refused by the schema and
  /// reported as not stored. The reply's outbox rows (outbox_items under the
  /// policy set with set_outbox_policy) are written in the same statement.
  /// Opt-outs hold against every race: a turn that neither opts out nor in
  /// keeps the stored opt-out, and when the lead is opted out its reply is
  /// stored empty and not sent (`suppressed`); a turn that opts out fails
  /// the lead's SMS rows still pending in the outbox.
  runtime::reply_record record_reply(const runtime::outbound_reply& reply);

  /// Records several writes (of different leads' turns) in one transaction,
  /// so that they cost one commit and one WAL flush; answers each, in order.
  /// Each write is decided on its own rows as record_inbound / record_reply
  /// decide it (a duplicate sid, a stale state version, a lease taken by
  /// another node), so none of those fails its neighbours. A statement that
  /// fails (or a lost connection) rolls the whole batch back: nothing of it
  /// is stored, and the exception propagates.
  std::vector<batch_outcome> record_batch(const std::vector<batch_write>& writes);

  /// What record_reply puts into the outbox; the default writes nothing
  /// (TwiML replies, no CRM calls).
  void set_outbox_policy(outbox_policy policy) { outbox_ = std::move(policy); }

  /// How long a lead's lease lasts (runtime.turn_lease): a node that stalls
  /// or dies mid-turn holds the lead at most this long.
  void set_turn_lease(std::chrono::milliseconds lease) { lease_ = lease; }

  /// The conversation as it was left: active bot, turn count, recent history.
  runtime::conversation_snapshot load_conversation(const std::string& contact,
                                                   std::size_t history_limit);

  /// Persists a CRM change and its webhookId in one transaction: the lead's
  /// CRM-owned state (tags, temperature and its override, facts, scores,
  /// mute), the temperature change if any, and the contact's crm_version + 1.
  /// Returns the new crm_version, or 0 when the webhookId was recorded before
  /// (a redelivery: nothing is written).
  std::int64_t record_crm(const runtime::crm_write& change);

  /// True when a CRM webhook with this id was applied before (by any node):
  /// checked before any side effect outside the database (a cache
  /// generation bump), so a redelivery does none.
  bool crm_applied(const std::string& webhook_id);

  /// The lead's state and every turn, oldest first, each reply with its
  /// provenance (and the follow-ups sent to the lead), read in one
  /// snapshot; `found` is false when the market has no lead with that number.
  agents::lead_transcript transcript(const std::string& contact);

  /// True when a trivial query answers.
  bool ping();

  /// A person gives a muted lead back to the bots: clears the mute, the
  /// human flag and the confused-turn count. False when the contact has
  /// no conversation.
  bool release(const std::string& contact);

 private:
  /// record_inbound's statement on `txn`; also answers the contact's id.
  std::pair<runtime::inbound_record, std::int64_t> inbound_on(pqxx::transaction_base& txn,
                                                              const runtime::inbound_sms& msg,
                                                              bool takes_lease);
  /// record_reply's statement on `txn`.
  runtime::reply_record reply_on(pqxx::transaction_base& txn, const runtime::outbound_reply& reply);
  /// Remembers a contact's id once the row that holds it is committed.
  void remember_contact(const std::string& phone, std::int64_t id);

  std::unique_ptr<connection> db_;  ///< opened lazily, statements prepared
  /// Contact ids by phone: contacts are never deleted, so a known id saves
  /// record_inbound the contact upsert (a row write and its lock per message).
  std::unordered_map<std::string, std::int64_t> contact_ids_;
  std::string market_;
  outbox_policy outbox_;
  std::chrono::milliseconds lease_{15000};
};

}  // namespace openhouse::postgres
