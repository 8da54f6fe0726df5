#include "agents/unit_scope.hpp"
#include "core/text.hpp"

#include "agents/cacheability.hpp"

#include <algorithm>
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

bool asks_about_own_home(std::string_view text, std::span<const runtime::history_entry> history,
                         std::span<const std::string> areas) {
  const std::string lower = core::to_lower_ascii(text);
  bool own = false;
  for (const std::string_view owner : {"my ", "our "}) {
    for (const std::string_view home :
         {"house", "home", "place", "property", "condo", "townhouse"}) {
      own = own || lower.find(std::string{owner} + std::string{home}) != std::string::npos;
    }
  }
  if (!own) return false;
  const bool zip_known = std::any_of(areas.begin(), areas.end(), [](const std::string& a) {
    return a.size() == 5 &&
           std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; });
  });
  if (zip_known) return true;
  return std::any_of(history.begin(), history.end(), [](const runtime::history_entry& h) {
    const auto kind = h.role == "user" ? cache::find_pii(h.text) : std::nullopt;
    return kind && *kind == "pii_address";
  });
}

cache::scope text_unit_scope(std::string_view text, std::string_view contact) {
  if (cache::find_pii(text) || mentions_contact(text, contact)) {
    return cache::scope::contact;
  }
  return cache::scope::market;
}

}  // namespace openhouse::agents
