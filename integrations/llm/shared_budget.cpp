#include "integrations/llm/shared_budget.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace openhouse::llm {

namespace {

/// KEYS: the contact's hash, the market's. Both totals, 0 when absent.
constexpr std::string_view read_script =
    "local c = redis.call('HMGET', KEYS[1], 'tokens', 'micro_usd') "
    "local m = redis.call('HMGET', KEYS[2], 'tokens', 'micro_usd') "
    "return {tonumber(c[1]) or 0, tonumber(c[2]) or 0, tonumber(m[1]) or 0, tonumber(m[2]) or 0}";

/// KEYS as above; ARGV: tokens, micro-dollars, TTL in ms. Adds to both
/// hashes, renews both expiries and returns the new totals.
constexpr std::string_view charge_script =
    "local out = {} "
    "for i = 1, 2 do "
    "  out[#out + 1] = redis.call('HINCRBY', KEYS[i], 'tokens', ARGV[1]) "
    "  out[#out + 1] = redis.call('HINCRBY', KEYS[i], 'micro_usd', ARGV[2]) "
    "  redis.call('PEXPIRE', KEYS[i], ARGV[3]) "
    "end "
    "return out";

fleet_spend to_fleet_spend(const std::vector<std::int64_t>& v) {
  if (v.size() != 4) {
    throw redis::error("budget: expected 4 totals from Redis, got " + std::to_string(v.size()));
  }
  return {{v[0], from_micro_usd(v[1])}, {v[2], from_micro_usd(v[3])}};
}

}  // namespace

shared_budget::shared_budget(redis::endpoint ep, settings s)
    : redis_(std::move(ep), s.timeout), settings_(std::move(s)) {}

void shared_budget::failed(const redis::error& e, clock::time_point now) {
  if (!down_) {
    spdlog::warn("budget: Redis unavailable, this node decides on its own count: {}", e.what());
    down_ = true;
  }
  last_error_ = e.what();
  retry_at_ = now + settings_.retry_after;
}

void shared_budget::succeeded() {
  if (down_) {
    spdlog::info("budget: Redis is back; the daily caps count the fleet's spending again");
    down_ = false;
  }
}

bool shared_budget::flush(clock::time_point now) {
  if (down_ && now < retry_at_) {
    return false;
  }
  const auto ttl = std::to_string(settings_.ttl.count());
  try {
    while (!unsynced_.empty()) {
      const auto it = unsynced_.begin();
      const auto& [day, contact] = it->first;
      const auto keys = budget_redis_keys(settings_.prefix, settings_.market, day, contact);
      const auto tokens = std::to_string(it->second.tokens);
      const auto micro = std::to_string(it->second.micro_usd);
      redis_.eval_integers(charge_script, {keys.contact, keys.market}, {tokens, micro, ttl});
      unsynced_.erase(it);
      succeeded();
    }
  } catch (const redis::error& e) {
    failed(e, now);
    return false;
  }
  return true;
}

std::optional<fleet_spend> shared_budget::read(std::string_view contact, std::string_view day,
                                               clock::time_point now) {
  if (!flush(now)) {
    return std::nullopt;
  }
  const auto keys = budget_redis_keys(settings_.prefix, settings_.market, day, contact);
  try {
    auto totals =
        to_fleet_spend(redis_.eval_integers(read_script, {keys.contact, keys.market}, {}));
    succeeded();
    return totals;
  } catch (const redis::error& e) {
    failed(e, now);
    return std::nullopt;
  }
}

bool shared_budget::charge(std::string_view contact, std::string_view day, std::int64_t tokens,
                           double usd, clock::time_point now) {
  if (tokens <= 0 && usd <= 0) {
    return true;  // nothing to add
  }
  auto& u = unsynced_[{std::string{day}, std::string{contact}}];
  u.tokens += std::max<std::int64_t>(tokens, 0);
  u.micro_usd += to_micro_usd(usd);
  if (flush(now)) {
    return true;
  }
  // Only the newest day's usage is worth keeping through an outage.
  const auto& newest = unsynced_.rbegin()->first.first;
  std::erase_if(unsynced_, [&](const auto& e) { return e.first.first < newest; });
  return false;
}

}  // namespace openhouse::llm
