#include "agents/temperature_override.hpp"

#include <catch2/catch.hpp>

using openhouse::crm::resolve_temperature;

TEST_CASE("a person's temperature holds until the computed one really changes",
          "[crm][temperature]") {
  struct row {
    const char* name;
    const char *current, *override_temp, *basis, *computed;
    const char *temperature, *override_after;
    bool changed, ended;
  };
  const std::vector<row> rows{
      {"no override: the score decides", "cold", "", "", "warm", "warm", "", true, false},
      {"no override, no change", "warm", "", "", "warm", "warm", "", false, false},
      {"override holds while the score stays", "hot", "hot", "warm", "warm", "hot", "hot", false,
       false},
      {"the score moves: the override ends", "hot", "hot", "warm", "cold", "cold", "", true, true},
      {"the score moves to the override: ends quietly", "hot", "hot", "warm", "hot", "hot", "",
       false, true},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    const auto d = resolve_temperature(r.current, r.override_temp, r.basis, r.computed);
    CHECK(d.temperature == r.temperature);
    CHECK(d.override_temperature == r.override_after);
    CHECK(d.changed == r.changed);
    CHECK(d.override_ended == r.ended);
  }
}
