#include "core/text.hpp"

#include <algorithm>

namespace openhouse::core {

std::string to_lower_ascii(std::string_view text) {
  std::string out{text};
  lower_ascii_in_place(out);
  return out;
}

void lower_ascii_in_place(std::string& text) noexcept {
  for (auto& c : text) c = to_lower_ascii(c);
}

bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return to_lower_ascii(x) == to_lower_ascii(y);
         });
}

bool istarts_with_ascii(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && iequals_ascii(text.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view text, std::string_view chars) noexcept {
  const auto first = text.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(chars);
  return text.substr(first, last - first + 1);
}

bool is_blank(std::string_view text, std::string_view chars) noexcept {
  return text.find_first_not_of(chars) == std::string_view::npos;
}

}  // namespace openhouse::core
