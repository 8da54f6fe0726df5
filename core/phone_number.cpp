#include "core/phone_number.hpp"

#include <algorithm>

namespace openhouse::core {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace

bool is_e164(std::string_view text) noexcept {
  if (text.size() < 2 || text.size() > 1 + e164_max_digits || text.front() != '+' ||
      text[1] == '0') {
    return false;
  }
  return std::all_of(text.begin() + 1, text.end(), is_digit);
}

bool is_phone_number(std::string_view text) noexcept {
  return is_e164(text) && text.size() >= 1 + phone_number_min_digits;
}

}  // namespace openhouse::core
