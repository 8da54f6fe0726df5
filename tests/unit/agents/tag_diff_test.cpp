#include "agents/tag_diff.hpp"

#include <catch2/catch.hpp>

using namespace openhouse;
using agents::temperature;
using crm::read_tags;

TEST_CASE("tag diffs compare case-insensitively against the stored list", "[crm][tags]") {
  struct row {
    const char* name;
    std::vector<std::string> stored, incoming, added, removed;
  };
  const std::vector<row> rows{
      {"nothing changed", {"vip", "Hot-Lead"}, {"Hot-Lead", "vip"}, {}, {}},
      {"case only", {"Hot-Lead"}, {"hot-lead"}, {}, {}},
      {"one added", {"vip"}, {"vip", "Warm-Lead"}, {"Warm-Lead"}, {}},
      {"one removed", {"vip", "Warm-Lead"}, {"vip"}, {}, {"Warm-Lead"}},
      {"all removed", {"vip", "Warm-Lead"}, {}, {}, {"vip", "Warm-Lead"}},
      {"swapped", {"Cold-Lead"}, {"Hot-Lead"}, {"Hot-Lead"}, {"Cold-Lead"}},
      {"repeats and blanks ignored", {}, {"a", "A", " ", "a"}, {"a"}, {}},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    const auto d = crm::diff_tags(r.stored, r.incoming);
    CHECK(d.added == r.added);
    CHECK(d.removed == r.removed);
  }
}

TEST_CASE("a delta (traces) becomes the complete list", "[crm][tags]") {
  CHECK(crm::apply_delta({"Cold-Lead", "vip"}, {"Warm-Lead"}, {"cold-lead"}) ==
        std::vector<std::string>{"vip", "Warm-Lead"});
  CHECK(crm::apply_delta({"vip"}, {"VIP"}, {}) == std::vector<std::string>{"vip"});
}

TEST_CASE("reading a tag change: a person's temperature, the runtime's own tag, release",
          "[crm][tags]") {
  struct row {
    const char* name;
    std::vector<std::string> added, removed;
    temperature runtime;
    std::optional<temperature> override_temp;
    std::optional<temperature> person;
    bool override_removed = false;
    bool release = false;
    std::size_t own = 0;
  };
  const std::vector<row> rows{
      {"a person tags Hot",
       {"Hot-Lead"},
       {"Warm-Lead"},
       temperature::warm,
       std::nullopt,
       temperature::hot},
      {"lower-cased by the CRM",
       {"hot-lead"},
       {},
       temperature::cold,
       std::nullopt,
       temperature::hot},
      {"the runtime's own tag echoed back",
       {"Warm-Lead"},
       {"Cold-Lead"},
       temperature::warm,
       std::nullopt,
       std::nullopt,
       false,
       false,
       1},
      {"other tags mean nothing",
       {"vip", "open-house-2025"},
       {},
       temperature::cold,
       std::nullopt,
       std::nullopt},
      {"the last temperature tag wins",
       {"Cold-Lead", "Hot-Lead"},
       {},
       temperature::warm,
       std::nullopt,
       temperature::hot},
      {"removing the override's tag ends it",
       {},
       {"Hot-Lead"},
       temperature::hot,
       temperature::hot,
       std::nullopt,
       true},
      {"removing another temperature tag is no override change",
       {},
       {"Cold-Lead"},
       temperature::hot,
       temperature::hot,
       std::nullopt,
       false},
      {"a new person tag replaces the override",
       {"Cold-Lead"},
       {"Hot-Lead"},
       temperature::hot,
       temperature::hot,
       temperature::cold,
       false},
      {"the release tag",
       {"release-to-bots"},
       {},
       temperature::cold,
       std::nullopt,
       std::nullopt,
       false,
       true},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    const auto reading =
        read_tags({r.added, r.removed}, r.runtime, r.override_temp, "Release-To-Bots");
    CHECK(reading.person_temperature == r.person);
    CHECK(reading.override_removed == r.override_removed);
    CHECK(reading.release == r.release);
    CHECK(reading.own.size() == r.own);
  }
  CHECK_FALSE(read_tags({{"Release-To-Bots"}, {}}, temperature::cold, std::nullopt, "").release);
}
