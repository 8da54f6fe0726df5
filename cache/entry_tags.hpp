#pragma once

#include "core/cache_unit.hpp"

#include <string>
#include <string_view>
#include <vector>

/// The L1 tags of an entry, by which invalidations evict it: one per
/// generation counter its key depends on, so a bump of that counter (local,
/// or announced on the pub/sub channel) can drop exactly the entries it made
/// unreachable instead of waiting for their TTL.
namespace openhouse::cache {

[[nodiscard]] std::string task_tag(std::string_view task);
[[nodiscard]] std::string market_tag(std::string_view market);
[[nodiscard]] std::string contact_tag(std::string_view market, std::string_view contact);

/// task_tag always; market_tag for market scope and narrower; contact_tag for
/// contact scope and narrower.
[[nodiscard]] std::vector<std::string> entry_tags(const unit& u);

}  // namespace openhouse::cache
