#pragma once

#include "config/market.hpp"
#include "core/llm_messages.hpp"

namespace openhouse::llm {

/// Dollars a call cost: input, output, cache-write
/// (cache_creation_input_tokens) and cache-read (cache_read_input_tokens)
/// tokens, each at its price per million tokens. As Anthropic bills it,
/// `input_tokens` excludes the cached ones, so the four counts add up.
[[nodiscard]] double cost_usd(const config::model_price& price, const usage& tokens) noexcept;

/// What the same call would have cost with no prompt caching: every input
/// token (plain, cache-write and cache-read) at the input price, output at the
/// output price. The replay report's baseline_cost_usd sums this over the
/// calls a run without any caching would have made.
[[nodiscard]] double baseline_cost_usd(const config::model_price& price,
                                       const usage& tokens) noexcept;

}  // namespace openhouse::llm
