#include "config/market_data.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

namespace openhouse::config {

namespace {

enum class column { place, month, median_price, price_per_sqft, days_on_market, inventory, change };

constexpr std::array<std::pair<std::string_view, column>, 7> columns{{
    {"place", column::place},
    {"month", column::month},
    {"median_price", column::median_price},
    {"price_per_sqft", column::price_per_sqft},
    {"days_on_market", column::days_on_market},
    {"inventory", column::inventory},
    {"mom_change_pct", column::change},
}};

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    out.push_back(core::trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::optional<std::int64_t> whole(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [at, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || at != end) return std::nullopt;
  return value;
}

std::optional<double> decimal(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);  // "+0.8"
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [at, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  if (text.empty() || ec != std::errc{} || at != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

bool is_zip(std::string_view text) {
  if (text.size() != 5) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

/// FNV-1a 64: stable on every platform, so every node names a file alike.
std::string digest(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

/// Reads one value into `row`; the reason it is refused otherwise.
std::optional<std::string> read_value(column c, std::string_view v, market_row& row) {
  switch (c) {
    case column::place:
      if (v.empty()) return "empty place";
      if (v.find_first_of("0123456789") != std::string_view::npos && !is_zip(v)) {
        return fmt::format("\"{}\" is neither a city name nor a 5-digit zip", v);
      }
      row.place = std::string{v};
      return std::nullopt;
    case column::month: {
      const auto y = v.size() == 7 && v[4] == '-' ? whole(v.substr(0, 4)) : std::nullopt;
      const auto m = v.size() == 7 && v[4] == '-' ? whole(v.substr(5, 2)) : std::nullopt;
      if (!y || !m || *y < 1900 || *y > 2999 || *m < 1 || *m > 12) {
        return fmt::format("\"{}\" is not a month as YYYY-MM", v);
      }
      row.year = static_cast<int>(*y);
      row.month = static_cast<int>(*m);
      return std::nullopt;
    }
    case column::median_price: {
      const auto n = whole(v);
      if (!n || *n <= 0 || *n > 100'000'000) {
        return fmt::format("\"{}\" is not a price in whole dollars (1 to 100000000)", v);
      }
      row.median_price = *n;
      return std::nullopt;
    }
    case column::price_per_sqft: {
      const auto d = decimal(v);
      if (!d || *d <= 0 || *d > 100'000) {
        return fmt::format("\"{}\" is not a price per square foot (above 0, at most 100000)", v);
      }
      row.price_per_sqft = *d;
      return std::nullopt;
    }
    case column::days_on_market:
    case column::inventory: {
      const auto n = whole(v);
      if (!n || *n < 0 || *n > 1'000'000) {
        return fmt::format("\"{}\" is not a whole number from 0 to 1000000", v);
      }
      (c == column::inventory ? row.inventory : row.days_on_market) = static_cast<int>(*n);
      return std::nullopt;
    }
    case column::change: {
      const auto d = decimal(v);
      if (!d || *d < -100 || *d > 1000) {
        return fmt::format("\"{}\" is not a percentage from -100 to 1000", v);
      }
      row.mom_change_pct = *d;
      return std::nullopt;
    }
  }
  return "unknown column";
}

}  // namespace

std::string market_row::month_key() const { return fmt::format("{:04}-{:02}", year, month); }

std::string to_string(const market_data_error& e) {
  if (e.column.empty()) return fmt::format("{}:{}: {}", e.file, e.line, e.message);
  return fmt::format("{}:{}: {}: {}", e.file, e.line, e.column, e.message);
}

expected<market_data, market_data_error> market_data::parse(std::string_view text,
                                                            std::string_view file) {
  const auto fail = [&](int line, std::string_view col, std::string message) {
    return unexpected{
        market_data_error{std::string{file}, line, std::string{col}, std::move(message)}};
  };
  market_data out;
  out.version_ = digest(text);
  std::vector<column> header;
  std::set<std::pair<std::string, std::string>> seen;  // (lower-case place, month)
  int number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++number;
    line = core::trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.find('"') != std::string_view::npos) {
      return fail(number, "", "quoted values are not supported");
    }
    const auto cells = split(line);
    if (header.empty()) {
      for (std::size_t i = 0; i < cells.size(); ++i) {
        const auto name = core::to_lower_ascii(cells[i]);
        const auto* known = std::find_if(columns.begin(), columns.end(),
                                         [&](const auto& c) { return c.first == name; });
        if (known == columns.end()) {
          return fail(number, cells[i], "unknown column");
        }
        if (std::find(header.begin(), header.end(), known->second) != header.end()) {
          return fail(number, cells[i], "duplicate column");
        }
        header.push_back(known->second);
      }
      for (const auto& [name, c] : columns) {
        if (std::find(header.begin(), header.end(), c) == header.end()) {
          return fail(number, name, "missing column in the header");
        }
      }
      continue;
    }
    if (cells.size() != header.size()) {
      return fail(number, "",
                  fmt::format("{} values, the header names {}", cells.size(), header.size()));
    }
    market_row row;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (auto problem = read_value(header[i], cells[i], row)) {
        const auto* name = std::find_if(columns.begin(), columns.end(),
                                        [&](const auto& c) { return c.second == header[i]; });
        return fail(number, name->first, std::move(*problem));
      }
    }
    if (!seen.emplace(core::to_lower_ascii(row.place), row.month_key()).second) {
      return fail(number, "place",
                  fmt::format("a second row for {} in {}", row.place, row.month_key()));
    }
    out.rows_.push_back(std::move(row));
  }
  if (header.empty()) return fail(number, "", "no header line");
  return out;
}

expected<market_data, market_data_error> market_data::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return unexpected{
        market_data_error{path, 0, "", "cannot read file: " + std::string(std::strerror(errno))}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return unexpected{market_data_error{path, 0, "", "cannot read file"}};
  return parse(text.str(), path);
}

const market_row* market_data::latest(std::string_view place) const {
  const market_row* best = nullptr;
  for (const auto& r : rows_) {
    if (!core::iequals_ascii(r.place, place)) continue;
    if (best == nullptr || std::pair{r.year, r.month} > std::pair{best->year, best->month}) {
      best = &r;
    }
  }
  return best;
}

}  // namespace openhouse::config
