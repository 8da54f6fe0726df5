#include "integrations/crm/payload.hpp"

#include "core/phone_number.hpp"
#include "core/text.hpp"
#include "core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace openhouse::crm {

using json = nlohmann::json;

namespace {

/// Thrown inside the parser, caught in parse_webhook: always a 400.
struct bad_payload {
  std::string why;
};

using core::to_lower_ascii;

/// A JSON string as the runtime stores text: a "\u0000" escape (or another
/// control character) is dropped, as at the SMS front door.
std::string clean(const json& s) { return core::clean_text(s.get_ref<const std::string&>()); }

/// A string member; absent or null gives "" unless required.
std::string text(const json& j, const char* name, bool required = false) {
  const auto it = j.find(name);
  if (it == j.end() || it->is_null()) {
    if (required) throw bad_payload{std::string{"\""} + name + "\" is required"};
    return {};
  }
  if (!it->is_string()) throw bad_payload{std::string{"\""} + name + "\" must be a string"};
  auto value = clean(*it);
  if (required && value.empty()) {
    throw bad_payload{std::string{"\""} + name + "\" must not be empty"};
  }
  return value;
}

/// The first of several alternative names that is present.
std::string first_of(const json& j, std::initializer_list<const char*> names, bool required) {
  for (const char* n : names) {
    if (auto v = text(j, n); !v.empty()) return v;
  }
  if (required) throw bad_payload{std::string{"\""} + *names.begin() + "\" is required"};
  return {};
}

std::string phone_of(const json& j, std::initializer_list<const char*> names) {
  auto phone = first_of(j, names, true);
  if (!core::is_phone_number(phone)) {
    throw bad_payload{"\"" + std::string{*names.begin()} + "\" is not an E.164 number"};
  }
  return phone;
}

delivery meta_of(const json& j, std::string type) {
  delivery d;
  d.type = std::move(type);
  d.webhook_id = text(j, "webhookId", true);
  const auto ts = j.find("timestamp");
  if (ts == j.end() || ts->is_null()) throw bad_payload{"\"timestamp\" is required"};
  std::optional<std::int64_t> ms;
  if (ts->is_number()) {
    const double v = ts->get<double>();
    if (v > 0) ms = static_cast<std::int64_t>(v > 1e11 ? v : v * 1000.0);
  } else if (ts->is_string()) {
    ms = parse_timestamp_ms(ts->get<std::string>());
  }
  if (!ms) throw bad_payload{"\"timestamp\" is not a date"};
  d.timestamp_ms = *ms;
  d.location_id = text(j, "locationId");
  return d;
}

/// A custom field's value as the facts schema reads it: text.
std::string field_text(const json& v, const std::string& key) {
  if (v.is_null()) return {};
  if (v.is_string()) return clean(v);
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) {
      if (!item.is_string() && !item.is_number()) {
        throw bad_payload{"custom field \"" + key + "\" has a list of non-scalars"};
      }
      out += (out.empty() ? "" : ", ") + (item.is_string() ? clean(item) : item.dump());
    }
    return out;
  }
  throw bad_payload{"custom field \"" + key + "\" must be a string, number, boolean or list"};
}

std::map<std::string, std::string> fields_of(const json& j) {
  std::map<std::string, std::string> out;
  if (const auto it = j.find("customData"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) throw bad_payload{"\"customData\" must be an object"};
    for (const auto& [key, value] : it->items()) {
      const auto name = core::clean_text(key);
      out[name] = field_text(value, name);
    }
  }
  if (const auto it = j.find("customFields"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) throw bad_payload{"\"customFields\" must be a list"};
    for (const auto& f : *it) {
      if (!f.is_object()) throw bad_payload{"\"customFields\" entries must be objects"};
      // HighLevel's own payloads may name a field only by its id; such a
      // field cannot be mapped without the location's field schema: skipped.
      const auto key = first_of(f, {"fieldKey", "key", "name"}, false);
      if (key.empty()) continue;
      const auto v = f.find("value") != f.end() ? f.find("value") : f.find("field_value");
      out[key] = v == f.end() ? std::string{} : field_text(*v, key);
    }
  }
  return out;
}

std::optional<std::vector<std::string>> tags_of(const json& j, bool required) {
  const auto it = j.find("tags");
  if (it == j.end() || it->is_null()) {
    if (required) throw bad_payload{"\"tags\" is required"};
    return std::nullopt;
  }
  if (!it->is_array()) throw bad_payload{"\"tags\" must be a list of strings"};
  std::vector<std::string> tags;
  for (const auto& t : *it) {
    if (!t.is_string()) throw bad_payload{"\"tags\" must be a list of strings"};
    tags.push_back(clean(t));
  }
  return tags;
}

}  // namespace

bool inbound_message::for_bots() const {
  return to_lower_ascii(direction) == "inbound" &&
         (message_type.empty() || to_lower_ascii(message_type) == "sms" ||
          to_lower_ascii(message_type) == "type_sms");
}

std::optional<std::int64_t> parse_timestamp_ms(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
    try {
      const double v = std::stod(std::string{s});
      return static_cast<std::int64_t>(v > 1e11 ? v : v * 1000.0);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  // YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM|-HH:MM]
  auto digits = [&](std::size_t at, std::size_t n) -> std::optional<int> {
    if (at + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2),
             mi = digits(14, 2), sec = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !sec || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' || *h > 23 || *mi > 59 ||
      *sec > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*y},
                                         std::chrono::month{static_cast<unsigned>(*mo)},
                                         std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  std::size_t at = 19;
  std::int64_t ms = 0;
  if (at < s.size() && s[at] == '.') {
    ++at;
    int scale = 100;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
      ms += (s[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
  }
  std::int64_t offset_s = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
  } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    const auto oh = digits(at + 1, 2);
    const auto om = digits(at + 4, 2);
    if (!oh || !om || s[at + 3] != ':') return std::nullopt;
    offset_s = (*oh * 3600 + *om * 60) * (s[at] == '+' ? 1 : -1);
    at += 6;
  }
  if (at != s.size()) return std::nullopt;
  const auto days = std::chrono::sys_days{date}.time_since_epoch().count();
  const std::int64_t seconds =
      static_cast<std::int64_t>(days) * 86400 + *h * 3600 + *mi * 60 + *sec - offset_s;
  return seconds * 1000 + ms;
}

expected<webhook, payload_error> parse_webhook(std::string_view body) {
  // JSON is UTF-8 (RFC 8259): ill-formed bytes inside a string become U+FFFD
  // here, as at the SMS front door, rather than failing the parse; outside a
  // string they still make the JSON invalid.
  const auto j = json::parse(core::repair_utf8(body), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return unexpected{payload_error{"expected a JSON object"}};
  }
  try {
    const auto type = text(j, "type", true);
    if (type == "InboundMessage") {
      inbound_message m;
      m.meta = meta_of(j, type);
      m.message_id = text(j, "messageId", true);
      m.contact_id = text(j, "contactId");
      m.conversation_id = text(j, "conversationId");
      m.direction = text(j, "direction", true);
      m.message_type = text(j, "messageType");
      m.body = text(j, "body");
      if (m.for_bots()) {
        m.phone = phone_of(j, {"phone", "from"});
      }
      return m;
    } else if (type == "ContactTagUpdate" || type == "ContactUpdate") {
      contact_change c;
      c.meta = meta_of(j, type);
      c.contact_id = first_of(j, {"id", "contactId"}, false);
      c.phone = phone_of(j, {"phone"});
      c.tags = tags_of(j, type == "ContactTagUpdate");
      c.fields = fields_of(j);
      return c;
    } else {
      return unexpected{payload_error{"unsupported event type \"" + type + "\"", true}};
    }
  } catch (const bad_payload& e) {
    return unexpected{payload_error{e.why}};
  }
}

}  // namespace openhouse::crm
