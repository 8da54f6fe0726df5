#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

/// The simulator's deterministic "model": pure functions of the prompt text.
/// Equal inputs give equal outputs on every machine and every run.
namespace openhouse::llm::sim {

/// FNV-1a 64 followed by a splitmix64 finaliser: stable across platforms and
/// runs (unlike std::hash), well mixed in every bit.
[[nodiscard]] std::uint64_t stable_hash(std::string_view text, std::uint64_t seed = 0) noexcept;

/// splitmix64 step: mixes a counter or a hash into a uniform 64-bit value.
[[nodiscard]] std::uint64_t mix64(std::uint64_t value) noexcept;

/// Uniform in [0, 1) from a 64-bit value.
[[nodiscard]] double unit_interval(std::uint64_t value) noexcept;

/// Token estimate used for all usage accounting: ceil(chars / 4), at least 1.
[[nodiscard]] std::int64_t estimate_tokens(std::string_view text) noexcept;

/// Intent labels, in the order ties are broken.
inline constexpr const char* intent_labels[] = {"seller", "buyer",    "human",
                                                "faq",    "greeting", "other"};

struct intent_guess {
  std::string intent;  ///< one of intent_labels
  double confidence = 0;
  nlohmann::json scores;  ///< {"seller": s, "buyer": b, ...}, top two give the margin
};

/// Keyword classifier over one lead message.
[[nodiscard]] intent_guess classify_intent(std::string_view message);

/// {"intent": "...", "confidence": 0.x, "scores": {...}}, as the intent task answers.
[[nodiscard]] std::string intent_answer(std::string_view message);

/// Facts extracted from the lead's messages (oldest first; later values win):
/// budget, pre_approved, timeline, motivation, property_condition, bedrooms,
/// property_type, zip. Unknown facts are null.
[[nodiscard]] nlohmann::json extract_facts(const std::vector<std::string>& messages);

/// extract_facts as the facts task answers: compact JSON.
[[nodiscard]] std::string facts_answer(const std::vector<std::string>& messages);

/// A short, friendly SMS reply that fits the message's intent; the variant is
/// picked by a hash of the message.
[[nodiscard]] std::string friendly_reply(std::string_view message);

/// What a model answers to a general question from the facts its prompt
/// (`system`) gives, as the FAQ unit's prompts lay them out: the one block
/// after "Answer from these facts only:", else the paragraph of "The
/// brokerage's facts:" ("[topic] text" lines) sharing the most content words
/// with the question (ties to the first), else that an agent will confirm
/// (also when the prompt says it has no facts on the question). With no
/// FAQ facts block in the prompt at all, friendly_reply.
[[nodiscard]] std::string faq_answer(std::string_view system, std::string_view question);

/// What a model answers to a market question from the data line its prompt
/// (`system`) gives ("Market data: place: ...; month: ...; median sale
/// price: about $585k; ..."): a sentence carrying those figures, "about" and
/// the month. With no data line, friendly_reply.
[[nodiscard]] std::string market_answer(std::string_view system, std::string_view question);

/// True when the message asks for something a tool would do rather than a
/// reply: scheduling a showing, a tour, a call, an appointment, a visit.
[[nodiscard]] bool asks_to_schedule(std::string_view message);

/// Of the tool names offered, the one a scheduling request should call: the
/// first whose name speaks of scheduling, booking, appointments, showings,
/// tours or calendars; else the first. Empty when `names` is.
[[nodiscard]] std::string pick_tool(const std::vector<std::string>& names);

/// Deterministic arguments for a tool with JSON schema `schema` (an object
/// schema; its "properties" are filled, in key order): date/time-like fields
/// get the times named in the message (or "next available"), address-like
/// fields the street address in it, enums their first value, numbers 1 (30
/// for durations in minutes), booleans true, other strings the message.
[[nodiscard]] nlohmann::json tool_arguments(const nlohmann::json& schema, std::string_view message);

/// A unit-length embedding of `dimensions` floats from hashed words and word
/// bigrams, so texts sharing words are close and unrelated texts are not.
[[nodiscard]] std::vector<float> embed(std::string_view text, std::size_t dimensions = 384);

}  // namespace openhouse::llm::sim
