#include "config/loader.hpp"

#include "core/phone_number.hpp"
#include "core/public_key.hpp"
#include "core/redis_url.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <ostream>
#include <set>
#include <sstream>
#include <utility>

namespace openhouse::config {

std::string to_string(const config_error& e, std::string_view file) {
  std::string out(file);
  out += ':';
  out += std::to_string(e.line);
  out += ": ";
  if (!e.key.empty()) {
    out += e.key;
    out += ": ";
  }
  out += e.message;
  return out;
}

namespace {

// The system tz database; std::chrono::locate_zone is not in libstdc++ 12, and
// the runtime converts quiet hours through the same files.
constexpr std::string_view zoneinfo_dir = "/usr/share/zoneinfo";

/// Tolerance for "weights sum to 1": YAML decimals are not exact in binary.
constexpr double weight_sum_tolerance = 0.001;

/// How a key may be present: optional (default kept), non_empty (optional, but
/// if given must not be empty), required (present and not empty).
enum class need { optional, non_empty, required };

/// Which sections a document is read for: an old-style file holds both the
/// node's and the market's, a node file only the node's, a market file only
/// the market's (keys of the other part are then unknown keys).
enum class part { both, node, market };

/// yaml-cpp marks are 0-based and -1 for nodes built without a parser.
int line_of(const YAML::Node& node) {
  const int line = node.Mark().line;
  return line < 0 ? 0 : line + 1;
}

std::string join(const std::string& path, std::string_view name) {
  if (path.empty()) return std::string(name);
  return path + "." + std::string(name);
}

std::string index_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::string format_number(double value) {
  std::ostringstream s;
  s << value;
  return s.str();
}

/// A value found in the document, with the dotted path and the line to blame.
struct value_ref {
  YAML::Node node;
  std::string path;
  int line = 0;
};

/// Collects problems while the document is walked; nothing here throws.
class reader {
 public:
  explicit reader(const env_lookup& env, const load_options& options = {})
      : env_(env), options_(options) {}

  void fail(std::string key, int line, std::string message) {
    errors_.push_back(config_error{std::move(key), line, std::move(message)});
  }

  void fail(const value_ref& v, std::string message) { fail(v.path, v.line, std::move(message)); }

  std::size_t error_count() const { return errors_.size(); }

  std::vector<config_error> take_errors() {
    // The walk follows the schema, not the file; sort so output reads top-down.
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const config_error& a, const config_error& b) { return a.line < b.line; });
    return std::move(errors_);
  }

  /// Scalar text after env substitution; null reads as "" (e.g. `api_key:`).
  std::optional<std::string> text(const value_ref& v, std::string_view expected) {
    if (v.node.IsNull()) return std::string();
    if (!v.node.IsScalar()) {
      fail(v, "expected " + std::string(expected) + ", got " + kind_of(v.node));
      return std::nullopt;
    }
    expansion e = expand_env(v.node.Scalar(), env_);
    if (!e.ok()) {
      if (options_.unset != nullptr && e.unset.size() == e.errors.size()) {
        // check-config without the secrets: the value is unknown, not wrong.
        for (const auto& name : e.unset)
          options_.unset->push_back(config_error{v.path, v.line, name + " is unset"});
        return std::nullopt;
      }
      for (auto& message : e.errors) fail(v, std::move(message));
      return std::nullopt;
    }
    return std::move(e.value);
  }

  std::optional<std::string> string(const value_ref& v) { return text(v, "a string"); }

  /// true/false only: YAML 1.1's yes/no/on/off read as surprises in review.
  std::optional<bool> boolean(const value_ref& v) {
    auto s = text(v, "true or false");
    if (!s) return std::nullopt;
    if (*s == "true") return true;
    if (*s == "false") return false;
    fail(v, "expected true or false, got \"" + *s + "\"");
    return std::nullopt;
  }

  std::optional<long long> integer(const value_ref& v, long long min, long long max) {
    if (v.node.IsNull()) {
      fail(v, "expected an integer, got nothing");
      return std::nullopt;
    }
    auto s = text(v, "an integer");
    if (!s) return std::nullopt;
    long long value = 0;
    const char* first = s->data();
    const char* last = first + s->size();
    if (!s->empty() && *first == '+') ++first;
    auto [ptr, ec] = std::from_chars(first, last, value);
    if (s->empty() || ec != std::errc() || ptr != last) {
      fail(v, "expected an integer, got \"" + *s + "\"");
      return std::nullopt;
    }
    if (value < min || value > max) {
      fail(v, "must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got " +
                  std::to_string(value) + ")");
      return std::nullopt;
    }
    return value;
  }

  /// A finite number; range checks are left to the caller since they vary
  /// (open, closed, relative to other keys).
  std::optional<double> number(const value_ref& v) {
    if (v.node.IsNull()) {
      fail(v, "expected a number, got nothing");
      return std::nullopt;
    }
    auto s = text(v, "a number");
    if (!s) return std::nullopt;
    double value = 0;
    const char* first = s->data();
    const char* last = first + s->size();
    if (!s->empty() && *first == '+') ++first;
    auto [ptr, ec] = std::from_chars(first, last, value);
    if (s->empty() || ec != std::errc() || ptr != last || !std::isfinite(value)) {
      fail(v, "expected a number, got \"" + *s + "\"");
      return std::nullopt;
    }
    return value;
  }

  std::optional<double> number_in(const value_ref& v, double min, double max) {
    auto value = number(v);
    if (value && (*value < min || *value > max)) {
      fail(v, "must be between " + format_number(min) + " and " + format_number(max) + " (got " +
                  format_number(*value) + ")");
      return std::nullopt;
    }
    return value;
  }

 private:
  const env_lookup& env_;
  const load_options& options_;
  std::vector<config_error> errors_;
};

/// One YAML mapping being read: hands out children by name and afterwards
/// reports every key nobody asked for. An absent or malformed mapping is
/// "invalid": its getters return nothing, so one problem is reported once
/// instead of once per missing child.
class mapping {
 public:
  struct entry {
    std::string name;
    YAML::Node key;
    YAML::Node value;
    bool known = false;
  };

  /// `line` is where the mapping is introduced (its key), the line blamed for
  /// children that are missing.
  mapping(reader& r, const YAML::Node& node, std::string path, int line)
      : reader_(r), path_(std::move(path)), line_(line) {
    if (!node.IsDefined()) return;
    // `crm:` with nothing under it means "all defaults", not a type error.
    if (node.IsNull()) {
      valid_ = true;
      return;
    }
    if (!node.IsMap()) {
      reader_.fail(path_, line_, "expected a mapping, got " + kind_of(node));
      return;
    }
    valid_ = true;
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node& key = it->first;
      if (!key.IsScalar()) {
        reader_.fail(path_, line_of(key), "keys must be plain strings, got " + kind_of(key));
        continue;
      }
      // yaml-cpp keeps duplicates; the second would silently be ignored.
      if (!seen.insert(key.Scalar()).second) {
        reader_.fail(join(path_, key.Scalar()), line_of(key), "duplicate key");
        continue;
      }
      entries_.push_back(entry{key.Scalar(), key, it->second, false});
    }
  }

  /// The sub-mapping `name`; invalid (after reporting, if required) when absent.
  static mapping child(mapping& parent, std::string_view name, need n) {
    auto v = parent.get(name, n);
    if (!v)
      return mapping(parent.reader_, YAML::Node(YAML::NodeType::Undefined),
                     join(parent.path_, name), 0);
    return mapping(parent.reader_, v->node, v->path, v->line);
  }

  mapping(const mapping&) = delete;
  mapping& operator=(const mapping&) = delete;
  mapping(mapping&&) = default;

  bool valid() const { return valid_; }
  const std::string& path() const { return path_; }
  int line() const { return line_; }
  reader& owner() { return reader_; }

  /// Child `name`, marked as known. Absent: reports if required.
  std::optional<value_ref> get(std::string_view name, need n) {
    if (!valid_) return std::nullopt;
    for (auto& e : entries_) {
      if (e.name == name) {
        e.known = true;
        return ref(e);
      }
    }
    if (n == need::required) reader_.fail(join(path_, name), line_, "missing required key");
    return std::nullopt;
  }

  /// Every child, for mappings whose keys are data (models, tasks, weights).
  std::vector<std::pair<std::string, value_ref>> all() {
    std::vector<std::pair<std::string, value_ref>> out;
    if (!valid_) return out;
    for (auto& e : entries_) {
      e.known = true;
      out.emplace_back(e.name, ref(e));
    }
    return out;
  }

  /// Reports every key that was never asked for.
  void finish() {
    if (!valid_) return;
    for (const auto& e : entries_) {
      if (!e.known) reader_.fail(join(path_, e.name), line_of(e.key), "unknown key");
    }
  }

  // --- typed fields: assign `out` only when the value is valid --------------

  /// A string; `required` also rejects an empty result (e.g. `${VAR}` set to "").
  bool read_string(std::string_view name, std::string& out, need n) {
    auto v = get(name, n);
    if (!v) return false;
    auto s = reader_.string(*v);
    if (!s) return false;
    if (n != need::optional && s->empty()) {
      reader_.fail(*v, "must not be empty");
      return false;
    }
    out = std::move(*s);
    return true;
  }

  /// A string that must be one of `choices`.
  bool read_choice(std::string_view name, std::string& out,
                   std::initializer_list<std::string_view> choices) {
    auto v = get(name, need::optional);
    if (!v) return false;
    auto s = reader_.string(*v);
    if (!s) return false;
    if (std::find(choices.begin(), choices.end(), *s) == choices.end()) {
      std::string list;
      for (auto c : choices) list += (list.empty() ? "" : "|") + std::string(c);
      reader_.fail(*v, "must be one of " + list + " (got \"" + *s + "\")");
      return false;
    }
    out = std::move(*s);
    return true;
  }

  template <typename Int>
  bool read_int(std::string_view name, Int& out, long long min, long long max,
                need n = need::optional) {
    auto v = get(name, n);
    if (!v) return false;
    auto value = reader_.integer(*v, min, max);
    if (!value) return false;
    out = static_cast<Int>(*value);
    return true;
  }

  bool read_number(std::string_view name, double& out, double min, double max,
                   need n = need::optional) {
    auto v = get(name, n);
    if (!v) return false;
    auto value = reader_.number_in(*v, min, max);
    if (!value) return false;
    out = *value;
    return true;
  }

 private:
  value_ref ref(const entry& e) const {
    // Scalars are blamed where they are; a block mapping/list's own mark is its
    // first child, and a null's mark can be the next line, so use the key there.
    const int line = e.value.IsScalar() ? line_of(e.value) : line_of(e.key);
    return value_ref{e.value, join(path_, e.name), line};
  }

  reader& reader_;
  std::string path_;
  int line_ = 0;
  bool valid_ = false;
  std::vector<entry> entries_;
};

// --- small validators -------------------------------------------------------

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_slug(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'; });
}

/// Task, component and model names become metric labels and cache-key parts.
bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
           c == '-' || c == '.';
  });
}

bool is_zip(std::string_view s) {
  return s.size() == 5 && std::all_of(s.begin(), s.end(), is_digit);
}

/// "" when fine, else the problem. Only http(s), a host, and no trailing slash
/// (paths are appended with a leading slash, and Twilio signs the exact URL).
std::string check_http_url(std::string_view s) {
  std::string_view rest;
  if (s.starts_with("http://")) {
    rest = s.substr(7);
  } else if (s.starts_with("https://")) {
    rest = s.substr(8);
  } else {
    return "must start with http:// or https:// (got \"" + std::string(s) + "\")";
  }
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') return "has no host";
  if (s.back() == '/') return "must not end with a slash";
  if (s.find_first_of(" \t\r\n") != std::string_view::npos) return "must not contain whitespace";
  return {};
}

bool timezone_exists(std::string_view zone) {
  // Reject anything that could escape the zoneinfo directory.
  if (zone.empty() || zone.front() == '/' || zone.find("..") != std::string_view::npos)
    return false;
  std::error_code ec;
  const auto path = std::filesystem::path(zoneinfo_dir) / std::filesystem::path(zone);
  return std::filesystem::is_regular_file(path, ec);
}

/// "HH:MM" to minutes after midnight.
std::optional<int> parse_hh_mm(std::string_view s) {
  if (s.size() != 5 || s[2] != ':' || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[3]) ||
      !is_digit(s[4])) {
    return std::nullopt;
  }
  const int hours = (s[0] - '0') * 10 + (s[1] - '0');
  const int minutes = (s[3] - '0') * 10 + (s[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

/// A string field that must also pass `check` ("" = fine).
template <typename Check>
void read_checked(mapping& m, std::string_view name, std::string& out, need n, Check check) {
  auto v = m.get(name, n);
  if (!v) return;
  auto s = m.owner().string(*v);
  if (!s) return;
  if (s->empty()) {
    if (n != need::optional)
      m.owner().fail(*v, "must not be empty");
    else
      out.clear();
    return;
  }
  if (std::string problem = check(*s); !problem.empty()) {
    m.owner().fail(*v, std::move(problem));
    return;
  }
  out = std::move(*s);
}

std::vector<std::string> read_string_list(mapping& m, std::string_view name, bool non_empty_items) {
  std::vector<std::string> out;
  auto v = m.get(name, need::optional);
  if (!v) return out;
  if (v->node.IsNull()) return out;
  if (!v->node.IsSequence()) {
    m.owner().fail(*v, "expected a list, got " + kind_of(v->node));
    return out;
  }
  for (std::size_t i = 0; i < v->node.size(); ++i) {
    value_ref item{v->node[i], index_path(v->path, i), line_of(v->node[i])};
    if (!item.node.IsScalar() && !item.node.IsNull()) {
      m.owner().fail(item, "expected a string, got " + kind_of(item.node));
      continue;
    }
    auto s = m.owner().string(item);
    if (!s) continue;
    if (non_empty_items && s->empty()) {
      m.owner().fail(item, "must not be empty");
      continue;
    }
    out.push_back(std::move(*s));
  }
  return out;
}

// --- sections -----------------------------------------------------------------

void read_cities(mapping& m, std::vector<city>& out) {
  reader& r = m.owner();
  auto v = m.get("cities", need::required);
  if (!v) return;
  if (!v->node.IsSequence()) {
    r.fail(*v, v->node.IsNull() ? "at least one city is required"
                                : "expected a list, got " + kind_of(v->node));
    return;
  }
  if (v->node.size() == 0) {
    r.fail(*v, "at least one city is required");
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < v->node.size(); ++i) {
    const YAML::Node item = v->node[i];
    mapping c(r, item, index_path(v->path, i), line_of(item));
    if (!c.valid()) continue;
    city entry;
    c.read_string("name", entry.name, need::required);
    if (!entry.name.empty() && !names.insert(entry.name).second) {
      r.fail(join(c.path(), "name"), c.line(), "duplicate city \"" + entry.name + "\"");
    }
    if (auto zips = c.get("zips", need::optional)) {
      if (!zips->node.IsSequence() && !zips->node.IsNull()) {
        r.fail(*zips, "expected a list, got " + kind_of(zips->node));
      } else {
        for (std::size_t z = 0; z < zips->node.size(); ++z) {
          value_ref zip{zips->node[z], index_path(zips->path, z), line_of(zips->node[z])};
          auto s = r.string(zip);
          if (!s) continue;
          if (!is_zip(*s)) {
            r.fail(zip, "expected a 5-digit ZIP code (got \"" + *s + "\")");
            continue;
          }
          entry.zips.push_back(std::move(*s));
        }
      }
    }
    c.finish();
    out.push_back(std::move(entry));
  }
}

void read_market(mapping& root, market_info& out) {
  mapping m = mapping::child(root, "market", need::required);
  read_checked(m, "id", out.id, need::required, [](const std::string& s) {
    return is_slug(s) ? std::string()
                      : "must be a lowercase slug like \"inland-empire\" (got \"" + s + "\")";
  });
  m.read_string("name", out.name, need::required);
  m.read_string("business_name", out.business_name, need::required);
  read_checked(m, "timezone", out.timezone, need::required, [](const std::string& s) {
    return timezone_exists(s)
               ? std::string()
               : "unknown time zone \"" + s + "\" (not under " + std::string(zoneinfo_dir) + ")";
  });
  read_checked(m, "phone_number", out.phone_number, need::required, [](const std::string& s) {
    return core::is_phone_number(s)
               ? std::string()
               : "must be an E.164 number like +19095550100 (got \"" + s + "\")";
  });
  m.read_string("crm_location_id", out.crm_location_id, need::non_empty);
  read_cities(m, out.cities);
  m.read_string("help_text", out.help_text, need::required);
  m.read_string("fallback_reply", out.fallback_reply, need::required);
  {
    mapping d = mapping::child(m, "market_data", need::optional);  // absent: no data
    d.read_string("file", out.data.file, need::required);
    d.finish();
  }
  m.finish();
}

void read_duration(mapping& m, std::string_view name, std::chrono::milliseconds& out,
                   std::chrono::milliseconds min, std::chrono::milliseconds max,
                   std::string_view bounds);

void read_server(mapping& root, server_settings& out) {
  using namespace std::chrono_literals;
  mapping m = mapping::child(root, "server", need::required);
  m.read_string("bind_address", out.bind_address, need::non_empty);
  m.read_int("port", out.port, 0, 65535);  // 0: any free port (tests, scripts/run)
  read_checked(m, "public_url", out.public_url, need::required, check_http_url);
  m.read_int("io_threads", out.io_threads, 1, 64);
  m.read_int("max_body_bytes", out.max_body_bytes, 1024, 64LL * 1024 * 1024);
  m.read_string("admin_token", out.admin_token, need::optional);
  // "0s": stop at once (a single node, or a balancer told by other means).
  read_duration(m, "drain_delay", out.drain_delay, 0ms, 10min, "0s and 10m");
  m.read_int("max_connections", out.max_connections, 16, 1'000'000);
  m.read_int("max_header_bytes", out.max_header_bytes, 1024, 1024LL * 1024);
  read_duration(m, "idle_timeout", out.idle_timeout, 100ms, 1h, "100ms and 1h");
  read_duration(m, "header_timeout", out.header_timeout, 100ms, 10min, "100ms and 10m");
  read_duration(m, "body_timeout", out.body_timeout, 100ms, 10min, "100ms and 10m");
  m.finish();
}

void read_twilio(mapping& root, twilio_settings& out) {
  mapping m = mapping::child(root, "twilio", need::required);
  m.read_string("account_sid", out.account_sid, need::optional);
  m.read_string("auth_token", out.auth_token, need::required);
  std::string mode;
  if (m.read_choice("mode", mode, {"twiml", "rest"})) {
    out.mode = mode == "rest" ? reply_mode::rest : reply_mode::twiml;
    // REST sends authenticate as the account; TwiML replies need no SID.
    if (out.mode == reply_mode::rest && out.account_sid.empty()) {
      m.owner().fail(join(m.path(), "account_sid"), m.line(), "required when twilio.mode is rest");
    }
  }
  read_checked(m, "api_base_url", out.api_base_url, need::non_empty, check_http_url);
  // Optional; "" (e.g. an unset variable) asks Twilio for no delivery reports.
  read_checked(m, "status_callback", out.status_callback, need::optional, [](const std::string& s) {
    return s.starts_with("http://") || s.starts_with("https://")
               ? std::string()
               : "must start with http:// or https:// (got \"" + s + "\")";
  });
  read_checked(m, "url_fragment", out.url_fragment, need::optional, [](const std::string& s) {
    return s.starts_with('#') ? std::string()
                              : "must start with # (got \"" + s + "\"), e.g. #rc=3&rp=ct,rt,5xx";
  });
  m.finish();
}

/// The PEM text of `public_key`: the value itself, or the file it names.
/// "" when fine, else the problem.
std::string read_public_key(std::string& value) {
  if (value.find("-----BEGIN") == std::string::npos) {
    std::ifstream in{value};
    if (!in) return "cannot read the key file \"" + value + "\"";
    std::ostringstream text;
    text << in.rdbuf();
    value = text.str();
  }
  if (!crm::public_key::from_pem(value)) return "not a PEM public key";
  return {};
}

void read_crm(mapping& root, crm_settings& out) {
  mapping m = mapping::child(root, "crm", need::optional);
  m.read_string("secret", out.secret, need::optional);
  read_checked(m, "base_url", out.base_url, need::optional, check_http_url);
  m.read_string("api_token", out.api_token, need::optional);
  read_checked(m, "public_key", out.public_key, need::optional, read_public_key);
  long long window = 0;
  if (m.read_int("replay_window_s", window, 1, 24LL * 3600)) {
    out.replay_window = std::chrono::seconds(window);
  }
  m.read_string("release_tag", out.release_tag, need::non_empty);
  m.finish();
}

void read_outbox(mapping& root, outbox_settings& out) {
  mapping m = mapping::child(root, "outbox", need::optional);
  auto millis = [&m](std::string_view name, std::chrono::milliseconds& field, long long min,
                     long long max) {
    long long value = 0;
    if (m.read_int(name, value, min, max)) field = std::chrono::milliseconds(value);
  };
  millis("poll_ms", out.poll, 10, 3600LL * 1000);
  m.read_int("max_attempts", out.max_attempts, 1, 100);
  millis("base_delay_ms", out.base_delay, 1, 3600LL * 1000);
  millis("max_delay_ms", out.max_delay, 1, 24LL * 3600 * 1000);
  millis("timeout_ms", out.timeout, 100, 120LL * 1000);
  if (out.max_delay < out.base_delay) {
    m.owner().fail(join(m.path(), "max_delay_ms"), m.line(), "must not be below base_delay_ms");
  }
  m.finish();
}

void read_storage(mapping& root, storage_settings& out) {
  mapping m = mapping::child(root, "storage", need::required);
  m.read_string("database_url", out.database_url, need::required);
  // Refused here rather than ignored: credentials and TLS the node would
  // drop silently, or a URL no connection could use.
  read_checked(m, "redis_url", out.redis_url, need::required,
               [](const std::string& s) { return redis::parse_url_checked(s).error; });
  m.read_int("db_workers", out.db_workers, 1, 64);
  m.read_int("write_queue", out.write_queue, 1, 1000000);
  m.read_int("write_batch", out.write_batch, 1, 10000);
  m.finish();
}

void read_runtime(mapping& root, runtime_settings& out) {
  mapping m = mapping::child(root, "runtime", need::optional);
  long long idle = 0;
  if (m.read_int("conversation_idle_timeout_s", idle, 1, 7LL * 24 * 3600)) {
    out.conversation_idle_timeout = std::chrono::seconds(idle);
  }
  m.read_int("history_limit", out.history_limit, 1, 1000);
  long long lease = 0;
  if (m.read_int("turn_lease_ms", lease, 1000, 600000)) {
    out.turn_lease = std::chrono::milliseconds(lease);
  }
  using namespace std::chrono_literals;
  read_duration(m, "orphan_max_age", out.orphan_max_age, 0ms, 24h, "0s and 24h");
  read_duration(m, "orphan_poll", out.orphan_poll, 100ms, 1h, "100ms and 1h");
  m.finish();
}

/// A model name that must have a price: every call is accounted in dollars.
/// Reports on `v` and returns false when it has none.
bool check_priced(reader& r, const value_ref& v, const std::string& model, bool prices_valid,
                  const llm_settings& llm) {
  if (prices_valid && !llm.prices.contains(model)) {
    r.fail(v, "model \"" + model + "\" has no price in llm.prices");
    return false;
  }
  return true;
}

void read_retry(mapping& llm, retry_settings& out) {
  mapping m = mapping::child(llm, "retry", need::optional);
  reader& r = m.owner();
  m.read_int("max_attempts", out.max_attempts, 1, 20);
  long long ms = 0;
  if (m.read_int("base_delay_ms", ms, 1, 60'000)) out.base_delay = std::chrono::milliseconds(ms);
  if (auto v = m.get("max_delay_ms", need::optional)) {
    if (auto value = r.integer(*v, 1, 600'000)) {
      // A cap below the first delay would make every delay the cap: a typo.
      if (*value < out.base_delay.count()) {
        r.fail(*v,
               "must be at least base_delay_ms (" + std::to_string(out.base_delay.count()) + ")");
      } else {
        out.max_delay = std::chrono::milliseconds(*value);
      }
    }
  }
  if (m.read_int("deadline_ms", ms, 1, 600'000)) out.deadline = std::chrono::milliseconds(ms);
  m.read_number("jitter", out.jitter, 0, 1);
  m.finish();
}

void read_breaker(mapping& llm, breaker_settings& out) {
  mapping m = mapping::child(llm, "breaker", need::optional);
  m.read_int("failure_threshold", out.failure_threshold, 1, 1000);
  long long ms = 0;
  if (m.read_int("open_ms", ms, 1, 3'600'000)) out.open = std::chrono::milliseconds(ms);
  m.finish();
}

/// Caps are required and positive: a zero or absent cap would mean unbounded
/// spending, which the gateway must never allow.
void read_budgets(mapping& llm, bool prices_valid, llm_settings& out) {
  mapping m = mapping::child(llm, "budgets", need::required);
  reader& r = m.owner();
  budget_settings& b = out.budgets;
  constexpr long long max_tokens = 1'000'000'000'000LL;
  m.read_int("contact_daily_tokens", b.contact_daily_tokens, 1, max_tokens, need::required);
  m.read_int("market_daily_tokens", b.market_daily_tokens, 1, max_tokens, need::required);
  auto read_usd = [&](std::string_view name, double& value) {
    auto v = m.get(name, need::required);
    if (!v) return;
    auto usd = r.number(*v);
    if (!usd) return;
    if (!(*usd > 0 && *usd <= 1'000'000)) {
      r.fail(*v, "must be above 0 and at most 1000000 (got " + format_number(*usd) + ")");
      return;
    }
    value = *usd;
  };
  read_usd("contact_daily_usd", b.contact_daily_usd);
  read_usd("market_daily_usd", b.market_daily_usd);
  std::string action;
  if (m.read_choice("over_cap_action", action, {"downgrade", "fallback"})) {
    b.action = action == "fallback" ? over_cap_action::fallback : over_cap_action::downgrade;
  }
  m.read_number("hard_cap_ratio", b.hard_cap_ratio, 1, 10);
  // The cheaper model is needed only when calls are downgraded.
  const need model_need = b.action == over_cap_action::downgrade ? need::required : need::non_empty;
  if (auto v = m.get("downgrade_model", model_need)) {
    if (auto model = r.string(*v)) {
      if (model->empty()) {
        r.fail(*v, "must not be empty");
      } else if (check_priced(r, *v, *model, prices_valid, out)) {
        b.downgrade_model = std::move(*model);
      }
    }
  }
  m.finish();
}

/// long_input_tokens and long_input_model only make sense together.
void read_long_input(mapping& llm, bool prices_valid, llm_settings& out) {
  reader& r = llm.owner();
  auto tokens_v = llm.get("long_input_tokens", need::optional);
  auto model_v = llm.get("long_input_model", need::optional);
  if (tokens_v) {
    if (auto tokens = r.integer(*tokens_v, 1, 10'000'000))
      out.long_input_tokens = static_cast<std::size_t>(*tokens);
  }
  if (model_v) {
    if (auto model = r.string(*model_v)) {
      if (model->empty()) {
        r.fail(*model_v, "must not be empty");
      } else if (check_priced(r, *model_v, *model, prices_valid, out)) {
        out.long_input_model = std::move(*model);
      }
    }
  }
  if (tokens_v && !model_v) r.fail(*tokens_v, "needs llm.long_input_model");
  if (model_v && !tokens_v) r.fail(*model_v, "needs llm.long_input_tokens");
}

/// Tasks every market must route: the turn cannot run without them.
constexpr std::string_view required_tasks[] = {"intent", "facts", "reply"};

void read_llm(mapping& root, llm_settings& out) {
  mapping m = mapping::child(root, "llm", need::required);
  reader& r = m.owner();
  m.read_choice("provider", out.provider, {"anthropic", "openai"});
  read_checked(m, "base_url", out.base_url, need::required, check_http_url);
  m.read_string("api_key", out.api_key, need::optional);
  long long timeout = 0;
  if (m.read_int("timeout_ms", timeout, 1, 600000))
    out.timeout = std::chrono::milliseconds(timeout);
  {
    // llm.workers bounded the blocking provider workers, which are gone:
    // older files still load, and the key is range-checked as before but
    // bounds nothing (README "Configuration").
    std::size_t unused_workers = 0;
    m.read_int("workers", unused_workers, 1, 1024);
  }
  m.read_int("queue_limit", out.queue_limit, 1, 1'000'000);
  {
    mapping limits = mapping::child(m, "rate_limits", need::optional);
    for (auto& [model, v] : limits.all()) {
      if (!is_identifier(model)) r.fail(v, "invalid model name \"" + model + "\"");
      mapping l(r, v.node, v.path, v.line);
      rate_limit_settings limit;
      l.read_int("requests_per_minute", limit.requests_per_minute, 0, 100'000'000);
      l.read_int("input_tokens_per_minute", limit.input_tokens_per_minute, 0, 10'000'000'000);
      l.read_int("output_tokens_per_minute", limit.output_tokens_per_minute, 0, 10'000'000'000);
      l.finish();
      out.rate_limits[model] = limit;
    }
  }
  m.read_int("max_output_tokens", out.max_output_tokens, 1, 100000);

  // Prices first, so routing can be checked against them.
  bool prices_valid = false;
  {
    mapping prices = mapping::child(m, "prices", need::required);
    prices_valid = prices.valid();
    for (auto& [model, v] : prices.all()) {
      if (!is_identifier(model)) r.fail(v, "invalid model name \"" + model + "\"");
      mapping p(r, v.node, v.path, v.line);
      model_price price;
      p.read_number("input", price.input, 0, 1000, need::required);
      p.read_number("output", price.output, 0, 1000, need::required);
      p.read_number("cache_write", price.cache_write, 0, 1000);
      p.read_number("cache_read", price.cache_read, 0, 1000);
      price.min_cacheable_tokens = default_min_cacheable_tokens(model);
      p.read_int("min_cacheable_tokens", price.min_cacheable_tokens, 1, 1'000'000);
      p.finish();
      // Keep the name even when a field was bad: one problem, one error.
      out.prices[model] = price;
    }
  }

  mapping routing = mapping::child(m, "routing", need::required);
  for (auto task : required_tasks) routing.get(task, need::required);
  for (auto& [task, v] : routing.all()) {
    if (!is_identifier(task)) r.fail(v, "invalid task name \"" + task + "\"");
    auto model = r.string(v);
    if (!model) continue;
    if (model->empty()) {
      r.fail(v, "must not be empty");
      continue;
    }
    if (prices_valid && !out.prices.contains(*model)) {
      r.fail(v, "model \"" + *model + "\" has no price in llm.prices");
    }
    out.routing[task] = std::move(*model);
  }

  read_retry(m, out.retry);
  read_breaker(m, out.breaker);
  read_budgets(m, prices_valid, out);
  read_long_input(m, prices_valid, out);
  m.finish();
}

/// The facts a flow question may name (agents::fact_field_names; config sits
/// below agents, so the names are listed here and a test keeps them equal).
bool is_fact_name(std::string_view name) {
  static constexpr std::array<std::string_view, 13> names{
      "budget_usd", "pre_approved",        "down_payment_pct",   "timeline_months",
      "motivation", "motivation_strength", "property_condition", "price_expectation_usd",
      "bedrooms",   "bathrooms",           "property_type",      "areas",
      "must_haves"};
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// A bot's question flow: each item is the question ("...") or
/// {ask: "...", fact: <fact name>}.
std::vector<flow_question> read_flow(mapping& m, std::string_view name) {
  std::vector<flow_question> out;
  auto v = m.get(name, need::optional);
  if (!v || v->node.IsNull()) return out;
  if (!v->node.IsSequence()) {
    m.owner().fail(*v, "expected a list, got " + kind_of(v->node));
    return out;
  }
  for (std::size_t i = 0; i < v->node.size(); ++i) {
    const YAML::Node item = v->node[i];
    flow_question q;
    if (item.IsMap()) {
      mapping c(m.owner(), item, index_path(v->path, i), line_of(item));
      // The question is the item: a mapping without one is a mistake, not a skip.
      c.read_string("ask", q.ask, need::required);
      if (auto f = c.get("fact", need::optional)) {
        auto s = m.owner().string(*f);
        if (s && !is_fact_name(*s)) {
          m.owner().fail(*f,
                         "unknown fact \"" + *s +
                             "\" (budget_usd, pre_approved, "
                             "down_payment_pct, timeline_months, motivation, property_condition, "
                             "price_expectation_usd, bedrooms, bathrooms, property_type, areas, "
                             "must_haves, ...)");
        } else if (s) {
          q.fact = std::move(*s);
        }
      }
      c.finish();
    } else {
      value_ref ref{item, index_path(v->path, i), line_of(item)};
      if (!item.IsScalar()) {
        m.owner().fail(ref, "expected a question or {ask, fact}, got " + kind_of(item));
        continue;
      }
      auto s = m.owner().string(ref);
      if (!s) continue;
      if (s->empty()) {
        m.owner().fail(ref, "must not be empty");
        continue;
      }
      q.ask = std::move(*s);
    }
    if (!q.ask.empty()) out.push_back(std::move(q));
  }
  return out;
}

void read_bot(mapping& bots, std::string_view name, bot_settings& out) {
  mapping m = mapping::child(bots, name, need::optional);
  m.read_string("persona", out.persona, need::non_empty);
  out.questions = read_flow(m, "questions");
  m.finish();
}

void read_bots(mapping& root, bots_settings& out) {
  mapping m = mapping::child(root, "bots", need::optional);
  read_bot(m, "lead", out.lead);
  read_bot(m, "buyer", out.buyer);
  read_bot(m, "seller", out.seller);
  m.finish();
}

void read_weights(mapping& scoring, std::string_view name, std::map<std::string, double>& out) {
  reader& r = scoring.owner();
  mapping m = mapping::child(scoring, name, need::required);
  if (!m.valid()) return;
  const std::size_t errors_before = r.error_count();
  double sum = 0;
  for (auto& [component, v] : m.all()) {
    if (!is_identifier(component)) r.fail(v, "invalid component name \"" + component + "\"");
    auto w = r.number_in(v, 0, 1);
    if (!w) continue;
    out[component] = *w;
    sum += *w;
  }
  // A sum over bad entries would only repeat their errors.
  if (r.error_count() != errors_before) return;
  if (out.empty()) {
    r.fail(m.path(), m.line(), "at least one weight is required");
  } else if (std::abs(sum - 1.0) > weight_sum_tolerance) {
    r.fail(m.path(), m.line(), "weights must sum to 1 (got " + format_number(sum) + ")");
  }
}

void read_scoring(mapping& root, scoring_settings& out) {
  mapping m = mapping::child(root, "scoring", need::required);
  read_weights(m, "frs_weights", out.frs_weights);
  read_weights(m, "pcs_weights", out.pcs_weights);
  m.read_number("frs_share", out.frs_share, 0, 1);
  reader& r = m.owner();
  // 0 < warm < hot <= 100: checked together because each bound depends on the other.
  auto hot_v = m.get("hot_threshold", need::optional);
  auto warm_v = m.get("warm_threshold", need::optional);
  std::optional<double> hot = hot_v ? r.number(*hot_v) : std::optional<double>(out.hot_threshold);
  std::optional<double> warm =
      warm_v ? r.number(*warm_v) : std::optional<double>(out.warm_threshold);
  if (hot_v && hot && !(*hot > 0 && *hot <= 100)) {
    r.fail(*hot_v, "must be above 0 and at most 100 (got " + format_number(*hot) + ")");
    hot.reset();
  }
  if (warm_v && warm && !(*warm > 0 && *warm < 100)) {
    r.fail(*warm_v, "must be above 0 and below 100 (got " + format_number(*warm) + ")");
    warm.reset();
  }
  if (hot && warm) {
    if (*warm < *hot) {
      out.hot_threshold = *hot;
      out.warm_threshold = *warm;
    } else {
      const value_ref& blame = warm_v ? *warm_v : *hot_v;
      r.fail(blame, "warm_threshold (" + format_number(*warm) + ") must be below hot_threshold (" +
                        format_number(*hot) + ")");
    }
  }
  m.finish();
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view s);

void read_escalation(mapping& root, escalation_config& out) {
  using namespace std::chrono_literals;
  mapping m = mapping::child(root, "escalation", need::optional);
  out.distress_words = read_string_list(m, "distress_words", true);
  out.human_phrases = read_string_list(m, "human_phrases", true);
  // Removed, not ignored: a market that set it expects something of it, and
  // counting questions and thanks as "unproductive" muted most leads.
  if (auto v = m.get("max_unproductive_turns", need::optional)) {
    m.owner().fail(*v,
                   "removed: questions, answers and thanks no longer escalate; delete the key "
                   "(escalation.confusion_turns mutes a lead stuck in confusion)");
  }
  m.read_number("human_intent_threshold", out.human_intent_threshold, 0, 1);
  m.read_int("confusion_turns", out.confusion_turns, 0, 20);
  if (auto v = m.get("mute_on_hot", need::optional)) {
    if (auto b = m.owner().boolean(*v)) out.mute_on_hot = *b;
  }
  if (auto v = m.get("hold_reply_every", need::optional)) {
    if (auto s = m.owner().string(*v)) {
      // "0" (any unit or none): never a holding reply.
      const auto d = *s == "0" ? std::optional{0ms} : parse_duration(*s);
      if (!d) {
        m.owner().fail(*v,
                       "expected a duration like \"30m\", \"4h\" or \"1d\", or \"0\" for "
                       "never (got \"" +
                           *s + "\")");
      } else if (d->count() != 0 && (*d < 1min || *d > 30 * 24h)) {
        m.owner().fail(*v, "must be 0 (never) or between 1m and 30d (got \"" + *s + "\")");
      } else {
        out.hold_reply_every = *d;
      }
    }
  }
  m.finish();
}

void read_compliance(mapping& root, compliance_settings& out) {
  mapping m = mapping::child(root, "compliance", need::optional);
  out.opt_out_keywords = read_string_list(m, "opt_out_keywords", true);
  out.opt_out_phrases = read_string_list(m, "opt_out_phrases", true);
  out.not_opt_out_phrases = read_string_list(m, "not_opt_out_phrases", true);
  m.finish();
}

void read_handoff(mapping& root, handoff_settings& out) {
  mapping m = mapping::child(root, "handoff", need::optional);
  m.read_number("lead_to_buyer", out.lead_to_buyer, 0, 1);
  m.read_number("lead_to_seller", out.lead_to_seller, 0, 1);
  m.read_number("buyer_to_seller", out.buyer_to_seller, 0, 1);
  m.read_number("seller_to_buyer", out.seller_to_buyer, 0, 1);
  m.read_number("margin", out.margin, 0, 1);
  long long window = 0;
  // 0 is allowed: it disables the no-return rule.
  if (m.read_int("return_window_min", window, 0, 24 * 60))
    out.return_window = std::chrono::minutes(window);
  m.read_int("max_per_hour", out.max_per_hour, 0, 1000);
  auto per_day = m.get("max_per_day", need::optional);
  if (per_day) {
    if (auto value = m.owner().integer(*per_day, 0, 10000)) {
      if (*value < out.max_per_hour) {
        m.owner().fail(*per_day,
                       "must be at least max_per_hour (" + std::to_string(out.max_per_hour) + ")");
      } else {
        out.max_per_day = static_cast<int>(*value);
      }
    }
  }
  m.finish();
}

/// A mapping of word -> replacement (lexicon additions); both sides lower case.
void read_word_map(mapping& parent, std::string_view name,
                   std::map<std::string, std::string>& out) {
  mapping m = mapping::child(parent, name, need::optional);
  for (auto& [word, v] : m.all()) {
    auto s = m.owner().string(v);
    if (!s) continue;
    if (word.empty() || s->empty()) {
      m.owner().fail(v, "words must not be empty");
      continue;
    }
    out[word] = *s;
  }
  m.finish();
}

void read_semantic(mapping& cache, semantic_settings& out, part p) {
  mapping m = mapping::child(cache, "semantic", need::optional);
  if (p != part::market) {
    if (auto v = m.get("enabled", need::optional)) {
      if (auto b = m.owner().boolean(*v)) out.enabled = *b;
    }
    m.read_choice("embedder", out.embedder, {"local", "openai"});
    m.read_string("embedding_model", out.embedding_model, need::optional);
  }
  if (p == part::node) {
    m.finish();
    return;
  }
  mapping thresholds = mapping::child(m, "thresholds", need::optional);
  for (auto& [task, v] : thresholds.all()) {
    if (!is_identifier(task)) m.owner().fail(v, "invalid task name \"" + task + "\"");
    // Below 0.5 a "similar" text is as likely a different question.
    if (auto t = m.owner().number_in(v, 0.5, 1.0)) out.thresholds[task] = *t;
  }
  read_word_map(m, "spellings", out.spellings);
  read_word_map(m, "synonyms", out.synonyms);
  out.cities = read_string_list(m, "cities", true);
  // At most every hit; 0 turns the estimate off (and its extra calls).
  m.read_int("verify_every", out.verify_every, 0, 1000000);
  m.finish();
}

void read_cache_policy(mapping& m, cache_settings& out);
void read_cache_infrastructure(mapping& m, cache_settings& out);

void read_cache(mapping& root, cache_settings& out, part p) {
  mapping m = mapping::child(root, "cache", need::optional);
  if (p != part::market) read_cache_infrastructure(m, out);
  if (p != part::node) read_cache_policy(m, out);
  read_semantic(m, out.semantic, p);
  m.finish();
}

/// The market's own cache keys: TTLs (thresholds and lexicon are under semantic).
void read_cache_policy(mapping& m, cache_settings& out) {
  mapping ttl = mapping::child(m, "ttl_s", need::optional);
  for (auto& [task, v] : ttl.all()) {
    if (!is_identifier(task)) m.owner().fail(v, "invalid task name \"" + task + "\"");
    // A week bounds typos like an extra zero; FAQ answers (24 h) are the longest.
    if (auto seconds = m.owner().integer(v, 1, 7LL * 24 * 3600))
      out.ttl[task] = std::chrono::seconds(*seconds);
  }
  ttl.finish();
  // Units shared by a market read only PII-free text, not a lead's state:
  // their volatility is the market's, so they get a TTL of their own.
  mapping shared_ttl = mapping::child(m, "shared_ttl_s", need::optional);
  for (auto& [task, v] : shared_ttl.all()) {
    if (!is_identifier(task)) m.owner().fail(v, "invalid task name \"" + task + "\"");
    if (auto seconds = m.owner().integer(v, 1, 7LL * 24 * 3600)) {
      out.shared_ttl[task] = std::chrono::seconds(*seconds);
    }
  }
  shared_ttl.finish();
}

/// The node's cache keys: memory and Redis.
void read_cache_infrastructure(mapping& m, cache_settings& out) {
  m.read_int("l1_max_bytes", out.l1_max_bytes, 1024, std::numeric_limits<long long>::max());
  long long redis_timeout = 0;
  if (m.read_int("redis_timeout_ms", redis_timeout, 1, 60'000))
    out.redis_timeout = std::chrono::milliseconds(redis_timeout);
  read_checked(m, "redis_prefix", out.redis_prefix, need::optional, [](const std::string& s) {
    return is_identifier(s) ? std::string()
                            : std::string("must be an identifier (letters, digits, '_', '-', '.')");
  });
  if (auto v = m.get("subscribe", need::optional)) {
    if (auto b = m.owner().boolean(*v)) out.subscribe = *b;
  }
}

void read_quiet_hours(mapping& root, quiet_hours& out) {
  mapping m = mapping::child(root, "quiet_hours", need::optional);
  auto read_time = [&m](std::string_view name, int& minute) {
    auto v = m.get(name, need::optional);
    if (!v) return;
    auto s = m.owner().string(*v);
    if (!s) return;
    if (auto parsed = parse_hh_mm(*s)) {
      minute = *parsed;
    } else {
      m.owner().fail(*v, "expected a time \"HH:MM\" (got \"" + *s + "\")");
    }
  };
  read_time("start", out.start_minute);
  read_time("end", out.end_minute);
  m.finish();
}

/// "<positive integer><unit>" with unit ms, s, m, h or d ("24h", "5m") to
/// milliseconds; nullopt when malformed. Units are required: a bare "30"
/// reads as seconds to one person and minutes to another.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && is_digit(s[digits])) ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  long long value = 0;
  std::from_chars(s.data(), s.data() + digits, value);
  const std::string_view unit = s.substr(digits);
  long long scale = 0;
  if (unit == "ms")
    scale = 1;
  else if (unit == "s")
    scale = 1000;
  else if (unit == "m")
    scale = 60LL * 1000;
  else if (unit == "h")
    scale = 3600LL * 1000;
  else if (unit == "d")
    scale = 24LL * 3600 * 1000;
  else
    return std::nullopt;
  return std::chrono::milliseconds(value * scale);
}

/// A duration key (see parse_duration) between `min` and `max`.
void read_duration(mapping& m, std::string_view name, std::chrono::milliseconds& out,
                   std::chrono::milliseconds min, std::chrono::milliseconds max,
                   std::string_view bounds) {
  auto v = m.get(name, need::optional);
  if (!v) return;
  auto s = m.owner().string(*v);
  if (!s) return;
  const auto d = parse_duration(*s);
  if (!d) {
    m.owner().fail(
        *v, "expected a duration like \"30s\", \"5m\", \"24h\" or \"2d\" (got \"" + *s + "\")");
    return;
  }
  if (*d < min || *d > max) {
    m.owner().fail(*v, "must be between " + std::string(bounds) + " (got \"" + *s + "\")");
    return;
  }
  out = *d;
}

/// `faq`: a list of {id, patterns, answer}; ids unique snake_case.
void read_faq(mapping& root, std::vector<faq_entry>& out) {
  reader& r = root.owner();
  auto v = root.get("faq", need::optional);
  if (!v || v->node.IsNull()) return;
  if (!v->node.IsSequence()) {
    r.fail(*v, "expected a list of {id, patterns, answer}, got " + kind_of(v->node));
    return;
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < v->node.size(); ++i) {
    const YAML::Node item = v->node[i];
    mapping c(r, item, index_path(v->path, i), line_of(item));
    if (!c.valid()) continue;
    faq_entry entry;
    if (auto id = c.get("id", need::required)) {
      if (auto s = r.string(*id)) {
        const bool snake = !s->empty() && std::all_of(s->begin(), s->end(), [](char ch) {
          return (ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '_';
        });
        if (!snake) {
          r.fail(*id, "expected a snake_case id (got \"" + *s + "\")");
        } else if (!ids.insert(*s).second) {
          r.fail(*id, "duplicate faq id \"" + *s + "\"");
        } else {
          entry.id = std::move(*s);
        }
      }
    }
    entry.patterns = read_string_list(c, "patterns", true);
    if (entry.patterns.empty()) {
      r.fail(c.path(), c.line(), "patterns: at least one pattern is required");
    }
    c.read_string("answer", entry.answer, need::required);
    if (auto b = c.get("broad", need::optional)) {
      if (auto value = r.boolean(*b)) entry.broad = *value;
    }
    c.finish();
    if (!entry.id.empty()) out.push_back(std::move(entry));
  }
}

void read_reply(mapping& root, reply_settings& out) {
  using namespace std::chrono_literals;
  mapping m = mapping::child(root, "reply", need::optional);
  // Twilio rejects message bodies over 1600 characters.
  m.read_int("max_chars", out.max_chars, 1, 1600);
  read_duration(m, "budget", out.budget, 1s, 5min, "1s and 5m");
  m.finish();
}

/// "" when every {placeholder} of a follow-up text is one the runtime fills.
std::string check_follow_up_text(const std::string& text) {
  for (std::size_t open = text.find('{'); open != std::string::npos;
       open = text.find('{', open + 1)) {
    const std::size_t close = text.find('}', open);
    if (close == std::string::npos) return "unclosed '{'";
    const std::string name = text.substr(open + 1, close - open - 1);
    if (name != "business_name") {
      return "unknown placeholder {" + name + "} (only {business_name})";
    }
  }
  // Twilio rejects message bodies over 1600 characters.
  if (text.size() > 1600) return "longer than 1600 characters";
  return {};
}

void read_follow_up(mapping& root, std::optional<reply_mode> mode, follow_up_settings& out) {
  using namespace std::chrono_literals;
  mapping m = mapping::child(root, "follow_up", need::optional);
  if (auto v = m.get("enabled", need::optional)) {
    if (auto b = m.owner().boolean(*v)) {
      out.enabled = *b;
      // A follow-up starts a conversation turn of its own: there is no
      // webhook to answer with TwiML, only a REST send can carry it.
      if (out.enabled && mode && *mode != reply_mode::rest) {
        m.owner().fail(*v, "needs twilio.mode rest (a follow-up cannot be a TwiML answer)");
      }
    }
  }
  read_duration(m, "after", out.after, 1s, 30 * 24h, "1s and 30d");
  m.read_int("max_per_silence", out.max_per_silence, 1, 10);
  read_checked(m, "text", out.text, out.enabled ? need::required : need::non_empty,
               check_follow_up_text);
  read_duration(m, "poll", out.poll, 100ms, 24h, "100ms and 24h");
  m.finish();
}

}  // namespace

namespace {

/// Parses YAML text into a top-level mapping, or the one error that stops it.
expected<YAML::Node, config_errors> parse_document(std::string_view yaml_text) {
  YAML::Node document;
  try {
    document = YAML::Load(std::string(yaml_text));
  } catch (const YAML::ParserException& e) {
    return unexpected{config_errors{
        config_error{"", e.mark.line < 0 ? 0 : e.mark.line + 1, "YAML syntax error: " + e.msg}}};
  } catch (const YAML::Exception& e) {
    return unexpected{config_errors{
        config_error{"", e.mark.line < 0 ? 0 : e.mark.line + 1, "YAML error: " + e.msg}}};
  }
  if (!document.IsDefined() || document.IsNull()) {
    return unexpected{config_errors{config_error{"", 1, "the document is empty"}}};
  }
  if (!document.IsMap()) {
    return unexpected{config_errors{config_error{
        "", line_of(document), "expected a mapping at the top level, got " + kind_of(document)}}};
  }
  return document;
}

/// The node's sections (server, providers, storage, cache infrastructure).
void read_node_sections(mapping& root, market_config& cfg, part p) {
  read_server(root, cfg.server);
  read_twilio(root, cfg.twilio);
  read_crm(root, cfg.crm);
  read_outbox(root, cfg.outbox);
  read_storage(root, cfg.storage);
  read_runtime(root, cfg.runtime);
  read_llm(root, cfg.llm);
  if (p == part::node) read_cache(root, cfg.cache, part::node);
}

/// The market's sections; `mode` is the node's reply mode (unknown when a
/// market file is checked alone).
void read_market_sections(mapping& root, market_config& cfg, part p,
                          std::optional<reply_mode> mode) {
  // An old-style file reads `market` first (its errors come first).
  if (p != part::both) read_market(root, cfg.market);
  read_bots(root, cfg.bots);
  read_scoring(root, cfg.scoring);
  read_handoff(root, cfg.handoff);
  read_escalation(root, cfg.escalation);
  read_compliance(root, cfg.compliance);
  read_faq(root, cfg.faq);
  read_cache(root, cfg.cache, p);
  read_reply(root, cfg.reply);
  read_quiet_hours(root, cfg.quiet);
  read_follow_up(root, mode, cfg.follow_up);
}

/// `markets:` of a node file: a directory (string) or a list of files.
void read_market_refs(mapping& root, node_document& out) {
  auto v = root.get("markets", need::required);
  if (!v) return;
  out.markets_line = v->line;
  reader& r = root.owner();
  if (v->node.IsScalar()) {
    if (auto dir = r.string(*v)) {
      if (dir->empty()) {
        r.fail(*v, "must not be empty");
      } else {
        out.markets_dir = *dir;
      }
    }
    return;
  }
  if (!v->node.IsSequence() || v->node.size() == 0) {
    r.fail(*v, "expected a directory or a non-empty list of market files, got " + kind_of(v->node));
    return;
  }
  for (std::size_t i = 0; i < v->node.size(); ++i) {
    value_ref item{v->node[i], index_path(v->path, i), line_of(v->node[i])};
    auto file = r.string(item);
    if (!file) continue;
    if (file->empty()) {
      r.fail(item, "must not be empty");
      continue;
    }
    out.market_files.push_back(*file);
  }
}

}  // namespace

file_kind kind_of_file(std::string_view yaml_text) {
  auto document = parse_document(yaml_text);
  if (!document) return file_kind::combined;  // the combined loader reports it
  if ((*document)["markets"].IsDefined()) return file_kind::node;
  for (const char* key : {"server", "twilio", "crm", "outbox", "storage", "runtime", "llm"}) {
    if ((*document)[key].IsDefined()) return file_kind::combined;
  }
  return file_kind::market;
}

load_result load_market_string(std::string_view yaml_text, const env_lookup& env,
                               const load_options& options) {
  auto document = parse_document(yaml_text);
  if (!document) return unexpected{std::move(document.error())};
  reader r(env, options);
  market_config cfg;
  // Line 1 is blamed for missing top-level sections: there is no better place.
  mapping root(r, *document, "", 1);
  read_market(root, cfg.market);
  read_node_sections(root, cfg, part::both);
  read_market_sections(root, cfg, part::both, cfg.twilio.mode);
  root.finish();

  auto errors = r.take_errors();
  if (!errors.empty()) return unexpected{std::move(errors)};
  return cfg;
}

expected<node_document, config_errors> load_node_string(std::string_view yaml_text,
                                                        const env_lookup& env,
                                                        const load_options& options) {
  auto document = parse_document(yaml_text);
  if (!document) return unexpected{std::move(document.error())};
  reader r(env, options);
  node_document out;
  mapping root(r, *document, "", 1);
  read_node_sections(root, out.settings, part::node);
  read_market_refs(root, out);
  root.finish();
  auto errors = r.take_errors();
  if (!errors.empty()) return unexpected{std::move(errors)};
  return out;
}

load_result load_market_part_string(std::string_view yaml_text, const market_config* node,
                                    const env_lookup& env, const load_options& options) {
  auto document = parse_document(yaml_text);
  if (!document) return unexpected{std::move(document.error())};
  reader r(env, options);
  market_config cfg = node != nullptr ? *node : market_config{};
  mapping root(r, *document, "", 1);
  read_market_sections(root, cfg, part::market,
                       node != nullptr ? std::optional{node->twilio.mode} : std::nullopt);
  root.finish();
  auto errors = r.take_errors();
  if (!errors.empty()) return unexpected{std::move(errors)};
  return cfg;
}

expected<std::string, config_errors> read_config_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return unexpected{config_errors{
        config_error{"", 0, "cannot read file: " + std::string(std::strerror(errno))}}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return unexpected{config_errors{config_error{"", 0, "cannot read file"}}};
  }
  return text.str();
}

}  // namespace openhouse::config
