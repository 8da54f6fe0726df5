#include "integrations/postgres/ledger.hpp"

#include "integrations/postgres/store.hpp"

#include <pqxx/pqxx>

namespace openhouse::postgres {

struct ledger::session {
  explicit session(const std::string& url) : conn(url) {}
  pqxx::connection conn;
};

ledger::ledger(std::string database_url, std::string market)
    : url_(std::move(database_url)), market_(std::move(market)) {}

ledger::~ledger() = default;

ledger::session& ledger::open() {
  if (session_ && session_->conn.is_open()) {
    return *session_;
  }
  session_.reset();
  try {
    session_ = std::make_unique<session>(url_);
  } catch (const pqxx::broken_connection& e) {
    throw unavailable(e.what());
  }
  return *session_;
}

void ledger::write(const std::vector<runtime::ledger_row>& rows) {
  if (rows.empty()) {
    return;
  }
  auto& s = open();
  try {
    pqxx::work txn{s.conn};
    pqxx::stream_to copy{txn, "llm_calls",
                         std::vector<std::string>{
                             "at", "market", "contact", "task", "model", "input_tokens",
                             "output_tokens", "cache_write_tokens", "cache_read_tokens", "cost_usd",
                             "baseline_cost_usd", "latency_ms", "attempts", "outcome"}};
    for (const auto& r : rows) {
      // COPY's text format takes an ISO timestamp; build it from epoch milliseconds in UTC.
      const auto seconds = static_cast<std::time_t>(r.at_ms / 1000);
      std::tm tm{};
      gmtime_r(&seconds, &tm);
      char at[64];
      std::snprintf(at, sizeof at, "%04d-%02d-%02d %02d:%02d:%02d.%03d+00", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                    static_cast<int>(r.at_ms % 1000));
      copy << std::make_tuple(std::string{at}, market_, r.contact, r.task, r.model, r.input_tokens,
                              r.output_tokens, r.cache_write_tokens, r.cache_read_tokens,
                              r.cost_usd, r.baseline_cost_usd, r.latency_ms, r.attempts, r.outcome);
    }
    copy.complete();
    txn.commit();
  } catch (const pqxx::broken_connection& e) {
    session_.reset();
    throw unavailable(e.what());
  }
}

nlohmann::json ledger::report(const std::string& since_day, int top_contacts) {
  auto& s = open();
  pqxx::read_transaction txn{s.conn};
  nlohmann::json out;
  out["market"] = market_;
  out["days"] = nlohmann::json::array();
  for (const auto& row : txn.exec_params(
           "SELECT to_char(date_trunc('day', at AT TIME ZONE 'UTC'), 'YYYY-MM-DD'), count(*), "
           "sum(cost_usd)::float8, sum(baseline_cost_usd)::float8, "
           "sum(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens) "
           "FROM llm_calls WHERE market = $1 AND ($2 = '' OR at >= $2::date) "
           "GROUP BY 1 ORDER BY 1",
           market_, since_day)) {
    out["days"].push_back({{"day", row[0].as<std::string>()},
                           {"calls", row[1].as<long>()},
                           {"cost_usd", row[2].as<double>()},
                           {"baseline_cost_usd", row[3].as<double>()},
                           {"tokens", row[4].as<long>()}});
  }
  out["contacts"] = nlohmann::json::array();
  for (const auto& row :
       txn.exec_params("SELECT contact, count(*), sum(cost_usd)::float8 FROM llm_calls "
                       "WHERE market = $1 AND contact <> '' AND ($2 = '' OR at >= $2::date) "
                       "GROUP BY contact ORDER BY 3 DESC LIMIT $3",
                       market_, since_day, top_contacts)) {
    out["contacts"].push_back({{"contact", row[0].as<std::string>()},
                               {"calls", row[1].as<long>()},
                               {"cost_usd", row[2].as<double>()}});
  }
  const auto totals = txn.exec_params(
      "SELECT coalesce(sum(cost_usd), 0)::float8, count(DISTINCT contact) FILTER "
      "(WHERE contact <> '') FROM llm_calls WHERE market = $1 AND "
      "($2 = '' OR at >= $2::date)",
      market_, since_day);
  const auto total = totals[0][0].as<double>();
  const auto leads = totals[0][1].as<long>();
  out["total_usd"] = total;
  out["leads"] = leads;
  out["cost_per_lead_usd"] = leads > 0 ? total / static_cast<double>(leads) : 0.0;
  return out;
}

}  // namespace openhouse::postgres
