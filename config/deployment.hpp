#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/env_expand.hpp"
#include "config/loader.hpp"
#include "config/market.hpp"
#include "core/expected.hpp"

/// What `serve --config FILE` runs: the node's settings and its markets.
///
/// FILE is a node file (node sections and `markets:`, a directory of market
/// files or a list of them) or an old-style file holding one market and the
/// node's settings together. Each market's config carries the node's
/// settings too, so every part of the runtime reads one market_config.
namespace openhouse::config {

/// A problem in one of the files.
struct file_error {
  std::string file;
  config_error error;
};

/// Renders "FILE:LINE: KEY: MESSAGE".
std::string to_string(const file_error& e);

struct deployment {
  std::string node_file;
  /// In the order the node file names them (a directory's files sorted by
  /// name); never empty. Market ids and numbers are unique.
  std::vector<std::shared_ptr<const market_config>> markets;
  std::vector<std::string> market_files;  ///< parallel to `markets`

  /// The market leads reach at `number` (Twilio's `To`, E.164); null when
  /// none: such a message belongs to no market of this node.
  [[nodiscard]] std::shared_ptr<const market_config> by_number(std::string_view number) const;
  /// The market whose CRM location is `location_id`; with one market and
  /// no location configured, that market. Null when none.
  [[nodiscard]] std::shared_ptr<const market_config> by_location(
      std::string_view location_id) const;
  /// The market `id`; "" : the first. Null when none.
  [[nodiscard]] std::shared_ptr<const market_config> by_id(std::string_view id) const;
};

using deployment_result = expected<deployment, std::vector<file_error>>;

/// Loads `path` (node file or old-style file) and every market file it names.
/// Every problem of every file is reported, plus a duplicate market id,
/// phone number or CRM location across files (naming both files).
deployment_result load_deployment(const std::string& path, const env_lookup& env,
                                  const load_options& options = {});

/// For `openhouse check-config FILE`: FILE is a node file (checked with its
/// markets), an old-style file, or a market file alone. Secrets need not be
/// set: an unset variable is listed as "FILE:LINE: KEY: VAR is unset (needed
/// to serve)" on `out`, not as an error. Prints "ok" (0) or one line per
/// error on `err` (1).
int check_config_command(const std::string& path, std::ostream& out, std::ostream& err,
                         const env_lookup& env);

}  // namespace openhouse::config
