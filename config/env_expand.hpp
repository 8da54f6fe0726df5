#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openhouse::config {

/// Looks up environment variables; injectable so tests never touch the real
/// process environment.
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

/// The real process environment (std::getenv).
env_lookup process_env();

/// An env_lookup over a fixed table, for tests and tools.
env_lookup fixed_env(std::vector<std::pair<std::string, std::string>> vars);

/// Outcome of expanding one scalar: the text, or the problems found in it.
struct expansion {
  std::string value;
  std::vector<std::string> errors;  ///< one message per bad reference
  /// Variables referenced without a default and unset (each also has its
  /// message in `errors`): check-config reports them as unset, not invalid.
  std::vector<std::string> unset;
  bool ok() const { return errors.empty(); }
};

/// Expands `${VAR}` (VAR must be set; an empty value is kept) and
/// `${VAR:-default}` (default when VAR is unset or empty) in `text`.
/// `$${` yields a literal `${`; any other `$` is literal. Substituted values
/// are not scanned again, so secrets containing `${` stay intact.
expansion expand_env(std::string_view text, const env_lookup& env);

}  // namespace openhouse::config
