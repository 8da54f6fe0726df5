#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/env_expand.hpp"
#include "config/market.hpp"
#include "core/expected.hpp"

/// Loading and validating a market YAML into config::market_config.
///
/// The loader is strict (unknown keys, wrong types and out-of-range values are
/// errors) and collects every problem instead of stopping at the first, so
/// `openhouse check-config` can list them all. Scalars go through environment
/// substitution (`${VAR}`, `${VAR:-default}`) before type conversion.
namespace openhouse::config {

/// One validation problem: the dotted key path
/// ("llm.prices.claude-haiku-4-5.input", list items as "market.cities[2].zips[0]"),
/// the 1-based line in the YAML (0 if unknown), and a message. YAML syntax
/// errors and unreadable files have an empty key.
struct config_error {
  std::string key;
  int line = 0;
  std::string message;
};

/// Renders "FILE:LINE: KEY: MESSAGE" ("FILE:LINE: MESSAGE" when the key is empty).
std::string to_string(const config_error& e, std::string_view file);

/// Every problem found in a document, sorted by line; never empty.
using config_errors = std::vector<config_error>;

/// The outcome of a load: a config only when there were no errors at all,
/// else all of them (the project's `expected`, see README "Errors").
using load_result = expected<market_config, config_errors>;

/// Parses and validates one market document.
load_result load_market_string(std::string_view yaml_text, const env_lookup& env);

/// Reads `path` and parses it; an unreadable file yields one error (line 0).
load_result load_market_file(const std::string& path, const env_lookup& env);

/// For `openhouse check-config FILE`: prints "ok" to `out`, or one
/// "FILE:LINE: KEY: MESSAGE" line per error to `err`; returns the exit code
/// (0 valid, 1 invalid).
int check_config_command(const std::string& path, std::ostream& out, std::ostream& err,
                         const env_lookup& env);

}  // namespace openhouse::config
