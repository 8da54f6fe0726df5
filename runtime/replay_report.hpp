#pragma once

#include "runtime/replay_figures.hpp"
#include "runtime/replay_tally.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace openhouse::runtime {

/// What the stored follow-ups look like from outside the worker.
struct follow_up_check {
  std::size_t stored = 0;  ///< follow-up messages in the database
  /// Written at a local time in the quiet window, on the market's clock or
  /// on the clock of a zone of the lead's area code: must be 0.
  std::size_t in_quiet_hours = 0;
  std::size_t in_lead_quiet_hours = 0;  ///< of those, the market's clock was clear
  std::size_t after_opt_out = 0;        ///< to a lead opted out at that moment: must be 0
};

/// Everything the replay report is made of, gathered once the trace ran.
struct replay_outcome {
  const replay_tally* tally = nullptr;  ///< the turns and CRM changes
  cache_figures cache;                  ///< from the cache's audit records
  std::string metrics_text;             ///< the node's metrics, rendered at the end
  bool follow_ups_enabled = false;
  follow_up_check follow_ups;  ///< the stored follow-ups, checked
  double provider_calls = 0;
  std::string provider_calls_source;  ///< "simulator" or "metrics"
  std::size_t events = 0;             ///< trace events replayed
  double wall_seconds = 0;
};

/// The report of `openhouse replay --report` (DESIGN.md "Replay report"):
/// one JSON object; the opt-out label counts only when labels were given.
[[nodiscard]] nlohmann::json build_report(const replay_outcome& o);

}  // namespace openhouse::runtime
