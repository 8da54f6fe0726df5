#include "config/deployment.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <ostream>
#include <system_error>
#include <utility>

namespace openhouse::config {

namespace {

namespace fs = std::filesystem;

void add_all(std::vector<file_error>& out, const std::string& file, config_errors errors) {
  for (auto& e : errors) out.push_back(file_error{file, std::move(e)});
}

/// The 1-based line of `market.<key>` in a market file's text (0 if unknown):
/// duplicates are found after loading, when only the values are left.
int market_key_line(const std::string& text, const char* key) {
  try {
    const YAML::Node node = YAML::Load(text)["market"][key];
    return node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
  } catch (const YAML::Exception&) {
    return 0;
  }
}

/// The market files of a node file, resolved against its directory.
std::vector<std::string> market_paths(const node_document& node, const std::string& node_file,
                                      std::vector<file_error>& errors) {
  const fs::path base = fs::path(node_file).parent_path();
  auto resolve = [&base](const std::string& p) {
    const fs::path path(p);
    return (path.is_absolute() || base.empty() ? path : base / path).lexically_normal().string();
  };
  std::vector<std::string> out;
  if (node.markets_dir.empty()) {
    for (const auto& f : node.market_files) out.push_back(resolve(f));
    return out;
  }
  const std::string dir = resolve(node.markets_dir);
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto ext = it->path().extension();
    if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) out.push_back(it->path());
  }
  if (ec) {
    errors.push_back(
        file_error{node_file, config_error{"markets", node.markets_line,
                                           "cannot read directory " + dir + ": " + ec.message()}});
  } else if (out.empty()) {
    errors.push_back(file_error{node_file, config_error{"markets", node.markets_line,
                                                        "no market files (*.yaml) in " + dir}});
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// A value two markets must not share: the first file that had it wins.
struct unique_values {
  const char* key;
  std::map<std::string, std::string> owner;  ///< value -> file

  void check(const std::string& value, const std::string& file, const std::string& text,
             std::vector<file_error>& errors) {
    if (value.empty()) return;
    auto [i, fresh] = owner.emplace(value, file);
    if (fresh) return;
    errors.push_back(file_error{
        file, config_error{std::string("market.") + key, market_key_line(text, key),
                           "\"" + value + "\" is also the " + key + " of " + i->second}});
  }
};

}  // namespace

std::string to_string(const file_error& e) { return to_string(e.error, e.file); }

std::shared_ptr<const market_config> deployment::by_number(std::string_view number) const {
  for (const auto& m : markets)
    if (m->market.phone_number == number) return m;
  return nullptr;
}

std::shared_ptr<const market_config> deployment::by_location(std::string_view location_id) const {
  if (markets.size() == 1 && markets[0]->market.crm_location_id.empty()) return markets[0];
  if (location_id.empty()) return nullptr;
  for (const auto& m : markets)
    if (m->market.crm_location_id == location_id) return m;
  return nullptr;
}

std::shared_ptr<const market_config> deployment::by_id(std::string_view id) const {
  if (id.empty()) return markets.empty() ? nullptr : markets[0];
  for (const auto& m : markets)
    if (m->market.id == id) return m;
  return nullptr;
}

namespace {

/// A market's data file is named relative to its market file, wherever the
/// node runs from.
market_config with_data_relative_to(market_config cfg, const std::string& file) {
  if (!cfg.market.data.file.empty() && std::filesystem::path(cfg.market.data.file).is_relative()) {
    cfg.market.data.file =
        (std::filesystem::path(file).parent_path() / cfg.market.data.file).lexically_normal();
  }
  return cfg;
}

}  // namespace

deployment_result load_deployment(const std::string& path, const env_lookup& env,
                                  const load_options& options) {
  std::vector<file_error> errors;
  auto text = read_config_text(path);
  if (!text) {
    add_all(errors, path, std::move(text.error()));
    return unexpected{std::move(errors)};
  }
  deployment out;
  out.node_file = path;
  const file_kind kind = kind_of_file(*text);
  if (kind != file_kind::node) {
    // An old-style file: one market with the node's settings. A market file
    // alone cannot run (it has no node settings): its node sections are
    // reported missing.
    auto cfg = load_market_string(*text, env, options);
    if (!cfg) {
      add_all(errors, path, std::move(cfg.error()));
      return unexpected{std::move(errors)};
    }
    out.markets.push_back(
        std::make_shared<const market_config>(with_data_relative_to(std::move(*cfg), path)));
    out.market_files.push_back(path);
    return out;
  }
  auto node = load_node_string(*text, env, options);
  if (!node) {
    add_all(errors, path, std::move(node.error()));
    return unexpected{std::move(errors)};
  }
  unique_values ids{"id", {}}, numbers{"phone_number", {}}, locations{"crm_location_id", {}};
  for (const auto& file : market_paths(*node, path, errors)) {
    auto market_text = read_config_text(file);
    if (!market_text) {
      add_all(errors, file, std::move(market_text.error()));
      continue;
    }
    if (kind_of_file(*market_text) != file_kind::market) {
      errors.push_back(
          file_error{file, config_error{"", 1,
                                        "a market file holds market settings only (node settings "
                                        "such as server, storage or llm belong in " +
                                            path + ")"}});
      continue;
    }
    auto cfg = load_market_part_string(*market_text, &node->settings, env, options);
    if (!cfg) {
      add_all(errors, file, std::move(cfg.error()));
      continue;
    }
    ids.check(cfg->market.id, file, *market_text, errors);
    numbers.check(cfg->market.phone_number, file, *market_text, errors);
    locations.check(cfg->market.crm_location_id, file, *market_text, errors);
    out.markets.push_back(
        std::make_shared<const market_config>(with_data_relative_to(std::move(*cfg), file)));
    out.market_files.push_back(file);
  }
  if (!errors.empty()) return unexpected{std::move(errors)};
  return out;
}

load_result load_market_file(const std::string& path, const env_lookup& env) {
  auto text = read_config_text(path);
  if (!text) return unexpected{std::move(text.error())};
  if (kind_of_file(*text) != file_kind::node) {
    auto cfg = load_market_string(*text, env);
    if (!cfg) return cfg;
    return with_data_relative_to(std::move(*cfg), path);
  }
  auto d = load_deployment(path, env);
  if (!d) {
    config_errors errors;
    for (auto& e : d.error()) {
      if (e.file != path) e.error.message += " (in " + e.file + ")";
      errors.push_back(std::move(e.error));
    }
    return unexpected{std::move(errors)};
  }
  return *d->markets.front();
}

int check_config_command(const std::string& path, std::ostream& out, std::ostream& err,
                         const env_lookup& env) {
  std::vector<config_error> unset;
  load_options options;
  options.unset = &unset;
  std::vector<file_error> errors;
  auto text = read_config_text(path);
  if (!text) {
    add_all(errors, path, std::move(text.error()));
  } else if (kind_of_file(*text) == file_kind::market) {
    if (auto cfg = load_market_part_string(*text, nullptr, env, options); !cfg) {
      add_all(errors, path, std::move(cfg.error()));
    }
  } else if (auto d = load_deployment(path, env, options); !d) {
    errors = std::move(d.error());
  }
  // Unset variables carry no file name; they are the node file's (or the
  // only file's) unless a market file uses variables too, which is rare.
  for (const auto& u : unset) out << to_string(u, path) << " (needed to serve)\n";
  if (errors.empty()) {
    out << "ok\n";
    return 0;
  }
  for (const auto& e : errors) err << to_string(e) << '\n';
  return 1;
}

}  // namespace openhouse::config
