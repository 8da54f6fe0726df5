#include "config/env_expand.hpp"

#include <cstdlib>
#include <map>
#include <utility>

namespace openhouse::config {

env_lookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    // The loader runs once at start-up, before any thread could call setenv.
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
  };
}

env_lookup fixed_env(std::vector<std::pair<std::string, std::string>> vars) {
  std::map<std::string, std::string> table(vars.begin(), vars.end());
  return [table = std::move(table)](const std::string& name) -> std::optional<std::string> {
    if (auto it = table.find(name); it != table.end()) return it->second;
    return std::nullopt;
  };
}

namespace {

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }

bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front())) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

}  // namespace

expansion expand_env(std::string_view text, const env_lookup& env) {
  expansion out;
  out.value.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      out.value += c;
      ++i;
      continue;
    }
    if (text.substr(i, 3) == "$${") {
      out.value += "${";
      i += 3;
      continue;
    }
    if (text.substr(i, 2) != "${") {
      out.value += c;
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      out.errors.push_back("unterminated ${ in \"" + std::string(text) + "\"");
      return out;
    }
    const std::string_view body = text.substr(i + 2, close - i - 2);
    i = close + 1;
    const std::size_t sep = body.find(":-");
    const std::string_view name = sep == std::string_view::npos ? body : body.substr(0, sep);
    if (!is_valid_name(name)) {
      out.errors.push_back("invalid environment variable name \"" + std::string(name) + "\"");
      continue;
    }
    const std::optional<std::string> value = env ? env(std::string(name)) : std::nullopt;
    if (sep != std::string_view::npos) {
      // Shell semantics of :- : an empty value counts as unset.
      out.value += (value && !value->empty()) ? *value : std::string(body.substr(sep + 2));
    } else if (value) {
      out.value += *value;
    } else {
      out.errors.push_back("environment variable " + std::string(name) + " is not set");
      out.unset.emplace_back(name);
    }
  }
  return out;
}

}  // namespace openhouse::config
