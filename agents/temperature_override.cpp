#include "agents/temperature_override.hpp"

namespace openhouse::crm {

temperature_decision resolve_temperature(std::string_view current,
                                         std::string_view override_temperature,
                                         std::string_view basis, std::string_view computed) {
  temperature_decision d;
  if (!override_temperature.empty() && computed == basis) {
    // Nothing the score reads has moved it: the person's call stands.
    d.temperature = std::string{override_temperature};
    d.override_temperature = std::string{override_temperature};
    d.basis = std::string{basis};
    d.changed = d.temperature != current;
    return d;
  }
  d.override_ended = !override_temperature.empty();
  d.temperature = std::string{computed};
  d.changed = d.temperature != current;
  return d;
}

}  // namespace openhouse::crm
