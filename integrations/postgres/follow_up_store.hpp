#pragma once

#include "agents/follow_up.hpp"
#include "integrations/postgres/outbox.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace openhouse::postgres {

class connection;

/// A lead that may be due a follow-up: its last message is the bot's.
struct follow_up_candidate {
  std::int64_t contact_id = 0;
  std::string phone;
};

/// What send_follow_up did.
struct follow_up_outcome {
  /// The verdict on the lead as it was under its row lock (send when a
  /// follow-up was written or found written by someone else).
  agents::follow_up_verdict verdict = agents::follow_up_verdict::answered;
  bool written = false;  ///< this call inserted the message and its outbox row(s)
  std::string key;       ///< the SMS outbox key, when the verdict was send
};

/// The follow-up worker's side of PostgreSQL: one connection, blocking
/// (libpqxx), used only from the detached follow-up worker and from tests.
class follow_up_store {
 public:
  /// `policy` says what an SMS row carries (from, status callback) and
  /// whether the follow-up is also logged in the lead's CRM conversation.
  follow_up_store(std::string database_url, std::string market, outbox_policy policy);
  ~follow_up_store();
  follow_up_store(const follow_up_store&) = delete;
  follow_up_store& operator=(const follow_up_store&) = delete;

  /// Leads of the market whose last message is the bot's question
  /// (agents::asks_question) or a follow-up numbered below `max_per_silence`,
  /// written at or before
  /// `silent_since_ms`, and who are neither opted out nor muted; oldest
  /// silence first, at most `limit`; leads whose number ("+1" NPA) has an
  /// area code in `later_area_codes` come after all the others (they are
  /// in their own quiet hours). A cheap pre-selection: send_follow_up
  /// decides again under the lead's lock.
  std::vector<follow_up_candidate> candidates(std::int64_t silent_since_ms, int max_per_silence,
                                              std::size_t limit,
                                              const std::vector<int>& later_area_codes = {});

  /// The lead's silence as stored now, opt-out and mute included (tests,
  /// diagnostics).
  agents::silence silence_of(std::int64_t contact_id);

  /// One transaction: locks the lead's conversation_state row (turns write
  /// it too, so a turn and a follow-up of one lead never interleave), reads
  /// its silence afresh and asks `decide`; on send, writes the outbound
  /// message (follow_up_of = the silence's anchor, n = sent + 1) and its
  /// outbox row(s) with the key agents::follow_up_key. The message's unique
  /// (follow_up_of, n) makes a second writer (another node, a redelivered
  /// tick) insert nothing. Throws postgres::unavailable when the database is
  /// gone.
  follow_up_outcome send_follow_up(
      const follow_up_candidate& lead, const std::string& body, std::int64_t now_ms,
      const std::function<agents::follow_up_verdict(const agents::silence&)>& decide);

 private:
  std::unique_ptr<connection> db_;  ///< opened lazily, statements prepared
  std::string market_;
  outbox_policy policy_;
};

}  // namespace openhouse::postgres
