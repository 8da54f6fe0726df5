#include "agents/reply_policy.hpp"

#include "core/text.hpp"

namespace openhouse::agents {

namespace {

using core::trim;

/// Largest n <= limit that does not split a UTF-8 sequence.
std::size_t utf8_floor(std::string_view s, std::size_t limit) {
  auto n = std::min(limit, s.size());
  while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0U) == 0x80U) {
    --n;
  }
  return n;
}

}  // namespace

std::string cap_reply(std::string_view text, std::size_t max_chars) {
  auto t = trim(text);
  if (t.size() <= max_chars) {
    return std::string{t};
  }
  const auto window = t.substr(0, utf8_floor(t, max_chars));
  // Prefer a whole sentence: the last '.', '!' or '?' followed by a space or the cut.
  for (auto i = window.size(); i > 0; --i) {
    const char c = window[i - 1];
    if ((c == '.' || c == '!' || c == '?') && (i == window.size() || window[i] == ' ')) {
      if (i >= max_chars / 3) {  // a tiny first sentence says too little
        return std::string{trim(window.substr(0, i))};
      }
      break;
    }
  }
  constexpr std::string_view ellipsis = "...";
  if (max_chars <= ellipsis.size()) {
    return std::string{window};
  }
  auto cut = t.substr(0, utf8_floor(t, max_chars - ellipsis.size()));
  if (const auto space = cut.find_last_of(' '); space != std::string_view::npos && space > 0) {
    cut = cut.substr(0, space);
  }
  return std::string{trim(cut)} + std::string{ellipsis};
}

}  // namespace openhouse::agents
