#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// The description of one cacheable unit of LLM work (DESIGN.md, principle 2):
/// everything that decides its output, plus the scope that decides who may
/// share the answer. Plain data; the key, TTL and cacheability are computed
/// from it by free functions and small classes so they test without actors.
namespace openhouse::cache {

/// Who may share a cached answer. Scopes nest: a conversation belongs to a
/// contact, a contact to a market, a market to the global scope. A unit's key
/// carries the ids and generation numbers of its own scope and of every
/// broader one, and nothing narrower — that is what lets a market-scoped FAQ
/// answer be shared by every lead of the market while a contact-scoped reply
/// can never reach another lead.
enum class scope : std::uint8_t {
  conversation,  ///< one conversation of one contact (e.g. intent over recent messages)
  contact,       ///< one lead (extracted facts, scores, personalised reply)
  market,        ///< every lead of one market (FAQ answer, market context)
  global,        ///< every market (market-independent answers)
};

/// Stable name of a scope ("conversation", "contact", "market", "global").
/// The key encodes the scope by this name, not by the enum's value, so that
/// reordering the enum never changes a key.
[[nodiscard]] std::string_view to_string(scope s) noexcept;

/// Inverse of to_string; nullopt for an unknown name.
[[nodiscard]] std::optional<scope> parse_scope(std::string_view name) noexcept;

/// True when units of scope `s` are bound to one market (market and narrower).
[[nodiscard]] bool has_market(scope s) noexcept;
/// True when units of scope `s` are bound to one contact (contact and narrower).
[[nodiscard]] bool has_contact(scope s) noexcept;

/// The invalidation counters (Redis INCR) that may apply to a unit. Which of
/// them enter the key is decided by the unit's scope: global and task always,
/// market for market scope and narrower, contact for contact scope and narrower;
/// the epoch always (when known).
struct generations {
  std::uint64_t global = 0;
  std::uint64_t market = 0;
  std::uint64_t contact = 0;
  std::uint64_t task = 0;  ///< per task, every scope: bumped to drop one task's answers
  /// The Redis life the counters belong to: a random id Redis keeps under
  /// "<prefix>:epoch". A Redis that restarts empty restarts its counters at 0
  /// and gets a new epoch, so keys made under the old counters can never match
  /// again (counters of two lives are not comparable). 0: unknown (no Redis,
  /// or not read yet); it then stays out of the key.
  std::uint64_t epoch = 0;

  friend bool operator==(const generations&, const generations&) = default;
};

/// One named input of a unit's prompt.
using unit_input = std::pair<std::string, std::string>;

/// One cacheable unit request.
///
/// `inputs` are the values the prompt template is filled with, by name. Their
/// order does not matter: the key sorts them by name (then value). Names must
/// be unique; an ordered list (e.g. recent messages) is passed either as one
/// value or as indexed names ("msg.0", "msg.1", ...), so its order is kept.
/// Inputs must belong to the unit's scope: a market- or global-scoped unit
/// must not carry anything specific to one lead (validate() rejects the
/// obvious case, an input that contains the contact or conversation id).
struct unit {
  std::string task;              ///< e.g. "intent", "faq", "reply"
  std::string model;             ///< provider model id
  std::string template_version;  ///< prompt-template version, e.g. "faq@3"
  std::string system_prompt;     ///< the full system prompt text
  cache::scope scope = scope::global;
  std::string market_id;        ///< required for market, contact, conversation scope
  std::string contact_id;       ///< required for contact and conversation scope
  std::string conversation_id;  ///< required for conversation scope
  std::vector<unit_input> inputs;
  generations generation;
  std::uint32_t max_tokens = 0;  ///< output cap; a different cap can give a different answer
  bool stream = false;           ///< streaming request (never cached; not part of the key)
  bool tools = false;            ///< tool-use request (never cached)

  /// Appends an input; returns *this so units read as one expression in tests and callers.
  unit& with(std::string name, std::string value);
};

/// Checks that a unit is well formed for its scope: task, model and template
/// version set; the ids its scope needs present; input names non-empty and
/// unique; and no input of a market- or global-scoped unit that contains the
/// unit's contact or conversation id (a lead's data in a shared entry).
/// Returns the first problem as a short reason, or nullopt when the unit is valid.
[[nodiscard]] std::optional<std::string> validate(const unit& u);

}  // namespace openhouse::cache
