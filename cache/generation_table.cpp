#include "cache/generation_table.hpp"

#include <utility>

namespace openhouse::cache {

std::string generation_table::counter_id(std::string_view scope, std::string_view market,
                                         std::string_view contact, std::string_view task) {
  std::string id{scope};
  auto add = [&id](std::string_view part) {
    id += '|';
    id += std::to_string(part.size());
    id += ':';
    id += part;
  };
  if (scope == "market") {
    add(market);
  } else if (scope == "contact") {
    add(market);
    add(contact);
  } else if (scope == "task") {
    add(task);
  }
  return id;
}

std::uint64_t generation_table::value(const std::string& id) const {
  auto it = counters_.find(id);
  return it == counters_.end() ? 0 : it->second;
}

generations generation_table::get(std::string_view market, std::string_view contact,
                                  std::string_view task) const {
  generations g;
  g.global = value(counter_id("global", market, contact, task));
  if (!market.empty()) {
    g.market = value(counter_id("market", market, contact, task));
  }
  if (!market.empty() && !contact.empty()) {
    g.contact = value(counter_id("contact", market, contact, task));
  }
  if (!task.empty()) {
    g.task = value(counter_id("task", market, contact, task));
  }
  g.epoch = epoch_;
  return g;
}

bool generation_table::adopt_epoch(std::uint64_t epoch) {
  if (epoch == 0 || epoch == epoch_) {
    return false;
  }
  // The old life's counters cannot be compared with the new life's: keeping
  // them would make max-merge hide every new bump until the new counters
  // caught up. Entries keyed with them are unreachable anyway (the epoch is
  // part of the key).
  counters_.clear();
  epoch_ = epoch;
  return true;
}

bool generation_table::advance(std::string_view scope, std::string_view market,
                               std::string_view contact, std::string_view task,
                               std::uint64_t value) {
  if (value == 0) {
    return false;
  }
  auto& current = counters_[counter_id(scope, market, contact, task)];
  if (value <= current) {
    return false;
  }
  current = value;
  return true;
}

generations generation_table::merge(std::string_view market, std::string_view contact,
                                    std::string_view task, const generations& seen) {
  adopt_epoch(seen.epoch);
  advance("global", market, contact, task, seen.global);
  if (!market.empty()) {
    advance("market", market, contact, task, seen.market);
  }
  if (!market.empty() && !contact.empty()) {
    advance("contact", market, contact, task, seen.contact);
  }
  if (!task.empty()) {
    advance("task", market, contact, task, seen.task);
  }
  return get(market, contact, task);
}

generations generation_table::upgrade(std::string_view market, std::string_view contact,
                                      std::string_view task, const generations& snapshot) {
  if (epoch_ == 0 && snapshot.epoch != 0) {
    // This table has not heard from Redis yet; the snapshot has (another
    // node's read, or one made before this table existed). It is the best
    // knowledge there is, and the next read from Redis corrects it.
    return merge(market, contact, task, snapshot);
  }
  if (snapshot.epoch != epoch_) {
    // Not this life's numbers: learning them could put a counter ahead of
    // Redis, where the max-merge would hide the next bump made elsewhere.
    return get(market, contact, task);
  }
  return merge(market, contact, task, snapshot);
}

std::uint64_t generation_table::bump_offline(std::string_view scope, std::string_view market,
                                             std::string_view contact, std::string_view task) {
  auto& current = counters_[counter_id(scope, market, contact, task)];
  ++current;
  pending_.push_back(
      {std::string{scope}, std::string{market}, std::string{contact}, std::string{task}});
  return current;
}

std::vector<generation_table::pending_bump> generation_table::take_pending() {
  return std::exchange(pending_, {});
}

}  // namespace openhouse::cache
