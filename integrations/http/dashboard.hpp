#pragma once

#include <span>
#include <string_view>

/// The operator's dashboard (GET /dashboard): one self-contained HTML page that
/// polls /metrics and /readyz from the same origin. No external scripts, fonts
/// or styles: a node may run where nothing outside it is reachable.
namespace openhouse::http {

/// A metric family the dashboard's script reads from /metrics.
struct dashboard_metric {
  std::string_view name;
  /// Whether one answered SMS turn (with a provider call) creates the family.
  /// The others exist on /metrics only once their event happened (a handoff,
  /// an opt-out, an outbox send, ...): the Prometheus client writes no empty
  /// family, so the page shows "–" for them until then.
  bool after_first_turn;
};

/// Every metric family the page reads, so tests can hold the page and
/// runtime::metrics to the same names: a renamed metric fails a test instead
/// of silently blanking a tile. The page's script names exactly these.
[[nodiscard]] std::span<const dashboard_metric> dashboard_metrics();

/// The page: HTML with inline CSS and JS; label values from /metrics reach the
/// DOM only through textContent.
[[nodiscard]] std::string_view dashboard_html();

}  // namespace openhouse::http
