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
  return g;
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

std::uint64_t generation_table::bump_offline(std::string_view scope, std::string_view market,
                                             std::string_view contact, std::string_view task) {
  auto& current = counters_[counter_id(scope, market, contact, task)];
  ++current;
  pending_.push_back({std::string{scope}, std::string{market}, std::string{contact},
                      std::string{task}});
  return current;
}

std::vector<generation_table::pending_bump> generation_table::take_pending() {
  return std::exchange(pending_, {});
}

}  // namespace openhouse::cache
