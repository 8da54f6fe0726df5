#include "agents/facts.hpp"

#include "core/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <regex>
#include <stdexcept>

namespace openhouse::agents {

namespace {

using json = nlohmann::json;

/// Internal: a value that breaks the schema. Never leaves this file.
struct schema_violation : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr double min_usd = 10'000;
constexpr double max_usd = 100'000'000;
constexpr double max_timeline_months = 120;
constexpr std::size_t max_list_items = 12;
constexpr std::size_t max_text_chars = 80;

using core::trim;

using core::to_lower_ascii;

/// "Move-in Ready " -> "move_in_ready": the form enums and labels are compared in.
std::string snake(std::string_view s) {
  std::string out;
  for (const char raw : trim(s)) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) || c >= 0x80) {
      out.push_back(core::to_lower_ascii(raw));
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

bool is_unknown(const json& v) {
  if (v.is_null()) return true;
  if (!v.is_string()) return false;
  static const std::array<std::string_view, 11> words{
      "",          "unknown",       "n_a",           "na",          "none",
      "null",      "not_mentioned", "not_specified", "unspecified", "not_provided",
      "not_stated"};
  const auto s = snake(v.get_ref<const std::string&>());
  return std::find(words.begin(), words.end(), s) != words.end();
}

[[noreturn]] void fail(std::string_view key, std::string_view what) {
  throw schema_violation(std::string{key} + ": " + std::string{what});
}

double in_range(std::string_view key, double v, double lo, double hi) {
  if (!std::isfinite(v) || v < lo || v > hi) {
    fail(key, "out of range (" + std::to_string(v) + ")");
  }
  return v;
}

std::optional<double> money(std::string_view key, const json& v) {
  if (is_unknown(v)) return std::nullopt;
  std::optional<double> value;
  if (v.is_number()) {
    value = v.get<double>();
  } else if (v.is_string()) {
    value = parse_usd(v.get_ref<const std::string&>());
    if (!value) fail(key, "not an amount of money");
  } else if (v.is_array()) {  // a range: its ceiling
    for (const auto& e : v) {
      if (const auto x = money(key, e); x && (!value || *x > *value)) value = x;
    }
    if (!value) return std::nullopt;
  } else if (v.is_object()) {
    for (const char* bound : {"max", "high", "to", "min", "low", "from"}) {
      if (const auto it = v.find(bound); it != v.end()) {
        if (const auto x = money(key, *it)) return x;
      }
    }
    return std::nullopt;
  } else {
    fail(key, "expected a number");
  }
  return in_range(key, *value, min_usd, max_usd);
}

std::optional<bool> boolean(std::string_view key, const json& v) {
  if (is_unknown(v)) return std::nullopt;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    static const std::array<std::string_view, 6> yes{"yes",          "y",           "true",
                                                     "pre_approved", "preapproved", "approved"};
    static const std::array<std::string_view, 8> no{
        "no", "n", "false", "not_yet", "pending", "in_progress", "not_approved", "denied"};
    const auto s = snake(v.get_ref<const std::string&>());
    if (std::find(yes.begin(), yes.end(), s) != yes.end()) return true;
    if (std::find(no.begin(), no.end(), s) != no.end()) return false;
  }
  fail(key, "expected true or false");
}

// A number from JSON, or the leading number of a string ("3+", "2.5 baths", "20%").
std::optional<double> number(std::string_view key, const json& v) {
  if (is_unknown(v)) return std::nullopt;
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    static const std::regex leading{R"(^\s*\$?\s*(\d+(?:\.\d+)?))"};
    std::smatch m;
    const std::string& s = v.get_ref<const std::string&>();
    if (std::regex_search(s, m, leading)) return std::stod(m[1].str());
  }
  fail(key, "expected a number");
}

std::optional<double> percent(std::string_view key, const json& v) {
  auto p = number(key, v);
  if (!p) return std::nullopt;
  // Models write 20% as 0.2 as often as 20; a real 1% or more is written >= 1.
  if (*p > 0 && *p < 1) *p *= 100;
  return in_range(key, *p, 0, 100);
}

std::optional<double> months(std::string_view key, const json& v) {
  if (is_unknown(v)) return std::nullopt;
  if (v.is_number()) return in_range(key, v.get<double>(), 0, max_timeline_months);
  if (v.is_string()) return parse_timeline_months(v.get_ref<const std::string&>());
  fail(key, "expected months or a timeline");
}

std::optional<std::string> label(std::string_view key, const json& v) {
  if (is_unknown(v)) return std::nullopt;
  if (!v.is_string()) fail(key, "expected text");
  auto s = snake(v.get_ref<const std::string&>());
  if (s.size() > max_text_chars) s.resize(max_text_chars);
  if (s.empty()) return std::nullopt;
  return s;
}

std::optional<motivation_level> strength(std::string_view key, const json& v) {
  if (is_unknown(v)) return std::nullopt;
  if (v.is_number()) {  // a 0..1 rating
    const double x = in_range(key, v.get<double>(), 0, 1);
    return x >= 2.0 / 3   ? motivation_level::high
           : x >= 1.0 / 3 ? motivation_level::medium
                          : motivation_level::low;
  }
  const auto s = label(key, v);
  if (!s) return std::nullopt;
  if (*s == "high" || *s == "strong" || *s == "very_high" || *s == "urgent")
    return motivation_level::high;
  if (*s == "medium" || *s == "moderate" || *s == "some") return motivation_level::medium;
  if (*s == "low" || *s == "weak" || *s == "none_yet") return motivation_level::low;
  return std::nullopt;  // free text we do not know: unknown, not an error
}

std::optional<property_condition> condition(std::string_view key, const json& v) {
  const auto s = label(key, v);
  if (!s) return std::nullopt;
  static const std::array<std::pair<std::string_view, property_condition>, 19> words{{
      {"needs_work", property_condition::needs_work},
      {"fixer", property_condition::needs_work},
      {"fixer_upper", property_condition::needs_work},
      {"poor", property_condition::needs_work},
      {"needs_repairs", property_condition::needs_work},
      {"as_is", property_condition::needs_work},
      {"distressed", property_condition::needs_work},
      {"fair", property_condition::fair},
      {"average", property_condition::fair},
      {"dated", property_condition::fair},
      {"outdated", property_condition::fair},
      {"good", property_condition::good},
      {"well_maintained", property_condition::good},
      {"move_in_ready", property_condition::good},
      {"excellent", property_condition::updated},
      {"great", property_condition::good},
      {"updated", property_condition::updated},
      {"renovated", property_condition::updated},
      {"remodeled", property_condition::updated},
  }};
  for (const auto& [word, c] : words) {
    if (*s == word) return c;
  }
  return std::nullopt;
}

std::optional<int> count(std::string_view key, const json& v) {
  const auto n = number(key, v);
  if (!n) return std::nullopt;
  return static_cast<int>(std::lround(in_range(key, *n, 0, 20)));
}

std::optional<double> baths(std::string_view key, const json& v) {
  const auto n = number(key, v);
  if (!n) return std::nullopt;
  return std::round(in_range(key, *n, 0, 20) * 2) / 2;
}

// Strings, an array of strings, or one comma-separated string.
std::vector<std::string> list(std::string_view key, const json& v) {
  std::vector<std::string> out;
  const auto add = [&](std::string_view item) {
    auto t = std::string{trim(item)};
    if (t.size() > max_text_chars) t.resize(max_text_chars);
    if (!t.empty() && !is_unknown(json(t))) out.push_back(std::move(t));
  };
  if (is_unknown(v)) return out;
  if (v.is_string()) {
    std::string_view s = v.get_ref<const std::string&>();
    while (!s.empty()) {
      const auto comma = s.find_first_of(",;");
      add(s.substr(0, comma));
      if (comma == std::string_view::npos) break;
      s.remove_prefix(comma + 1);
    }
  } else if (v.is_array()) {
    for (const auto& e : v) {
      if (e.is_null()) continue;
      if (e.is_number_integer()) {  // a zip code written as a number
        add(std::to_string(e.get<std::int64_t>()));
      } else if (e.is_string()) {
        add(e.get_ref<const std::string&>());
      } else {
        fail(key, "expected a list of text");
      }
    }
  } else if (v.is_number_integer()) {
    add(std::to_string(v.get<std::int64_t>()));
  } else {
    fail(key, "expected a list of text");
  }
  return out;
}

bool same_text(std::string_view a, std::string_view b) { return core::iequals_ascii(a, b); }

void append_unique(std::vector<std::string>& to, const std::vector<std::string>& items) {
  for (const auto& item : items) {
    if (to.size() >= max_list_items) return;
    const bool known =
        std::any_of(to.begin(), to.end(), [&](const auto& t) { return same_text(t, item); });
    if (!known) to.push_back(item);
  }
}

/// Sets one canonical field from a JSON value; throws schema_violation.
using setter = std::function<void(lead_facts&, std::string_view key, const json&)>;

const std::map<std::string, setter, std::less<>>& setters() {
  static const std::map<std::string, setter, std::less<>> table{
      {"budget_usd",
       [](lead_facts& f, std::string_view k, const json& v) { f.budget_usd = money(k, v); }},
      {"pre_approved",
       [](lead_facts& f, std::string_view k, const json& v) { f.pre_approved = boolean(k, v); }},
      {"down_payment_pct", [](lead_facts& f, std::string_view k,
                              const json& v) { f.down_payment_pct = percent(k, v); }},
      {"timeline_months",
       [](lead_facts& f, std::string_view k, const json& v) { f.timeline_months = months(k, v); }},
      {"motivation",
       [](lead_facts& f, std::string_view k, const json& v) { f.motivation = label(k, v); }},
      {"motivation_strength", [](lead_facts& f, std::string_view k,
                                 const json& v) { f.motivation_strength = strength(k, v); }},
      {"property_condition",
       [](lead_facts& f, std::string_view k, const json& v) { f.condition = condition(k, v); }},
      {"price_expectation_usd", [](lead_facts& f, std::string_view k,
                                   const json& v) { f.price_expectation_usd = money(k, v); }},
      {"bedrooms",
       [](lead_facts& f, std::string_view k, const json& v) { f.bedrooms = count(k, v); }},
      {"bathrooms",
       [](lead_facts& f, std::string_view k, const json& v) { f.bathrooms = baths(k, v); }},
      {"property_type",
       [](lead_facts& f, std::string_view k, const json& v) { f.property_type = label(k, v); }},
      {"areas", [](lead_facts& f, std::string_view k,
                   const json& v) { append_unique(f.areas, list(k, v)); }},
      {"must_haves", [](lead_facts& f, std::string_view k,
                        const json& v) { append_unique(f.must_haves, list(k, v)); }},
  };
  return table;
}

/// Other names models and CRMs use -> canonical name.
const std::map<std::string, std::string, std::less<>>& aliases() {
  static const std::map<std::string, std::string, std::less<>> table{
      {"budget", "budget_usd"},
      {"max_budget", "budget_usd"},
      {"price_range", "budget_usd"},
      {"preapproved", "pre_approved"},
      {"pre_approval", "pre_approved"},
      {"down_payment_percent", "down_payment_pct"},
      {"timeline", "timeline_months"},
      {"timeframe", "timeline_months"},
      {"urgency", "motivation_strength"},
      {"motivation_level", "motivation_strength"},
      {"reason", "motivation"},
      {"condition", "property_condition"},
      {"price_expectation", "price_expectation_usd"},
      {"expected_price", "price_expectation_usd"},
      {"asking_price", "price_expectation_usd"},
      {"beds", "bedrooms"},
      {"baths", "bathrooms"},
      {"type", "property_type"},
      {"area", "areas"},
      {"zip", "areas"},
      {"zips", "areas"},
      {"zip_code", "areas"},
      {"city", "areas"},
      {"cities", "areas"},
      {"neighborhoods", "areas"},
      {"locations", "areas"},
      {"features", "must_haves"},
      {"must_have", "must_haves"},
  };
  return table;
}

/// Canonical name of a key, or empty. Down payment is handled apart because
/// its unit depends on the value.
std::string canonical(std::string_view key) {
  auto k = snake(key);
  if (k.starts_with("contact_")) k.erase(0, 8);  // GoHighLevel's "contact.budget"
  if (setters().contains(k)) return k;
  if (const auto it = aliases().find(k); it != aliases().end()) return it->second;
  return {};
}

bool is_set(const lead_facts& f, std::string_view name);

// "down_payment": "20%", 20 and "20" are percent; 90000, "90000" or "$90k" dollars.
void set_down_payment(lead_facts& f, std::string_view key, const json& v,
                      std::optional<double>& dollars) {
  if (is_unknown(v)) return;
  if (!v.is_number() && !v.is_string()) fail(key, "expected a percent or an amount");
  const std::string text = v.is_string() ? v.get<std::string>() : std::string{};
  const bool pct_sign = text.find('%') != std::string::npos;
  const bool money_sign = text.find_first_of("$kKmM") != std::string::npos;
  const auto amount = v.is_number() ? std::optional<double>(v.get<double>()) : parse_usd(text);
  if (!amount || *amount < 0) fail(key, "not a percent or an amount");
  if (pct_sign || (!money_sign && *amount <= 100)) {
    f.down_payment_pct = percent(key, json(*amount));
  } else {
    dollars = *amount;
  }
}

lead_facts facts_from_object(const json& object) {
  lead_facts f;
  std::optional<double> down_payment_usd;
  std::vector<std::pair<std::string, const json*>> by_alias;
  for (const auto& [key, value] : object.items()) {
    const auto k = snake(key);
    if (k == "down_payment" || k == "down_payment_usd" || k == "down_payment_amount") {
      if (!f.down_payment_pct) set_down_payment(f, key, value, down_payment_usd);
      continue;
    }
    const auto name = canonical(key);
    if (name.empty()) continue;  // unknown keys are ignored
    if (name == k) {
      setters().find(name)->second(f, key, value);
    } else {
      by_alias.emplace_back(key, &value);
    }
  }
  // Aliases fill only what the canonical names left unknown (lists collect all).
  for (const auto& [key, value] : by_alias) {
    const auto name = canonical(key);
    if (!is_set(f, name) || name == "areas" || name == "must_haves")
      setters().find(name)->second(f, key, *value);
  }
  if (!f.down_payment_pct && down_payment_usd && f.budget_usd) {
    f.down_payment_pct = std::min(100.0, std::round(*down_payment_usd / *f.budget_usd * 1000) / 10);
  }
  return f;
}

/// Calls fn(name, a.field, b.field) for every fact field.
template <class A, class B, class F>
void zip_fields(A& a, B& b, F&& fn) {
  fn("budget_usd", a.budget_usd, b.budget_usd);
  fn("pre_approved", a.pre_approved, b.pre_approved);
  fn("down_payment_pct", a.down_payment_pct, b.down_payment_pct);
  fn("timeline_months", a.timeline_months, b.timeline_months);
  fn("motivation", a.motivation, b.motivation);
  fn("motivation_strength", a.motivation_strength, b.motivation_strength);
  fn("property_condition", a.condition, b.condition);
  fn("price_expectation_usd", a.price_expectation_usd, b.price_expectation_usd);
  fn("bedrooms", a.bedrooms, b.bedrooms);
  fn("bathrooms", a.bathrooms, b.bathrooms);
  fn("property_type", a.property_type, b.property_type);
  fn("areas", a.areas, b.areas);
  fn("must_haves", a.must_haves, b.must_haves);
}

template <class T>
bool known(const std::optional<T>& v) {
  return v.has_value();
}
bool known(const std::vector<std::string>& v) { return !v.empty(); }

template <class T>
void clear(std::optional<T>& v) {
  v.reset();
}
void clear(std::vector<std::string>& v) { v.clear(); }

bool is_set(const lead_facts& f, std::string_view name) {
  bool result = false;
  zip_fields(f, f, [&](std::string_view n, const auto& field, const auto&) {
    if (n == name) result = known(field);
  });
  return result;
}

}  // namespace

std::string canonical_fact_name(std::string_view key) {
  const auto k = snake(key);
  if (k == "down_payment" || k == "down_payment_usd" || k == "down_payment_amount" ||
      k == "contact_down_payment") {
    return "down_payment_pct";
  }
  return canonical(key);
}

const std::vector<std::string_view>& fact_field_names() {
  static const std::vector<std::string_view> names{
      "budget_usd", "pre_approved",        "down_payment_pct",   "timeline_months",
      "motivation", "motivation_strength", "property_condition", "price_expectation_usd",
      "bedrooms",   "bathrooms",           "property_type",      "areas",
      "must_haves"};
  return names;
}

std::optional<json> extract_json(std::string_view text) {
  const auto try_parse = [](std::string_view s) -> std::optional<json> {
    auto j = json::parse(s.begin(), s.end(), nullptr, false);
    if (j.is_discarded() || !(j.is_object() || j.is_array())) return std::nullopt;
    return j;
  };
  if (auto j = try_parse(trim(text))) return j;
  // ```json ... ``` fences: the language tag runs to the end of the line.
  for (std::size_t open = text.find("```"); open != std::string_view::npos;) {
    const auto body = text.find('\n', open + 3);
    const auto close = body == std::string_view::npos ? body : text.find("```", body);
    if (close == std::string_view::npos) break;
    if (auto j = try_parse(text.substr(body, close - body))) return j;
    open = text.find("```", close + 3);
  }
  // A balanced span in prose: "Here you go: {...} Hope it helps."
  for (std::size_t start = text.find_first_of("{["); start != std::string_view::npos;
       start = text.find_first_of("{[", start + 1)) {
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (std::size_t i = start; i < text.size(); ++i) {
      const char c = text[i];
      if (in_string) {
        if (escaped)
          escaped = false;
        else if (c == '\\')
          escaped = true;
        else if (c == '"')
          in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          if (auto j = try_parse(text.substr(start, i - start + 1))) return j;
          break;
        }
      }
    }
  }
  return std::nullopt;
}

expected<lead_facts, facts_error> parse_facts(std::string_view llm_text) {
  auto root = extract_json(llm_text);
  if (!root) return unexpected{facts_error{"no JSON object in the answer"}};
  const json* object = &*root;
  if (const auto it = root->find("facts");
      root->is_object() && it != root->end() && it->is_object()) {
    object = &*it;
  }
  if (!object->is_object()) return unexpected{facts_error{"expected a JSON object"}};
  try {
    return facts_from_object(*object);
  } catch (const schema_violation& e) {
    return unexpected{facts_error{e.what()}};
  } catch (const json::exception& e) {  // a type the checks above missed
    return unexpected{facts_error{e.what()}};
  }
}

std::string facts_to_json(const lead_facts& facts) {
  auto out = json::object();
  zip_fields(facts, facts, [&](std::string_view name, const auto& field, const auto&) {
    if (!known(field)) return;
    using field_type = std::decay_t<decltype(field)>;
    if constexpr (std::is_same_v<field_type, std::vector<std::string>>) {
      out[std::string{name}] = field;
    } else if constexpr (std::is_enum_v<typename field_type::value_type>) {
      out[std::string{name}] = std::string{to_string(*field)};
    } else {
      out[std::string{name}] = *field;
    }
  });
  if (facts.engagement != engagement_stats{}) {
    const auto& e = facts.engagement;
    auto& j = out["engagement"];
    j["inbound_messages"] = e.inbound_messages;
    j["fact_turns"] = e.fact_turns;
    if (e.median_reply_delay) j["median_reply_delay_s"] = e.median_reply_delay->count();
  }
  if (!facts.crm_pinned.empty()) out[std::string{crm_pins_key}] = facts.crm_pinned;
  return out.dump();
}

lead_facts facts_from_json(std::string_view text) {
  const auto object = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return {};
  lead_facts out;
  try {
    out = facts_from_object(object);
  } catch (const std::exception&) {
    return {};  // schema_violation or a JSON type error: unreadable
  }
  if (const auto it = object.find("engagement"); it != object.end() && it->is_object()) {
    out.engagement.inbound_messages = it->value("inbound_messages", 0);
    out.engagement.fact_turns = it->value("fact_turns", 0);
    if (const auto d = it->find("median_reply_delay_s"); d != it->end() && d->is_number_integer()) {
      out.engagement.median_reply_delay = std::chrono::seconds{d->get<std::int64_t>()};
    }
  }
  if (const auto it = object.find(crm_pins_key); it != object.end() && it->is_array()) {
    for (const auto& name : *it) {
      if (name.is_string()) out.crm_pinned.insert(name.get<std::string>());
    }
  }
  return out;
}

std::optional<double> parse_usd(std::string_view text) {
  static const std::regex amount{
      R"((\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(million|mil|mm|m|thousand|k)?\b)"};
  const std::string s = to_lower_ascii(text);
  std::optional<double> best;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), amount); it != std::sregex_iterator();
       ++it) {
    std::string digits = (*it)[1].str();
    digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
    double value = std::stod(digits);
    const std::string unit = (*it)[2].str();
    if (unit == "k" || unit == "thousand") value *= 1e3;
    if (unit == "m" || unit == "mm" || unit == "mil" || unit == "million") value *= 1e6;
    if (!best || value > *best) best = value;  // "400k-500k": the ceiling
  }
  return best;
}

std::optional<double> parse_timeline_months(std::string_view text) {
  std::string s = " " + to_lower_ascii(trim(text)) + " ";
  for (auto& c : s) {
    if (c == '_' || c == ',') c = ' ';
  }
  const auto has = [&](std::string_view phrase) { return s.find(phrase) != std::string::npos; };
  for (const char* p : {" asap ", "immediately", "right away", "right now", "urgent", " now ",
                        " today ", " this week ", "as soon as possible"}) {
    if (has(p)) return 0.0;
  }
  for (const char* p : {"browsing", "just looking", "no rush", "not in a hurry", "someday",
                        "no timeline", "not sure", "undecided"}) {
    if (has(p)) return no_rush_timeline_months;
  }
  // Spelled numbers, so "six months" reads like "6 months".
  static const std::array<std::pair<const char*, const char*>, 16> words{{
      {" one ", " 1 "},
      {" two ", " 2 "},
      {" three ", " 3 "},
      {" four ", " 4 "},
      {" five ", " 5 "},
      {" six ", " 6 "},
      {" seven ", " 7 "},
      {" eight ", " 8 "},
      {" nine ", " 9 "},
      {" ten ", " 10 "},
      {" eleven ", " 11 "},
      {" twelve ", " 12 "},
      {" a couple of ", " 2 "},
      {" a couple ", " 2 "},
      {" a few ", " 3 "},
      {" few ", " 3 "},
  }};
  for (const auto& [word, digit] : words) {
    for (auto at = s.find(word); at != std::string::npos; at = s.find(word, at))
      s.replace(at, std::string_view{word}.size(), digit);
  }
  static const std::regex span{
      R"((?:^|[^\d.])(\d+(?:\.\d+)?)(?:\s*(?:-|to)\s*(\d+(?:\.\d+)?))?\s*(day|week|wk|month|mo|year|yr)s?\b)"};
  static const std::regex single{R"(\b(?:a|an|1)\s+(day|week|month|year)\b)"};
  const auto unit_months = [](const std::string& unit) {
    if (unit == "day") return 1 / 30.44;
    if (unit == "week" || unit == "wk") return 7 / 30.44;
    if (unit == "year" || unit == "yr") return 12.0;
    return 1.0;
  };
  const auto finish = [](double m) {
    return std::min(max_timeline_months, std::round(m * 100) / 100);
  };
  std::smatch m;
  if (std::regex_search(s, m, span)) {
    double value = std::stod(m[1].str());
    if (m[2].matched) value = (value + std::stod(m[2].str())) / 2;
    return finish(value * unit_months(m[3].str()));
  }
  if (std::regex_search(s, m, single)) return finish(unit_months(m[1].str()));
  static const std::array<std::pair<const char*, double>, 6> relative{{
      {"next week", 0.25},
      {"this month", 0.5},
      {"next month", 1},
      {"this year", 6},
      {"next year", 12},
      {"end of the year", 6},
  }};
  for (const auto& [phrase, value] : relative) {
    if (has(phrase)) return value;
  }
  for (const char* season : {"spring", "summer", "fall", "autumn", "winter"}) {
    if (has(std::string{"next "} + season)) return 9.0;
    if (has(season)) return 3.0;
  }
  static const std::regex bare{R"(^\s*(\d+(?:\.\d+)?)\s*$)"};
  if (std::regex_search(s, m, bare)) return finish(std::stod(m[1].str()));
  return std::nullopt;
}

lead_facts merge(const lead_facts& previous, const lead_facts& extracted) {
  lead_facts out = previous;
  zip_fields(out, extracted, [&](std::string_view name, auto& field, const auto& fresh) {
    if (previous.crm_pinned.contains(std::string{name}) || !known(fresh)) return;
    if constexpr (std::is_same_v<std::decay_t<decltype(field)>, std::vector<std::string>>) {
      append_unique(field, fresh);
    } else {
      field = fresh;
    }
  });
  return out;
}

std::vector<std::string> changed_fields(const lead_facts& before, const lead_facts& after) {
  std::vector<std::string> out;
  zip_fields(before, after, [&](std::string_view name, const auto& a, const auto& b) {
    if (!(a == b)) out.emplace_back(name);
  });
  return out;
}

crm_update apply_crm_fields(const lead_facts& facts,
                            const std::map<std::string, std::string>& fields) {
  crm_update update{facts, {}, {}};
  for (const auto& [key, value] : fields) {
    const auto k = snake(key);
    const bool down_payment = k == "down_payment" || k == "contact_down_payment";
    const auto name = down_payment ? std::string{"down_payment_pct"} : canonical(key);
    if (name.empty()) continue;
    lead_facts next = update.facts;
    if (trim(value).empty()) {
      zip_fields(next, next, [&](std::string_view n, auto& field, auto&) {
        if (n == name) clear(field);
      });
      next.crm_pinned.erase(name);
    } else {
      try {
        const json v = value;
        if (down_payment) {
          std::optional<double> dollars;
          set_down_payment(next, key, v, dollars);
          if (dollars && !next.budget_usd) fail(key, "a down payment in dollars needs a budget");
          if (dollars)
            next.down_payment_pct =
                std::min(100.0, std::round(*dollars / *next.budget_usd * 1000) / 10);
        } else {
          // A person replaces a list rather than adding to it.
          if (name == "areas") next.areas.clear();
          if (name == "must_haves") next.must_haves.clear();
          setters().find(name)->second(next, key, v);
        }
        if (!is_set(next, name)) fail(key, "not recognised");
      } catch (const schema_violation&) {
        update.rejected.push_back(key);
        continue;
      }
      next.crm_pinned.insert(name);
    }
    update.facts = std::move(next);
    update.applied.push_back(name);
  }
  return update;
}

}  // namespace openhouse::agents
