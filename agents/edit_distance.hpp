#pragma once

#include <cstddef>
#include <string_view>

namespace openhouse::agents {

/// The Damerau-Levenshtein distance of two words (insertions, deletions,
/// substitutions and swaps of adjacent letters each cost 1), for reading
/// the typos of SMS ("ecsrow", "unsuscribe"). Meant for short words: it
/// takes O(|a| * |b|) time and memory.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace openhouse::agents
