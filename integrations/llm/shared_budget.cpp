#include "integrations/llm/shared_budget.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <utility>

namespace openhouse::llm {

namespace {

/// KEYS: the contact's hash, the market's. Both totals, 0 when absent.
constexpr std::string_view read_script =
    "local c = redis.call('HMGET', KEYS[1], 'tokens', 'micro_usd') "
    "local m = redis.call('HMGET', KEYS[2], 'tokens', 'micro_usd') "
    "return {tonumber(c[1]) or 0, tonumber(c[2]) or 0, tonumber(m[1]) or 0, tonumber(m[2]) or 0}";

/// KEYS as above; ARGV: tokens, micro-dollars, TTL in ms, the charge's id.
/// Adds to both hashes unless the id was added before (its mark lives in the
/// contact's hash, which expires with the day), renews both expiries and
/// returns the totals.
constexpr std::string_view charge_script =
    "if redis.call('HSETNX', KEYS[1], 'charge:' .. ARGV[4], 1) == 1 then "
    "  for i = 1, 2 do "
    "    redis.call('HINCRBY', KEYS[i], 'tokens', ARGV[1]) "
    "    redis.call('HINCRBY', KEYS[i], 'micro_usd', ARGV[2]) "
    "  end "
    "end "
    "redis.call('PEXPIRE', KEYS[1], ARGV[3]) "
    "redis.call('PEXPIRE', KEYS[2], ARGV[3]) "
    "local c = redis.call('HMGET', KEYS[1], 'tokens', 'micro_usd') "
    "local m = redis.call('HMGET', KEYS[2], 'tokens', 'micro_usd') "
    "return {tonumber(c[1]) or 0, tonumber(c[2]) or 0, tonumber(m[1]) or 0, tonumber(m[2]) or 0}";

fleet_spend to_fleet_spend(const std::vector<std::int64_t>& v) {
  if (v.size() != 4) {
    throw redis::error("budget: expected 4 totals from Redis, got " + std::to_string(v.size()));
  }
  return {{v[0], from_micro_usd(v[1])}, {v[2], from_micro_usd(v[3])}};
}

}  // namespace

shared_budget::shared_budget(redis::endpoint ep, settings s)
    : redis_(std::move(ep), s.timeout), settings_(std::move(s)) {
  std::random_device rd;
  const std::uint64_t id = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  node_id_ = std::to_string(id);
}

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
      auto& c = unsynced_.front();
      const auto keys = budget_redis_keys(settings_.prefix, settings_.market, c.day, c.contact);
      const auto tokens = std::to_string(c.tokens);
      const auto micro = std::to_string(c.micro_usd);
      c.sent = true;
      redis_.eval_integers(charge_script, {keys.contact, keys.market}, {tokens, micro, ttl, c.id});
      unsynced_.pop_front();
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
  tokens = std::max<std::int64_t>(tokens, 0);
  const auto micro = to_micro_usd(usd);
  // Usage joins a kept charge of the same lead and day that was never sent;
  // anything else is a charge of its own, with an id of its own.
  auto same = std::find_if(unsynced_.begin(), unsynced_.end(), [&](const pending_charge& c) {
    return !c.sent && c.day == day && c.contact == contact;
  });
  if (same == unsynced_.end()) {
    unsynced_.push_back({std::string{day}, std::string{contact},
                         node_id_ + ":" + std::to_string(next_charge_++), 0, 0, false});
    same = std::prev(unsynced_.end());
  }
  same->tokens += tokens;
  same->micro_usd += micro;
  if (flush(now)) {
    return true;
  }
  // Only the newest day's usage is worth keeping through an outage.
  const auto newest =
      std::max_element(unsynced_.begin(), unsynced_.end(), [](const auto& a, const auto& b) {
        return a.day < b.day;
      })->day;
  std::erase_if(unsynced_, [&](const pending_charge& c) { return c.day < newest; });
  return false;
}

}  // namespace openhouse::llm
