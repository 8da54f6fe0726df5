#pragma once

#include "agents/lead_state.hpp"

#include <pqxx/row>

#include <string>
#include <string_view>
#include <vector>

/// The one mapping of agents::lead_state to PostgreSQL (conversation_state,
/// keyed by the contact): which column holds each member, how a member is
/// bound as a statement parameter and read back. Every statement that loads
/// or stores a lead's state goes through it, so a member cannot be stored by
/// one path and forgotten by another. JSON exists only here and in the
/// stored facts' form (agents::facts_to_json).
namespace openhouse::postgres::lead_state_row {

/// The lead's data columns, in the order bind() gives them. read() takes
/// them and then crm_version and state_version, which each statement binds
/// its own way (a turn names the versions it loaded; a CRM change counts
/// them up). The contact is the row's key (contacts.phone), not a column.
[[nodiscard]] const std::vector<std::string_view>& columns();

/// How many parameters bind() gives: columns().size().
[[nodiscard]] std::size_t size();

/// `sql` with the state's placeholders replaced, its parameters numbered
/// from `first` (bind()'s values, passed at that position):
/// - `{state.<column>}`: that data column's value, typed ("$7::integer";
///   held_at as a timestamp, NULL for none);
/// - `{state.columns}`: the data columns, comma-separated (no versions);
/// - `{state.values}`: their values, in the same order.
/// Throws std::invalid_argument for an unknown column or a version.
[[nodiscard]] std::string with_placeholders(std::string sql, int first);

/// The statement parameters of `state`'s data columns, in columns() order
/// (text, as libpq sends them).
[[nodiscard]] std::vector<std::string> bind(const agents::lead_state& state);

/// The select list of columns(), crm_version and state_version over the
/// table alias `alias`, in read() order.
[[nodiscard]] std::string select_list(std::string_view alias);

/// The state of `contact` from `row`, whose columns from `first` on are
/// select_list()'s.
[[nodiscard]] agents::lead_state read(const pqxx::row& row, int first, std::string contact);

}  // namespace openhouse::postgres::lead_state_row
