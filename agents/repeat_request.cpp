#include "agents/repeat_request.hpp"

#include <array>

namespace openhouse::agents {

namespace {

/// Lower case, apostrophes dropped, other punctuation a space, padded with
/// spaces so that phrases match on word boundaries.
std::string padded(std::string_view text) {
  std::string out = " ";
  for (const char c : text) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    } else if (c != '\'') {
      if (out.back() != ' ') out.push_back(' ');
    }
  }
  if (out.back() != ' ') out.push_back(' ');
  return out;
}

}  // namespace

bool asks_to_repeat(std::string_view text) {
  static constexpr std::array<std::string_view, 22> phrases{" what did you say ",
                                                            " what did u say ",
                                                            " what did you tell ",
                                                            " what did u tell ",
                                                            " what did you text ",
                                                            " what did you send ",
                                                            " what was it you said ",
                                                            " repeat what ",
                                                            " repeat that ",
                                                            " repeat it ",
                                                            " say that again ",
                                                            " say it again ",
                                                            " send that again ",
                                                            " send it again ",
                                                            " resend ",
                                                            " lost the msg ",
                                                            " lost the message ",
                                                            " lost your msg ",
                                                            " lost your message ",
                                                            " lost the text ",
                                                            " didnt get that ",
                                                            " can you repeat "};
  const auto p = padded(text);
  for (const auto phrase : phrases) {
    if (p.find(phrase) != std::string::npos) return true;
  }
  return false;
}

std::optional<std::string> earlier_answer(
    std::span<const runtime::history_entry> history,
    const std::function<bool(std::string_view lead_text)>& same_ask) {
  for (std::size_t i = history.size(); i-- > 1;) {
    const auto& answer = history[i];
    const auto& asked = history[i - 1];
    if (answer.role != "assistant" || asked.role != "user" || answer.text.empty()) continue;
    if (same_ask(asked.text)) return answer.text;
  }
  return std::nullopt;
}

}  // namespace openhouse::agents
