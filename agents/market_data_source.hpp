#pragma once

#include "config/market_data.hpp"
#include "core/expected.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

/// A market's data file as the node serves it: read at start, read again
/// when the file changes on disk (its modification time or size, checked at
/// each market question: a stat, no I/O otherwise), so an operator's refresh
/// takes effect on the next question without a restart. A refreshed file
/// that does not parse is refused (logged once, with file:line) and the
/// table read before keeps serving. Thread-safe: shared by every
/// conversation of the node.
namespace openhouse::agents {

/// What the file holds now.
struct market_data_snapshot {
  std::shared_ptr<const config::market_data> data;  ///< never null
  /// True for the one caller that saw this version replace another: it
  /// bumps the market's context generation (the answers of the old data
  /// must die on every node).
  bool changed = false;
};

class market_data_source {
 public:
  /// Reads and parses `path`; its error when it does not parse.
  [[nodiscard]] static expected<std::shared_ptr<market_data_source>, config::market_data_error>
  open(std::string path);

  /// The current table, after reading the file again when it changed.
  [[nodiscard]] market_data_snapshot current();

  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  /// Modification time and size: what tells that an operator rewrote the file.
  struct stamp {
    std::filesystem::file_time_type mtime{};
    std::uintmax_t size = 0;
    bool operator==(const stamp&) const = default;
  };

  market_data_source(std::string path, std::shared_ptr<const config::market_data> data, stamp seen);
  [[nodiscard]] static std::optional<stamp> stamp_of(const std::string& path);

  std::string path_;
  std::mutex mutex_;
  std::shared_ptr<const config::market_data> data_;
  stamp seen_;  ///< the file's stamp when last read (good or refused)
};

}  // namespace openhouse::agents
