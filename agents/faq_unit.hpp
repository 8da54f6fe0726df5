#pragma once

#include "agents/faq_catalog.hpp"
#include "config/market.hpp"
#include "core/cache_messages.hpp"
#include "core/messages.hpp"

#include <string_view>

/// The FAQ answer unit (DESIGN.md "A turn", step 6): a general question about
/// buying, selling or the market gets the brokerage's answer (YAML `faq`),
/// shared by every lead of the market. A question the catalog files under a
/// topic is keyed by its meaning — (topic, city) — and its prompt holds the
/// entry's facts and the city but not the lead's words, so the answer is a
/// function of the key alone. Other questions are keyed by their words
/// (matched by similarity, L3), with every entry's facts in the prompt.
namespace openhouse::agents {

inline constexpr std::string_view faq_task = "faq";
/// The template of answers keyed by the lead's words.
inline constexpr std::string_view faq_template = "faq@2";
/// The template of answers keyed by topic and city.
inline constexpr std::string_view faq_topic_template = "faq.topic@1";

/// Top intent confidence from which a question no entry matches is answered
/// by the FAQ unit rather than by the active bot.
inline constexpr double faq_min_confidence = 0.6;

/// The stable part of every FAQ prompt: who answers, how, and never to
/// invent figures.
[[nodiscard]] std::string faq_system_prompt(const config::market_config& cfg);

/// The market-scoped unit that answers `topic` (not specific: see
/// faq_topic::specific) for its city. Nothing of the lead goes into it, not
/// even their words, so it is shared even when their text carries PII.
[[nodiscard]] cache::cache_request build_topic_faq_request(
    const config::market_config& cfg, const faq_topic& topic, std::string_view contact,
    const runtime::inbound_sms& inbound, const cache::generations& g, bool generations_verified);

/// The unit for a question no entry answers by topic: keyed by its words,
/// market-scoped when they carry no PII; the prompt holds the facts of the
/// entries it touches (faq_catalog::related_facts) and says to leave what
/// they do not cover to an agent.
[[nodiscard]] cache::cache_request build_faq_request(
    const config::market_config& cfg, const faq_catalog& catalog, std::string_view contact,
    const runtime::inbound_sms& inbound, const cache::generations& g, bool generations_verified);

}  // namespace openhouse::agents
