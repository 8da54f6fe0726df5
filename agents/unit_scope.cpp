#include "agents/unit_scope.hpp"

#include "cache/cacheability.hpp"

#include <string>

namespace openhouse::agents {

namespace {

/// The lead's number without '+': in the text, even in part (the last 7
/// digits), it identifies them.
bool mentions_contact(std::string_view text, std::string_view contact) {
  std::string digits;
  for (const char c : contact) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (digits.size() < 7) return false;
  std::string text_digits;
  for (const char c : text) {
    if (c >= '0' && c <= '9') text_digits.push_back(c);
  }
  return text_digits.find(digits.substr(digits.size() - 7)) != std::string::npos;
}

}  // namespace

cache::scope text_unit_scope(std::string_view text, std::string_view contact) {
  if (cache::find_pii(text) || mentions_contact(text, contact)) {
    return cache::scope::contact;
  }
  return cache::scope::market;
}

}  // namespace openhouse::agents
