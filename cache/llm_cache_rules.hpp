#pragma once

#include "agents/cacheability.hpp"
#include "cache/cached_answer.hpp"
#include "cache/invalidation.hpp"
#include "core/cache_messages.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

/// The decisions of the llm_cache actor that need no actor: what a stored
/// entry holds, whether an entry found below L1 may be served, what each
/// waiter of a flight gets, and how a generation moves. The actor only
/// sequences them (DESIGN.md: logic in plain functions, actors thin).
namespace openhouse::cache {

/// The counters of two generations, leaving out the epoch: what a stored
/// entry records (cached_answer keeps the counters only; the key carries the
/// epoch).
[[nodiscard]] bool same_counters(const generations& a, const generations& b) noexcept;

/// The caller keyed a request under `asked` while this node knows `known`
/// (generation_table::upgrade): true when `asked` is older than an
/// invalidation this node has seen or from a Redis life that has ended. A
/// snapshot without an epoch that only gains the known one is not stale,
/// just unstamped.
[[nodiscard]] bool snapshot_outdated(const generations& known, const generations& asked) noexcept;

/// The value a counter of `kind` takes when it is bumped with no Redis at
/// all: one more than `current`'s. kind::key has no counter (0).
[[nodiscard]] std::uint64_t next_local_generation(invalidation::kind kind,
                                                  const generations& current) noexcept;

/// The entry stored for a provider's answer to the request `source_sid`
/// keyed under `keyed`, stored at `now_ms` for `ttl`.
[[nodiscard]] cached_answer entry_for(const runtime::llm_answer& answer,
                                      const std::string& source_sid, const generations& keyed,
                                      std::int64_t now_ms, std::chrono::milliseconds ttl);

/// Whether the never-cached rules let the provider's answer be stored under
/// the unit's key (check_response), and not when a budget downgrade answered
/// with another model than the key names ("downgraded").
[[nodiscard]] verdict answer_verdict(const unit& u, const runtime::llm_answer& answer,
                                     std::span<const std::string> known_pii);

/// An entry read from L2 under a key that names `keyed`: served only when it
/// was stored under the same counters (the key says so already; checking
/// again turns any corruption into a miss) and has not expired at `now_ms`.
[[nodiscard]] bool l2_entry_servable(const cached_answer& entry, const generations& keyed,
                                     std::int64_t now_ms) noexcept;

/// What is left of an entry's life at `now_ms`, for back-filling an upper
/// tier; nullopt when it has expired.
[[nodiscard]] std::optional<std::chrono::milliseconds> time_left(const cached_answer& entry,
                                                                 std::int64_t now_ms) noexcept;

/// The reply for a request served from a stored entry.
[[nodiscard]] cache_reply hit_reply(const cached_answer& entry, outcome o, std::string digest,
                                    double similarity = 0);

/// The reply for the `index`-th waiter of a flight the provider answered: the
/// first gets the answer with its cost (a miss), the others `coalesced` at
/// no cost, filled by the first one's message (one call was made, and is
/// billed once).
[[nodiscard]] cache_reply flight_reply(const runtime::llm_answer& answer, std::size_t index,
                                       const std::string& source_sid,
                                       const generations& stored_under, const std::string& digest);

/// The value of the input a request names for semantic matching among its
/// unit's inputs; nullopt when it names none or one the unit lacks.
[[nodiscard]] std::optional<std::string> named_input(const cache_request& req);

/// Whether the `served`-th L3 hit (counting from 0) is checked against a
/// fresh answer, checking one in `every` (0: never).
[[nodiscard]] bool sampled_for_check(std::uint64_t served, std::uint64_t every) noexcept;

/// The estimated false-hit rate of checked L3 hits: disagreements over
/// checks; 0 before any check.
[[nodiscard]] double false_hit_rate(std::uint64_t agree, std::uint64_t disagree) noexcept;

}  // namespace openhouse::cache
