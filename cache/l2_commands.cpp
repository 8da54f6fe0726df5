#include "cache/l2_commands.hpp"

#include "integrations/redis/client.hpp"

#include <charconv>

namespace openhouse::cache {

generation_read make_generation_read(const redis_keys& keys, const std::string& epoch_key,
                                     const std::string& market, const std::string& contact,
                                     const std::string& task) {
  generation_read out;
  out.keys.reserve(6);
  out.slots.reserve(4);
  out.keys.push_back(keys.global_generation());
  out.slots.push_back(&generations::global);
  if (!market.empty()) {
    out.keys.push_back(keys.market_generation(market));
    out.slots.push_back(&generations::market);
    if (!contact.empty()) {
      out.keys.push_back(keys.contact_generation(market, contact));
      out.slots.push_back(&generations::contact);
    }
  }
  if (!task.empty()) {
    out.keys.push_back(keys.task_generation(task));
    out.slots.push_back(&generations::task);
  }
  out.keys.push_back(seq_key(keys));
  out.keys.push_back(epoch_key);
  return out;
}

std::uint64_t parse_counter(const std::optional<std::string>& value) {
  if (!value) {
    return 0;
  }
  std::uint64_t v = 0;
  const auto* end = value->data() + value->size();
  auto [p, ec] = std::from_chars(value->data(), end, v);
  if (ec != std::errc{} || p != end || value->empty()) {
    throw redis::error("l2: generation counter is not a non-negative integer: '" +
                       value->substr(0, 40) + "'");
  }
  return v;
}

std::uint64_t parse_epoch(std::string_view value) {
  std::uint64_t v = 0;
  const auto* end = value.data() + value.size();
  auto [p, ec] = std::from_chars(value.data(), end, v);
  if (ec != std::errc{} || p != end || v == 0) {
    throw redis::error("l2: the epoch is not a non-zero integer: '" +
                       std::string{value.substr(0, 40)} + "'");
  }
  return v;
}

std::string epoch_key(const redis_keys& keys) { return keys.generation_tag() + ":epoch"; }

std::string seq_key(const redis_keys& keys) { return keys.generation_tag() + ":seq"; }

std::uint64_t parse_seq(const std::optional<std::string>& value) {
  // Same shape as a counter: a non-negative integer, absent = 0.
  return parse_counter(value);
}

std::optional<bump_target> make_bump_target(const redis_keys& keys, std::string_view scope_name,
                                            const std::string& market, const std::string& contact,
                                            const std::string& task) {
  bump_target out;
  if (scope_name == "global") {
    out.message.what = invalidation::kind::global;
    out.counter = keys.global_generation();
  } else if (scope_name == "market" && !market.empty()) {
    out.message.what = invalidation::kind::market;
    out.message.market = market;
    out.counter = keys.market_generation(market);
  } else if (scope_name == "contact" && !market.empty() && !contact.empty()) {
    out.message.what = invalidation::kind::contact;
    out.message.market = market;
    out.message.contact = contact;
    out.counter = keys.contact_generation(market, contact);
  } else if (scope_name == "task" && !task.empty()) {
    out.message.what = invalidation::kind::task;
    out.message.task = task;
    out.counter = keys.task_generation(task);
  } else {
    return std::nullopt;
  }
  return out;
}

}  // namespace openhouse::cache
