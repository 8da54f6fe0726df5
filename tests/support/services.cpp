#include "tests/support/services.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include <unistd.h>

namespace openhouse::test {

namespace {

std::string required_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    throw std::runtime_error(std::string{name} +
                             " is not set: run the suite with scripts/test (it starts Redis and "
                             "PostgreSQL with scripts/services and exports their URLs)");
  }
  return v;
}

/// Replaces the database name (the path after the last '/') of a URL.
std::string with_database(const std::string& url, const std::string& db) {
  const auto scheme_end = url.find("://");
  const auto slash = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const auto query = url.find('?', slash == std::string::npos ? 0 : slash);
  std::string base = slash == std::string::npos ? url : url.substr(0, slash);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + db + rest;
}

}  // namespace

std::string database_url() { return required_env("OPENHOUSE_DATABASE_URL"); }

std::string redis_url() { return required_env("OPENHOUSE_REDIS_URL"); }

scratch_database::scratch_database() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  name_ = "oh_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
          std::to_string(rd() % 100000);
  const auto admin = database_url();
  pqxx::connection c{admin};
  pqxx::nontransaction tx{c};
  tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  url_ = with_database(admin, name_);
}

scratch_database::~scratch_database() {
  try {
    pqxx::connection c{database_url()};
    pqxx::nontransaction tx{c};
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // Best effort: the services' var/ directory is scratch space anyway.
  }
}

}  // namespace openhouse::test
