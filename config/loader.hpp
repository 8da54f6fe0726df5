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

/// How a document is read. check-config sets `unset`: a `${VAR}` that is
/// unset is then listed there (key, line, "VAR is unset") instead of being
/// an error, and the key keeps its default.
struct load_options {
  std::vector<config_error>* unset = nullptr;
};

/// What a configuration file holds, by its top-level keys: a node file has
/// `markets:`; a file with node sections (server, twilio, storage, llm, ...)
/// and no `markets:` is an old-style single-market file; anything else is a
/// market file.
enum class file_kind { combined, node, market };

/// The kind of `yaml_text` (combined when it does not parse: its loader
/// reports why).
[[nodiscard]] file_kind kind_of_file(std::string_view yaml_text);

/// Parses and validates an old-style document holding node and market sections.
load_result load_market_string(std::string_view yaml_text, const env_lookup& env,
                               const load_options& options = {});

/// Reads `path`: an old-style file (as load_market_string), or a node file,
/// whose first market it loads with the node's settings (config/deployment.cpp;
/// a market file's problems name that file). An unreadable file yields one
/// error (line 0).
load_result load_market_file(const std::string& path, const env_lookup& env);

/// A node file: the node's settings (the market sections at their defaults)
/// and the market files its `markets:` names, as written (relative paths are
/// relative to the node file's directory).
struct node_document {
  market_config settings;
  std::string markets_dir;                ///< `markets: DIR`
  std::vector<std::string> market_files;  ///< `markets: [FILE, ...]`
  int markets_line = 0;
};

/// Parses and validates a node file.
expected<node_document, config_errors> load_node_string(std::string_view yaml_text,
                                                        const env_lookup& env,
                                                        const load_options& options = {});

/// Parses and validates a market file on top of `node`'s settings; with a
/// null `node` (a market file checked alone) on top of the defaults, and
/// checks that need the node's settings (follow-ups need REST mode) are skipped.
load_result load_market_part_string(std::string_view yaml_text, const market_config* node,
                                    const env_lookup& env, const load_options& options = {});

/// The text of `path`, or one error (line 0) when it cannot be read.
expected<std::string, config_errors> read_config_text(const std::string& path);

}  // namespace openhouse::config
