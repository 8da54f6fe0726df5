#include "integrations/postgres/lead_state_row.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace openhouse::postgres::lead_state_row {

namespace {

using json = nlohmann::json;

/// One stored column: "{}" in `value` stands for the parameter, in `read`
/// for the table alias.
struct column_spec {
  std::string_view name;
  std::string_view value;
  std::string_view read;
  bool data = true;  ///< false: a version, read here, bound by each statement its own way
};

// In bind() and read() order.
constexpr std::array<column_spec, 17> specs{{
    {"active_bot", "{}::text", "{}.active_bot"},
    {"turns", "{}::integer", "{}.turns"},
    {"needs_human", "{}::boolean", "{}.needs_human"},
    {"opted_out", "{}::boolean", "{}.opted_out"},
    {"temperature", "{}::text", "{}.temperature"},
    {"facts", "{}::text", "{}.facts"},
    {"frs", "{}::double precision", "{}.frs"},
    {"pcs", "{}::double precision", "{}.pcs"},
    {"handoffs", "{}::text", "{}.handoffs"},
    {"confusion_turns", "{}::integer", "{}.confusion_turns"},
    {"muted", "{}::boolean", "{}.muted"},
    // Milliseconds in the state, a timestamp (NULL: none) in the table.
    {"held_at", "to_timestamp(NULLIF({}::bigint, 0) / 1000.0)",
     "coalesce(round(extract(epoch FROM {}.held_at) * 1000)::bigint, 0)"},
    {"crm_tags", "{}::text", "{}.crm_tags"},
    {"temperature_override", "{}::text", "{}.temperature_override"},
    {"override_basis", "{}::text", "{}.override_basis"},
    {"crm_version", "{}::bigint", "{}.crm_version", false},
    {"state_version", "{}::bigint", "{}.state_version", false},
}};

// Every member but the contact (the row's key) has a column.
static_assert(specs.size() + 1 == agents::lead_state_field_count);
constexpr std::size_t version_columns = 2;  // crm_version, state_version: last

std::string fill(std::string_view pattern, std::string_view with) {
  std::string out{pattern};
  for (auto at = out.find("{}"); at != std::string::npos; at = out.find("{}", at + with.size())) {
    out.replace(at, 2, with);
  }
  return out;
}

std::string value_of(std::size_t index, int first) {
  return fill(specs[index].value, "$" + std::to_string(first + static_cast<int>(index)));
}

std::string handoffs_to_json(const std::vector<agents::handoff_record>& handoffs) {
  auto out = json::array();
  for (const auto& h : handoffs) {
    out.push_back(
        {{"at_ms",
          std::chrono::duration_cast<std::chrono::milliseconds>(h.at.time_since_epoch()).count()},
         {"from", std::string{agents::to_string(h.from)}},
         {"to", std::string{agents::to_string(h.to)}}});
  }
  return out.dump();
}

/// [{"at_ms", "from", "to"}]; a malformed entry is skipped, a malformed
/// list is empty.
std::vector<agents::handoff_record> handoffs_from_json(const std::string& text) {
  std::vector<agents::handoff_record> out;
  const auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (!item.is_object() || !item.contains("at_ms") || !item["at_ms"].is_number_integer() ||
        !item.contains("from") || !item["from"].is_string() || !item.contains("to") ||
        !item["to"].is_string()) {
      continue;
    }
    const auto from = agents::parse_bot_kind(item["from"].get<std::string>());
    const auto to = agents::parse_bot_kind(item["to"].get<std::string>());
    if (!from || !to) continue;
    out.push_back({std::chrono::system_clock::time_point{
                       std::chrono::milliseconds{item["at_ms"].get<std::int64_t>()}},
                   *from, *to});
  }
  return out;
}

std::vector<std::string> tags_from_json(const std::string& text) {
  std::vector<std::string> out;
  const auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const auto& t : j) {
    if (t.is_string()) out.push_back(t.get<std::string>());
  }
  return out;
}

}  // namespace

const std::vector<std::string_view>& columns() {
  static const auto names = [] {
    std::vector<std::string_view> out;
    for (const auto& c : specs) {
      if (c.data) out.push_back(c.name);
    }
    return out;
  }();
  return names;
}

std::size_t size() { return specs.size() - version_columns; }

std::string with_placeholders(std::string sql, int first) {
  std::string names;
  std::string values;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (!specs[i].data) continue;
    names += (names.empty() ? "" : ", ") + std::string{specs[i].name};
    values += (values.empty() ? "" : ", ") + value_of(i, first);
  }
  const auto replace_all = [&](std::string_view key, const std::string& with) {
    for (auto at = sql.find(key); at != std::string::npos; at = sql.find(key, at + with.size())) {
      sql.replace(at, key.size(), with);
    }
  };
  replace_all("{state.columns}", names);
  replace_all("{state.values}", values);
  constexpr std::string_view prefix = "{state.";
  for (auto at = sql.find(prefix); at != std::string::npos; at = sql.find(prefix, at)) {
    const auto end = sql.find('}', at);
    const auto name = std::string_view{sql}.substr(at + prefix.size(), end - at - prefix.size());
    const auto it =
        std::find_if(specs.begin(), specs.end(), [&](const auto& c) { return c.name == name; });
    if (end == std::string::npos || it == specs.end() || !it->data) {
      throw std::invalid_argument("lead_state_row: no column " + std::string{name});
    }
    sql.replace(at, end + 1 - at, value_of(static_cast<std::size_t>(it - specs.begin()), first));
  }
  return sql;
}

std::vector<std::string> bind(const agents::lead_state& state) {
  // Every member by name: a member added to lead_state stops this from
  // compiling until it is given a column (and read back below).
  const auto& [contact, active_bot, turns, needs_human, opted_out, temperature, facts, frs, pcs,
               handoffs, confusion_turns, muted, held_at_ms, crm_tags, temperature_override,
               override_basis, crm_version, state_version] = state;
  // The row's key, and the versions: each statement binds those its own way
  // (a turn names the versions it loaded, a CRM change counts them up).
  (void)contact;
  (void)crm_version;
  (void)state_version;
  return {std::string{agents::to_string(active_bot)},
          pqxx::to_string(turns),
          pqxx::to_string(needs_human),
          pqxx::to_string(opted_out),
          std::string{agents::to_string(temperature)},
          agents::facts_to_json(facts),
          pqxx::to_string(frs),
          pqxx::to_string(pcs),
          handoffs_to_json(handoffs),
          pqxx::to_string(confusion_turns),
          pqxx::to_string(muted),
          pqxx::to_string(held_at_ms),
          json(crm_tags).dump(),
          std::string{agents::to_string(temperature_override)},
          std::string{agents::to_string(override_basis)}};
}

std::string select_list(std::string_view alias) {
  std::string out;
  for (const auto& c : specs) {
    out += (out.empty() ? "" : ", ") + fill(c.read, alias);
  }
  return out;
}

agents::lead_state read(const pqxx::row& row, int first, std::string contact) {
  agents::lead_state out;
  auto& [key, active_bot, turns, needs_human, opted_out, temperature, facts, frs, pcs, handoffs,
         confusion_turns, muted, held_at_ms, crm_tags, temperature_override, override_basis,
         crm_version, state_version] = out;
  auto i = static_cast<pqxx::row::size_type>(first);
  const auto next = [&] { return row[i++]; };
  key = std::move(contact);
  active_bot = agents::parse_bot_kind(next().as<std::string>()).value_or(agents::bot_kind::lead);
  turns = next().as<std::int32_t>();
  needs_human = next().as<bool>();
  opted_out = next().as<bool>();
  temperature =
      agents::parse_temperature(next().as<std::string>()).value_or(agents::temperature::cold);
  facts = agents::facts_from_json(next().as<std::string>());
  frs = next().as<double>();
  pcs = next().as<double>();
  handoffs = handoffs_from_json(next().as<std::string>());
  confusion_turns = next().as<std::int32_t>();
  muted = next().as<bool>();
  held_at_ms = next().as<std::int64_t>();
  crm_tags = tags_from_json(next().as<std::string>());
  temperature_override = agents::parse_temperature(next().as<std::string>());
  override_basis = agents::parse_temperature(next().as<std::string>());
  crm_version = next().as<std::int64_t>();
  state_version = next().as<std::int64_t>();
  return out;
}

}  // namespace openhouse::postgres::lead_state_row
