#pragma once

#include <string>
#include <string_view>

/// Text helpers every layer shares: ASCII case folding and trimming. They are
/// byte-wise and locale-free on purpose: UTF-8 bytes >= 0x80 pass through
/// unchanged, so a multi-byte character is never split or altered.
namespace openhouse::core {

/// The whitespace `trim` removes: space, tab, CR and LF.
inline constexpr std::string_view ascii_space = " \t\r\n";

/// `c` in lower case when it is an ASCII letter, unchanged otherwise.
[[nodiscard]] constexpr char to_lower_ascii(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// `text` with its ASCII letters in lower case; other bytes unchanged.
[[nodiscard]] std::string to_lower_ascii(std::string_view text);

/// Lower-cases the ASCII letters of `text` in place.
void lower_ascii_in_place(std::string& text) noexcept;

/// Whether `a` and `b` are equal when ASCII letters are folded to one case.
[[nodiscard]] bool iequals_ascii(std::string_view a, std::string_view b) noexcept;

/// Whether `text` starts with `prefix`, ASCII letters folded.
[[nodiscard]] bool istarts_with_ascii(std::string_view text, std::string_view prefix) noexcept;

/// `text` without leading and trailing bytes of `chars` (by default ASCII
/// whitespace: space, tab, CR, LF). A view into `text`.
[[nodiscard]] std::string_view trim(std::string_view text,
                                    std::string_view chars = ascii_space) noexcept;

/// Whether `text` is empty or only bytes of `chars` (by default ASCII whitespace).
[[nodiscard]] bool is_blank(std::string_view text, std::string_view chars = ascii_space) noexcept;

}  // namespace openhouse::core
