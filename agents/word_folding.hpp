#pragma once

#include <cstddef>
#include <string>
#include <string_view>

/// How SMS spells words, undone: shared by the rules that read a lead's
/// text without a model (opt-outs, confusion, the FAQ catalog).
namespace openhouse::agents {

/// `word` with every letter typed three times or more written once:
/// "stoooop" -> "stop", "whaaat" -> "what", "ummm" -> "um". Doubled letters
/// stay ("off", "see").
[[nodiscard]] std::string without_elongation(std::string_view word);

/// The Damerau-Levenshtein distance of two words (insertions, deletions,
/// substitutions and swaps of adjacent letters each cost 1), for reading
/// the typos of SMS ("ecsrow", "unsuscribe"). Meant for short words: it
/// takes O(|a| * |b|) time and memory.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace openhouse::agents
