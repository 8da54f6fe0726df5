#pragma once

#include <string>
#include <string_view>

/// A person's temperature (a CRM tag) against the computed one. The person
/// wins until the computed temperature really changes — moves away from what
/// it was when they set the tag (the basis) — then the score takes over again.
/// Both the conversation's turns and CRM field updates decide through here.
namespace openhouse::crm {

struct temperature_decision {
  std::string temperature;           ///< the lead's temperature from now on
  std::string override_temperature;  ///< "" when no override remains
  std::string basis;                 ///< kept with the override
  bool changed = false;              ///< temperature differs from `current`
  bool override_ended = false;       ///< an override was dropped by a real change
};

/// `current` is the lead's temperature (the override's when one is active),
/// `computed` what the score says now.
[[nodiscard]] temperature_decision resolve_temperature(std::string_view current,
                                                       std::string_view override_temperature,
                                                       std::string_view basis,
                                                       std::string_view computed);

}  // namespace openhouse::crm
