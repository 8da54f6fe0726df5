#pragma once

#include "agents/scoring.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// What a CRM tag change means for a lead. The CRM sends the whole tag list
/// (GoHighLevel ContactTagUpdate) or, in traces, what was added and removed;
/// either becomes a diff against the stored list. Tags compare
/// case-insensitively (HighLevel lower-cases them).
namespace openhouse::crm {

struct tag_diff {
  std::vector<std::string> added;    ///< in the new list, not in the stored one
  std::vector<std::string> removed;  ///< in the stored list, not in the new one
};

/// The difference between the stored tags and the CRM's complete new list.
[[nodiscard]] tag_diff diff_tags(const std::vector<std::string>& stored,
                                 const std::vector<std::string>& incoming);

/// `stored` without `remove` and with `add` (not repeated): the complete list
/// after a change described as a delta.
[[nodiscard]] std::vector<std::string> apply_delta(const std::vector<std::string>& stored,
                                                   const std::vector<std::string>& add,
                                                   const std::vector<std::string>& remove);

/// A tag change read against the lead's state.
struct tag_reading {
  tag_diff diff;
  /// A temperature tag a person added: it overrides the computed temperature.
  std::optional<agents::temperature> person_temperature;
  /// The tag of the person's current override was removed: the override ends.
  bool override_removed = false;
  /// The release tag was added: the bots may talk to the lead again.
  bool release = false;
  /// Added temperature tags recognised as the runtime's own (its sync of the
  /// temperature it holds echoed back): never read as a person's input.
  std::vector<std::string> own;
};

/// Reads `diff`: `runtime_temperature` is the temperature the runtime holds
/// (whose tag it writes to the CRM), `override_temperature` a person's
/// current override (nullopt: none), `release_tag` the configured release
/// tag (empty: none). When a person adds several temperature tags at once, the
/// last one in the list wins.
[[nodiscard]] tag_reading read_tags(const tag_diff& diff, agents::temperature runtime_temperature,
                                    std::optional<agents::temperature> override_temperature,
                                    std::string_view release_tag);

}  // namespace openhouse::crm
