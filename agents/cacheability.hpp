#pragma once

#include "core/cache_unit.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

/// DESIGN.md "Never cached": which requests and answers bypass the cache.
/// Checked twice — check_request() before the lookup (a bypassed request is
/// neither looked up nor stored), check_response() on the provider's answer
/// before it is stored (a bypassed answer is returned to the caller but not
/// stored). Both are conservative: a false positive costs one provider call,
/// a false negative can serve a wrong answer or one lead's PII to another.
///
/// The text detectors are simple lexical signals (no regex engine, no model)
/// so that check_request() stays cheap on the hit path.
namespace openhouse::cache {

enum class decision : std::uint8_t {
  cache,            ///< look up / store as usual
  bypass_request,   ///< do not look up, do not store: call the provider
  bypass_response,  ///< the answer goes back to the caller but is not stored
};

/// "cache", "bypass_request", "bypass_response".
[[nodiscard]] std::string_view to_string(decision d) noexcept;

/// A decision and why (a short, stable reason usable as a metrics label:
/// "streaming", "tool_use", "invalid_unit", "greeting", "availability",
/// "time_relative", "pii_in_shared_request", "max_tokens", "empty_answer",
/// "pii_known", "pii_email", "pii_phone", "pii_address", "pii_name"). `detail`
/// says more for logs (e.g. the validation error); it is never a label.
struct verdict {
  decision outcome = decision::cache;
  std::string reason;
  std::string detail;

  [[nodiscard]] bool cacheable() const noexcept { return outcome == decision::cache; }
};

/// Before the call. `question` is the lead's text the unit answers, if the
/// unit answers one (empty otherwise). Bypasses: streaming and tool-use
/// requests; units validate() rejects; greetings (the whole message is a
/// greeting — "hi", "hey there!", "good morning Sarah" — a greeting before a
/// real question is not); availability questions ("is it still available",
/// "are you open", "any homes available"); questions about the current time
/// ("right now", "today", "at 3pm"); and, for market- and global-scoped
/// units only, a question carrying PII — that entry would be shared by every
/// lead of the scope (strip PII before asking for a shared unit).
[[nodiscard]] verdict check_request(const unit& u, std::string_view question);

/// True when check_request(u, question) is decided by what the unit's key
/// covers: the request is neither streaming nor tool use (neither is in the
/// key), and the question, if any, is one of the unit's input values. Every
/// other rule reads keyed fields or the question. An entry found under the
/// exact key was then stored by a request with the same verdict — a cache
/// one — so an exact-key (L1) hit needs no second check. (validate()'s
/// contact-id rule also reads the unit's contact, which a shared unit's key
/// leaves out; a hit can then only serve a request the same answer for the
/// same inputs, which leaks nothing.)
[[nodiscard]] bool verdict_follows_key(const unit& u, std::string_view question) noexcept;

/// After the call. `stop_reason` as the provider reports it ("max_tokens"
/// means the answer was cut). `known_pii` are strings known to identify the
/// lead (name, phone, email from the CRM); any of them in the answer
/// (case-insensitive, whole words, 3+ characters) is PII. Bypasses: answers
/// stopped by max_tokens, empty answers, answers carrying PII (known values,
/// emails, phone numbers, street addresses, personal names as find_names()
/// finds them — "Hi Maria,", "Thanks Maria", "Great to hear, Maria!",
/// "Maria, here are ...", "- Maria", "Mr. Lopez", "Our agent Maria will
/// call"), and answers that mention the current time ("today at 3pm",
/// "right now", "tomorrow", "this weekend"). PII bypasses apply in every
/// scope: DESIGN.md stores no answer that carries PII, not even in the
/// lead's own scope.
[[nodiscard]] verdict check_response(const unit& u, std::string_view answer,
                                     std::string_view stop_reason,
                                     std::span<const std::string> known_pii = {});

// The detectors, exposed for tests and for the semantic tier's eligibility.

/// The whole message is a greeting (see check_request).
[[nodiscard]] bool is_greeting(std::string_view text);
/// The message asks whether something or someone is available / open now.
[[nodiscard]] bool asks_availability(std::string_view text);
/// The text refers to the current time or a date relative to now.
[[nodiscard]] bool mentions_relative_time(std::string_view text);
/// The kind of PII found ("pii_email", "pii_phone", "pii_address",
/// "pii_name"), or nullopt.
[[nodiscard]] std::optional<std::string_view> find_pii(std::string_view text);

/// The personal names in `text`, lower case, in order found. A name is a
/// word where a pattern expects one — a self-introduction ("my name is X",
/// "name's X", "I'm X", "im x", "this is X", "X here", "it's X from Y",
/// "X from Z Realty"), a greeting or thanks ("Hi X", "thanks, X"), a
/// sign-off at the end ("- X", "~X", "Best, X", "X B."), "call me X" (not
/// "call me back / at 5 / tomorrow"), an honorific ("Mr. X"), "my wife X",
/// someone addressed ("..., X!", "X, here are ...") — or a capitalised
/// common US given name (given_names) that is not also a word or a place.
/// Lower-case words count only as listed given names in such a pattern, and
/// names that are also words ("will", "may", "june", "hope", "austin")
/// only capitalised in one: "will the seller take less", "may i see it" and
/// "is june a good month to list" name nobody.
[[nodiscard]] std::vector<std::string> find_names(std::string_view text);

/// Serve-time check of a shared (market or global) hit: true when `answer`
/// names someone (find_names) whom `question`, the asking lead's own text,
/// does not name. Such an entry was stored before the answer check knew
/// the name, or by another node, and would greet this lead by another
/// lead's name: the hit is then a miss.
[[nodiscard]] bool foreign_name(std::string_view answer, std::string_view question);

}  // namespace openhouse::cache
