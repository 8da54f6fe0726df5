#pragma once

#include "core/messages.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

/// The cost ledger in PostgreSQL: every provider call, priced. Blocking
/// (libpqxx): used from the detached ledger writer and from the CLI.
namespace openhouse::postgres {

class ledger {
 public:
  ledger(std::string database_url, std::string market);
  ~ledger();
  ledger(const ledger&) = delete;
  ledger& operator=(const ledger&) = delete;

  /// Appends rows in one COPY (one round trip for the whole batch).
  void write(const std::vector<runtime::ledger_row>& rows);

  /// Cost per day (UTC dates of `at`) and per contact, most expensive first,
  /// from `since_day` ("YYYY-MM-DD"; empty: everything). The window is in
  /// the ledger's own (injected-clock) time, not the database's now():
  /// {"days":[{"day","calls","cost_usd","baseline_cost_usd","tokens"}],
  ///  "contacts":[{"contact","calls","cost_usd"}], "total_usd", "leads", "cost_per_lead_usd"}.
  nlohmann::json report(const std::string& since_day, int top_contacts);

 private:
  struct session;
  session& open();

  std::string url_;
  std::string market_;
  std::unique_ptr<session> session_;
};

}  // namespace openhouse::postgres
