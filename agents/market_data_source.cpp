#include "agents/market_data_source.hpp"

#include <spdlog/spdlog.h>

namespace openhouse::agents {

market_data_source::market_data_source(std::string path,
                                       std::shared_ptr<const config::market_data> data, stamp seen)
    : path_(std::move(path)), data_(std::move(data)), seen_(seen) {}

std::optional<market_data_source::stamp> market_data_source::stamp_of(const std::string& path) {
  std::error_code ec;
  stamp s;
  s.mtime = std::filesystem::last_write_time(path, ec);
  if (ec) return std::nullopt;
  s.size = std::filesystem::file_size(path, ec);
  if (ec) return std::nullopt;
  return s;
}

expected<std::shared_ptr<market_data_source>, config::market_data_error> market_data_source::open(
    std::string path) {
  const auto seen = stamp_of(path).value_or(stamp{});
  auto data = config::market_data::load(path);
  if (!data) return unexpected{std::move(data).error()};
  auto table = std::make_shared<const config::market_data>(std::move(data).value());
  return std::shared_ptr<market_data_source>(
      new market_data_source(std::move(path), std::move(table), seen));
}

market_data_snapshot market_data_source::current() {
  std::lock_guard lock(mutex_);
  const auto now = stamp_of(path_);
  if (!now || *now == seen_) {
    // Unchanged, or gone for a moment (an operator's rename in progress):
    // the table read before serves.
    return {data_, false};
  }
  seen_ = *now;
  auto fresh = config::market_data::load(path_);
  if (!fresh) {
    spdlog::error("market data refused, the previous version keeps serving: {}",
                  config::to_string(fresh.error()));
    return {data_, false};
  }
  if (fresh->version() == data_->version()) return {data_, false};  // touched, not changed
  spdlog::info("market data: {} read again (version {} -> {})", path_, data_->version(),
               fresh->version());
  data_ = std::make_shared<const config::market_data>(std::move(fresh).value());
  return {data_, true};
}

}  // namespace openhouse::agents
