#pragma once

#include <stdexcept>

namespace openhouse::postgres {

/// Raised when the database cannot be reached; the caller may retry later.
class unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace openhouse::postgres
