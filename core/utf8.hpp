#pragma once

#include <string>
#include <string_view>

/// UTF-8 checks and repair for text that comes from outside (SMS bodies, CRM
/// webhooks). PostgreSQL refuses text that is not UTF-8 or that holds a NUL,
/// so such bytes are repaired at the front door, never stored as they came.
namespace openhouse::core {

/// U+FFFD REPLACEMENT CHARACTER, in UTF-8.
inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

/// Whether `text` is well-formed UTF-8 (Unicode table 3-7): no stray
/// continuation bytes, no truncated sequence, no overlong form, no surrogate
/// (U+D800..U+DFFF), nothing above U+10FFFF.
[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

/// `text` with each ill-formed part replaced by one U+FFFD, as the Unicode
/// standard recommends (one per maximal subpart: a truncated 3-byte sequence
/// is one U+FFFD, two stray continuation bytes are two). Valid text is
/// returned unchanged.
[[nodiscard]] std::string repair_utf8(std::string_view text);

/// Whether `c` is a control character `clean_text` drops: C0 (U+0000..U+001F)
/// other than tab, LF and CR, and DEL (U+007F).
[[nodiscard]] constexpr bool is_dropped_control(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  return (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F;
}

/// Text as the runtime accepts and stores it: `repair_utf8`, and NUL and the
/// other control characters of `is_dropped_control` removed (they carry no
/// meaning in a text message, and a NUL cuts C strings and is refused by
/// PostgreSQL).
[[nodiscard]] std::string clean_text(std::string_view text);

/// Whether `clean_text(text) == text`.
[[nodiscard]] bool is_clean_text(std::string_view text) noexcept;

}  // namespace openhouse::core
