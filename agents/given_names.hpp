#pragma once

#include <cstddef>
#include <string_view>

/// A list of common US given names, for the PII rules of cacheability: SMS
/// is often written in lower case ("maria here", "this is dave"), so a name
/// cannot be told by its capital alone. The list only helps a pattern
/// ("I'm ...", "... here", a sign-off) or a capitalised word decide; a hit
/// alone in lower case means nothing ("will the seller take less").
namespace openhouse::cache {

/// `lower` (ASCII lower case, apostrophes dropped) is a common US given name
/// of 3+ letters, word-like ones included.
[[nodiscard]] bool is_given_name(std::string_view lower);

/// A given name that is also an everyday word, a month, a place or a brand
/// ("will", "may", "june", "hope", "chase", "austin", "victoria"): it counts
/// as a name only when capitalised and where a pattern expects a name.
[[nodiscard]] bool is_word_like_name(std::string_view lower);

/// How many names the list holds (word-like ones included).
[[nodiscard]] std::size_t given_name_count();

}  // namespace openhouse::cache
