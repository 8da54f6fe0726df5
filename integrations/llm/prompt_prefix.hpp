#pragma once

#include <cstddef>

#include "core/llm_messages.hpp"

namespace openhouse::llm {

/// Estimated tokens of the system prefix up to and including block `last`
/// (≈4 characters a token per block, as in estimate_tokens).
[[nodiscard]] std::size_t prefix_tokens(const messages_request& request, std::size_t last) noexcept;

/// Makes the request's cache markers match what the provider will honour.
///
/// The prompt builder marks the stable system blocks (persona, market facts,
/// instructions) with `cache = true` and puts volatile ones after them. This
/// keeps one marker, on the last marked block, when the prefix up to it is at
/// least `min_tokens` (the model's minimum cacheable prefix); otherwise it
/// clears every marker: below the minimum the provider ignores the marker,
/// and sending it anyway would make the request look cacheable in our own
/// accounting. One breakpoint suffices because the whole stable prefix is
/// byte-identical across calls. Returns true when a marker was kept.
bool apply_cache_marker(messages_request& request, std::size_t min_tokens);

}  // namespace openhouse::llm
