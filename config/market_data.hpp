#pragma once

#include "core/expected.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

/// A market's data file (YAML `market.market_data.file`): monthly figures per
/// place, refreshed by the operator, that answers about the market are
/// written from. CSV, one header line naming the columns (any order, each
/// once), then one row per (place, month); '#' lines and blank lines are
/// comments. No quoting: no value of the format needs a comma.
///
///   place,month,median_price,price_per_sqft,days_on_market,inventory,mom_change_pct
///   Corona,2026-10,585000,372,34,412,0.8
///
/// Parsed strictly into an immutable table: any bad line is an error naming
/// the file, the line and the column, and nothing of the file is used.
namespace openhouse::config {

/// One place's figures for one month.
struct market_row {
  std::string place;              ///< a city name or a 5-digit zip, as written
  int year = 0;                   ///< of the month the figures cover
  int month = 0;                  ///< 1-12
  std::int64_t median_price = 0;  ///< median sale price, whole dollars
  double price_per_sqft = 0;      ///< median price per square foot, dollars
  int days_on_market = 0;         ///< median days from listing to contract
  int inventory = 0;              ///< active listings
  double mom_change_pct = 0;      ///< median price change on the month before, percent

  /// "2026-10".
  [[nodiscard]] std::string month_key() const;
};

/// Why a data file was refused: "FILE:LINE: COLUMN: MESSAGE" by to_string.
/// `line` is 1-based (0 when the file could not be read); `column` is the
/// header's name of the value at fault ("" for a whole-line problem).
struct market_data_error {
  std::string file;
  int line = 0;
  std::string column;
  std::string message;
};

[[nodiscard]] std::string to_string(const market_data_error& e);

/// The parsed file: every row, and the version of its content. Immutable;
/// thread-safe.
class market_data {
 public:
  /// Parses `text`; `file` names it in errors.
  [[nodiscard]] static expected<market_data, market_data_error> parse(std::string_view text,
                                                                      std::string_view file);
  /// Reads and parses the file at `path`.
  [[nodiscard]] static expected<market_data, market_data_error> load(const std::string& path);

  /// The latest month's row of `place` (a city, ASCII case ignored, or a
  /// zip); null when the file has none.
  [[nodiscard]] const market_row* latest(std::string_view place) const;

  [[nodiscard]] const std::vector<market_row>& rows() const noexcept { return rows_; }

  /// A digest of the file's bytes (16 hex digits): equal files, equal
  /// versions, on every node. Part of every cached answer's key.
  [[nodiscard]] const std::string& version() const noexcept { return version_; }

 private:
  std::vector<market_row> rows_;
  std::string version_;
};

}  // namespace openhouse::config
