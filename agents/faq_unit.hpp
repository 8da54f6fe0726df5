#pragma once

#include "cache/messages.hpp"
#include "config/market.hpp"
#include "runtime/messages.hpp"

#include <string_view>

/// The FAQ answer unit (DESIGN.md "A turn", step 6): a general question about
/// buying, selling or the market gets the market's answer, shared by every
/// lead of the market and matched by similarity (L3). Nothing of the lead goes
/// into it but the question's words; a question carrying PII is answered but
/// never shared (the cache's never-cached rules).
namespace openhouse::agents {

inline constexpr std::string_view faq_task = "faq";
inline constexpr std::string_view faq_template = "faq@1";

/// Top intent confidence from which a FAQ is answered by the FAQ unit.
inline constexpr double faq_min_confidence = 0.6;

[[nodiscard]] std::string faq_system_prompt(const config::market_config& cfg);

/// The market-scoped FAQ unit for `inbound`'s question.
[[nodiscard]] cache::cache_request build_faq_request(const config::market_config& cfg,
                                                    std::string_view contact,
                                                    const runtime::inbound_sms& inbound,
                                                    const cache::generations& g,
                                                    bool generations_verified);

}  // namespace openhouse::agents
