#include "core/utf8.hpp"

#include <algorithm>

namespace openhouse::core {

namespace {

/// One step of decoding at `text[at]`: how many bytes it spans and whether
/// they form a valid character. An invalid step spans the maximal subpart:
/// a lead byte and the continuation bytes that still fit it, or one byte.
struct step {
  std::size_t length;
  bool valid;
};

bool in(unsigned char b, unsigned char lo, unsigned char hi) noexcept { return b >= lo && b <= hi; }

step decode_step(std::string_view text, std::size_t at) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto lead = byte(at);
  if (lead < 0x80) return {1, true};
  std::size_t need = 0;
  // The range of the second byte depends on the lead (table 3-7): it rules
  // out overlong forms, surrogates and code points above U+10FFFF.
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (in(lead, 0xC2, 0xDF)) {
    need = 1;
  } else if (in(lead, 0xE0, 0xEF)) {
    need = 2;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (in(lead, 0xF0, 0xF4)) {
    need = 3;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return {1, false};  // a continuation byte, C0, C1 or F5..FF: never a lead
  }
  std::size_t length = 1;
  for (std::size_t k = 0; k < need; ++k) {
    const std::size_t i = at + length;
    if (i >= text.size()) return {length, false};
    const auto b = byte(i);
    if (k == 0 ? !in(b, lo, hi) : !in(b, 0x80, 0xBF)) return {length, false};
    ++length;
  }
  return {length, true};
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  for (std::size_t at = 0; at < text.size();) {
    const auto s = decode_step(text, at);
    if (!s.valid) return false;
    at += s.length;
  }
  return true;
}

std::string repair_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const auto s = decode_step(text, at);
    if (s.valid) {
      out.append(text.substr(at, s.length));
    } else {
      out.append(replacement_character);
    }
    at += s.length;
  }
  return out;
}

std::string clean_text(std::string_view text) {
  auto out = repair_utf8(text);
  // Control characters are single ASCII bytes, which never occur inside a
  // multi-byte sequence, so removing them keeps the text valid.
  std::erase_if(out, is_dropped_control);
  return out;
}

bool is_clean_text(std::string_view text) noexcept {
  return is_valid_utf8(text) && std::none_of(text.begin(), text.end(), is_dropped_control);
}

}  // namespace openhouse::core
