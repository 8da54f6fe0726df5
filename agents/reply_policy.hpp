#pragma once

#include <string>
#include <string_view>

namespace openhouse::agents {

/// Caps a reply at `max_chars` (bytes, UTF-8 safe), cutting at the last
/// sentence end that fits; failing that at a word boundary with an ellipsis.
/// Whitespace at both ends is trimmed.
std::string cap_reply(std::string_view text, std::size_t max_chars);

}  // namespace openhouse::agents
