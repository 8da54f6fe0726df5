#pragma once

#include "config/market.hpp"
#include "integrations/postgres/orphan_store.hpp"

#include <chrono>
#include <cstdint>
#include <string>

/// What a node does with a lead's text whose turn was cut off (stored, never
/// answered): plain functions, no actor, no database.
namespace openhouse::runtime {

enum class orphan_action {
  answer,     ///< run the turn again; its reply leaves through the outbox
  flag,       ///< a person answers: the webhook's answer is gone, or it is too old
  supersede,  ///< a later text of the lead was answered with it in the history
};

/// "answered", "flagged", "superseded": the outcome the action records.
[[nodiscard]] const char* outcome_of(orphan_action a) noexcept;

/// The action for a claimed text of age `age`: superseded first (answering
/// it now would come after the reply to the lead's later text); in TwiML
/// mode, or older than `max_age`, flag it; else answer it.
[[nodiscard]] orphan_action orphan_action_of(bool superseded, std::chrono::milliseconds age,
                                             std::chrono::milliseconds max_age,
                                             config::reply_mode mode) noexcept;

/// How far back a node looks beyond orphan_max_age: texts older than that
/// were left long ago (before an upgrade, or in an outage someone handled)
/// and are neither answered nor flagged.
inline constexpr std::chrono::hours orphan_lookback{24};

/// The claim a node makes at `now_ms`: texts recorded after now − max_age −
/// lookback, and before now − lease (a turn still running holds the lead's
/// lease at most that long after recording it); a claim older than
/// `reclaim_after` that settled nothing (the claiming node died) is taken
/// again.
[[nodiscard]] postgres::orphan_claim orphan_claim_at(std::int64_t now_ms,
                                                     const config::runtime_settings& rt,
                                                     std::chrono::milliseconds reclaim_after,
                                                     std::string node, std::int64_t limit);

}  // namespace openhouse::runtime
