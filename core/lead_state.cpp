#include "core/lead_state.hpp"

#include "core/text.hpp"

namespace openhouse::agents {

std::string_view to_string(bot_kind bot) noexcept {
  switch (bot) {
    case bot_kind::buyer:
      return "buyer";
    case bot_kind::seller:
      return "seller";
    case bot_kind::lead:
      break;
  }
  return "lead";
}

std::optional<bot_kind> parse_bot_kind(std::string_view text) {
  const std::string s = core::to_lower_ascii(text);
  for (const auto bot : {bot_kind::lead, bot_kind::buyer, bot_kind::seller}) {
    if (s == to_string(bot)) return bot;
  }
  return std::nullopt;
}

std::string_view to_string(temperature t) noexcept {
  switch (t) {
    case temperature::hot:
      return "hot";
    case temperature::warm:
      return "warm";
    case temperature::cold:
      break;
  }
  return "cold";
}

std::optional<temperature> parse_temperature(std::string_view text) {
  const auto s = core::to_lower_ascii(text);
  if (s == "hot") return temperature::hot;
  if (s == "warm") return temperature::warm;
  if (s == "cold") return temperature::cold;
  return std::nullopt;
}

std::string_view to_string(motivation_level level) noexcept {
  switch (level) {
    case motivation_level::low:
      return "low";
    case motivation_level::medium:
      return "medium";
    case motivation_level::high:
      return "high";
  }
  return "low";
}

std::string_view to_string(property_condition condition) noexcept {
  switch (condition) {
    case property_condition::needs_work:
      return "needs_work";
    case property_condition::fair:
      return "fair";
    case property_condition::good:
      return "good";
    case property_condition::updated:
      return "updated";
  }
  return "fair";
}

std::string_view to_string(const std::optional<temperature>& t) noexcept {
  return t ? to_string(*t) : std::string_view{};
}

}  // namespace openhouse::agents
