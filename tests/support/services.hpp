#pragma once

#include <string>

namespace openhouse::test {

/// The PostgreSQL URL that scripts/services exported; fails the test with a
/// clear message when the suite was not started through scripts/test.
std::string database_url();

/// The Redis URL that scripts/services exported.
std::string redis_url();

/// A database of its own for one test (CREATE DATABASE on the shared
/// server), dropped again when the test ends.
class scratch_database {
 public:
  scratch_database();
  ~scratch_database();
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  [[nodiscard]] const std::string& url() const { return url_; }
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string url_;
};

}  // namespace openhouse::test
