#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace openhouse::postgres {

class connection;

/// A lead's text stored without a reply, claimed by this node.
struct orphan_row {
  std::int64_t id = 0;  ///< messages.id
  std::string sid;      ///< its MessageSid
  std::string contact;  ///< the lead's number
  std::string body;
  std::int64_t received_at_ms = 0;  ///< when it was recorded
  /// A later text of the lead is stored: its turn had this one in the history.
  bool superseded = false;
};

/// Which unanswered texts a claim may take (ms since the epoch, all from the
/// caller's injected clock).
struct orphan_claim {
  std::int64_t now_ms = 0;
  std::int64_t since_ms = 0;           ///< recorded after this (older ones are left alone)
  std::int64_t settled_before_ms = 0;  ///< recorded before this: no live turn can still answer it
  std::int64_t reclaim_before_ms = 0;  ///< a claim older than this led nowhere: take it again
  std::string node;                    ///< who claims (logged in orphan_claimed_by)
  std::int64_t limit = 100;
};

/// The orphan worker's side of PostgreSQL (migration 13): one connection,
/// blocking (libpqxx), used only from the detached orphan worker and tests.
class orphan_store {
 public:
  orphan_store(std::string database_url, std::string market);
  ~orphan_store();
  orphan_store(const orphan_store&) = delete;
  orphan_store& operator=(const orphan_store&) = delete;

  /// Claims, oldest first, the market's inbound texts without a reply and
  /// without an outcome, recorded in (since, settled_before], whose lead's
  /// lease is not held (no turn of the lead runs anywhere) and that no other
  /// node claimed since reclaim_before. One statement with FOR UPDATE SKIP
  /// LOCKED: two nodes claiming at once never take the same text.
  std::vector<orphan_row> claim(const orphan_claim& q);

  /// Records what became of a claimed text: "answered" or "superseded".
  void settle(std::int64_t id, std::string_view outcome);

  /// Flags a claimed text for a person: outcome "flagged" and the lead's
  /// needs_human, in one statement (the state version moves, so a
  /// conversation holding the lead reloads). Nothing when it got a reply
  /// meanwhile; returns whether it flagged.
  bool flag(std::int64_t id, std::int64_t now_ms);

 private:
  std::unique_ptr<connection> db_;
  std::string market_;
};

}  // namespace openhouse::postgres
