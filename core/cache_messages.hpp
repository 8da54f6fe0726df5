#pragma once

#include "core/cache_unit.hpp"
#include "core/messages.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

/// Messages of the shared LLM cache (the cache actor, its Redis worker and the
/// invalidation channel). Inspectable and registered in the type-ID block
/// (core/type_ids.hpp) like every runtime message.
namespace openhouse::cache {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generations& x) {
  return f(caf::meta::type_name("generations"), x.global, x.market, x.contact, x.task, x.epoch);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, unit& x) {
  return f(caf::meta::type_name("cache_unit"), x.task, x.model, x.template_version, x.system_prompt,
           x.scope, x.market_id, x.contact_id, x.conversation_id, x.inputs, x.generation,
           x.max_tokens, x.stream, x.tools);
}

/// One unit of LLM work asked of the cache: the unit that decides the key, and
/// the provider request that answers it on a miss.
struct cache_request {
  cache::unit unit;
  /// The request sent to the gateway on a miss (its model may be empty: the
  /// cache fills in the routed model, which is also the unit's model).
  runtime::llm_call call;
  /// The name of the unit input matched by similarity (L3), or empty for
  /// exact-match only. Only used when the task has a semantic threshold.
  std::string semantic_input;
  /// The lead's text the unit answers, for the never-cached rules (greetings,
  /// availability, relative time, PII in shared units).
  std::string question;
  /// Strings known to identify the lead (name, phone, email): an answer that
  /// contains one is never stored.
  std::vector<std::string> known_pii;
  /// The message that caused the request (Twilio sid): recorded with a stored
  /// entry as its source, and reported for audits.
  std::string source_sid;
  /// True when `unit.generation` was read from Redis for this turn (the
  /// cache's generations request said so). When it was not — Redis was
  /// unreachable — another node may have changed the lead unseen, so a
  /// contact- or conversation-scoped unit is neither looked up nor stored.
  bool generations_verified = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cache_request& x) {
  return f(caf::meta::type_name("cache_request"), x.unit, x.call, x.semantic_input, x.question,
           x.known_pii, x.source_sid, x.generations_verified);
}

/// How a request was answered; the names are the audit's and the metrics'
/// `outcome` label.
enum class outcome : std::uint8_t { l1, l2, l3, miss, bypass, coalesced };

/// The cache's answer.
struct cache_reply {
  runtime::llm_answer answer;  ///< on hits, cost 0 and the stored response
  cache::outcome outcome = outcome::miss;
  std::string source_sid;               ///< for hits: the message whose request filled the entry
  double similarity = 0;                ///< for l3 hits
  cache::generations entry_generation;  ///< the generations the entry was stored under
  std::string key;                      ///< the exact-match digest (empty for bypasses)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cache_reply& x) {
  return f(caf::meta::type_name("cache_reply"), x.answer, x.outcome, x.source_sid, x.similarity,
           x.entry_generation, x.key);
}

/// "l1", "l2", "l3", "miss", "bypass", "coalesced".
[[nodiscard]] std::string_view to_string(outcome o) noexcept;

}  // namespace openhouse::cache
