#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace openhouse::postgres {

/// Raised when the database refuses the data itself (SQLSTATE class 22, a
/// data exception such as a NUL byte or an invalid byte sequence in text, or
/// 23, a constraint): writing the same rows again cannot succeed. The message
/// names the SQLSTATE only, never the refused value (it may be a lead's text).
class refused : public std::runtime_error {
 public:
  explicit refused(std::string sqlstate)
      : std::runtime_error("refused by PostgreSQL (SQLSTATE " + sqlstate + ")"),
        sqlstate_(std::move(sqlstate)) {}

  [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

}  // namespace openhouse::postgres
