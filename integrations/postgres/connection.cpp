#include "integrations/postgres/connection.hpp"

namespace openhouse::postgres {

connection::connection(std::string url, prepare_fn prepare)
    : url_(std::move(url)), prepare_(prepare) {}

connection::~connection() = default;

pqxx::connection& connection::open() {
  if (conn_ && conn_->is_open()) return *conn_;
  conn_.reset();
  try {
    auto fresh = std::make_unique<pqxx::connection>(url_);
    if (prepare_ != nullptr) prepare_(*fresh);
    conn_ = std::move(fresh);
  } catch (const pqxx::broken_connection& e) {
    throw unavailable(e.what());
  }
  return *conn_;
}

}  // namespace openhouse::postgres
