#pragma once

#include "agents/market_question.hpp"
#include "config/market.hpp"
#include "config/market_data.hpp"
#include "core/cache_messages.hpp"
#include "core/messages.hpp"

#include <string>
#include <string_view>

/// The market-context unit (DESIGN.md principle 2): a question about one of
/// the market's places is answered from the market's data file, not from
/// what a model may believe. The place's latest row goes into the prompt;
/// the unit is market-scoped and keyed by (market, place, day) and the
/// data's version, so every lead asking about Corona today shares one
/// answer, and answers of an older file are never keys of the current one.
/// Nothing of the lead, not even their words, is in the prompt.
///
/// The model phrases the answer; the answer is checked to carry the
/// median as the data gives it, "about" and the month (carries_data), and
/// when it does not, the template sentence (market_answer_sentence) is sent
/// instead: the model makes the answer read naturally, the check makes sure
/// no figure the data does not hold reaches a lead.
namespace openhouse::agents {

inline constexpr std::string_view market_context_task = "market_context";
inline constexpr std::string_view market_context_template = "market_context@1";

/// $585k, $1.25M: the median as answers say it.
[[nodiscard]] std::string short_price(std::int64_t dollars);

/// "Oct 2026".
[[nodiscard]] std::string month_label(const config::market_row& row);

/// The data line the prompt carries ("Market data: place: Corona; month:
/// Oct 2026; median sale price: about $585k; ...").
[[nodiscard]] std::string market_data_line(const config::market_row& row);

/// The answer written from the data alone, for when the model's is unusable.
[[nodiscard]] std::string market_answer_sentence(const config::market_row& row);

/// The answer to a place the data file holds nothing for: says so, and
/// offers an agent.
[[nodiscard]] std::string no_market_data_answer(const config::market_config& cfg,
                                                std::string_view place);

/// True when `answer` carries the row's median (as short_price gives it, or
/// in whole dollars with or without commas), the word "about" and the
/// row's month label.
[[nodiscard]] bool carries_data(std::string_view answer, const config::market_row& row);

/// The unit for a question about `asked` answered from `row` (the place's
/// latest row, or its city's when a zip has none). `day`: the market's
/// local date (YYYY-MM-DD); `data_version`: market_data::version().
[[nodiscard]] cache::cache_request build_market_context_request(
    const config::market_config& cfg, const market_place& asked, const config::market_row& row,
    std::string_view day, std::string_view data_version, std::string_view contact,
    const runtime::inbound_sms& inbound, const cache::generations& g, bool generations_verified);

}  // namespace openhouse::agents
