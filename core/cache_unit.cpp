#include "core/cache_unit.hpp"

#include "core/cache_messages.hpp"

#include <algorithm>

namespace openhouse::cache {

std::string_view to_string(scope s) noexcept {
  switch (s) {
    case scope::conversation:
      return "conversation";
    case scope::contact:
      return "contact";
    case scope::market:
      return "market";
    case scope::global:
      return "global";
  }
  return "unknown";
}

std::optional<scope> parse_scope(std::string_view name) noexcept {
  for (auto s : {scope::conversation, scope::contact, scope::market, scope::global}) {
    if (to_string(s) == name) {
      return s;
    }
  }
  return std::nullopt;
}

std::string_view to_string(outcome o) noexcept {
  switch (o) {
    case outcome::l1:
      return "l1";
    case outcome::l2:
      return "l2";
    case outcome::l3:
      return "l3";
    case outcome::miss:
      return "miss";
    case outcome::bypass:
      return "bypass";
    case outcome::coalesced:
      return "coalesced";
  }
  return "unknown";
}

bool has_market(scope s) noexcept { return s != scope::global; }

bool has_contact(scope s) noexcept { return s == scope::contact || s == scope::conversation; }

unit& unit::with(std::string name, std::string value) {
  inputs.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::optional<std::string> validate(const unit& u) {
  if (u.task.empty()) {
    return "unit has no task";
  }
  if (u.model.empty()) {
    return "unit has no model";
  }
  if (u.template_version.empty()) {
    return "unit has no template version";
  }
  if (has_market(u.scope) && u.market_id.empty()) {
    return std::string{to_string(u.scope)} + "-scoped unit has no market id";
  }
  if (has_contact(u.scope) && u.contact_id.empty()) {
    return std::string{to_string(u.scope)} + "-scoped unit has no contact id";
  }
  if (u.scope == scope::conversation && u.conversation_id.empty()) {
    return "conversation-scoped unit has no conversation id";
  }
  std::vector<std::string_view> names;
  names.reserve(u.inputs.size());
  for (const auto& [name, value] : u.inputs) {
    if (name.empty()) {
      return "unit has an input without a name";
    }
    names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  if (auto dup = std::adjacent_find(names.begin(), names.end()); dup != names.end()) {
    return "duplicate input '" + std::string{*dup} + "'";
  }
  if (!has_contact(u.scope)) {
    // A shared entry built from one lead's data would hand that data to every
    // other lead of the scope (principle 3). The ids are the one lead-specific
    // thing this function can recognise; the caller owns the rest.
    for (const auto& [name, value] : u.inputs) {
      for (const std::string* id : {&u.contact_id, &u.conversation_id}) {
        if (!id->empty() && value.find(*id) != std::string::npos) {
          return "input '" + name + "' of a " + std::string{to_string(u.scope)} +
                 "-scoped unit carries a contact-specific id";
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace openhouse::cache
