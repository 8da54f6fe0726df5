#include "cache/l1_store.hpp"

#include <algorithm>

namespace openhouse::cache {

l1_store::l1_store(std::size_t max_bytes) : max_bytes_(max_bytes) {}

std::size_t l1_store::entry_cost(std::string_view key, std::string_view value,
                                 std::span<const std::string> tags) noexcept {
  std::size_t cost = entry_overhead + key.size() + value.size();
  for (const auto& t : tags) {
    cost += tag_overhead + t.size();
  }
  return cost;
}

const std::string* l1_store::get(std::string_view key, time_point now) {
  auto found = index_.find(key);
  if (found == index_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  auto it = found->second;
  if (now >= it->expires_at) {
    ++stats_.expired;
    ++stats_.misses;
    remove(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it);  // O(1); iterators stay valid
  ++stats_.hits;
  return &it->value;
}

bool l1_store::put(std::string key, std::string value, time_point now, duration ttl,
                   std::vector<std::string> tags) {
  // Replacing is remove + insert: simpler than patching bytes and tag sets in
  // place, and the same O(tags).
  if (auto found = index_.find(std::string_view{key}); found != index_.end()) {
    remove(found->second);
  }
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  const auto cost = entry_cost(key, value, tags);
  if (ttl <= duration::zero() || cost > max_bytes_) {
    ++stats_.rejected;
    return false;
  }

  lru_.push_front(entry{std::move(key), std::move(value), std::move(tags), now + ttl, cost});
  auto it = lru_.begin();
  index_.emplace(std::string_view{it->key}, it);
  for (const auto& t : it->tags) {
    auto slot = tag_index_.find(std::string_view{t});
    if (slot == tag_index_.end()) {
      slot = tag_index_.emplace(t, std::unordered_set<const entry*>{}).first;
    }
    slot->second.insert(&*it);
  }
  bytes_ += cost;
  evict_to_bound();
  return true;
}

void l1_store::evict_to_bound() {
  // The entry just put is at the front and fits on its own, so this never
  // evicts it.
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    ++stats_.evictions;
    remove(std::prev(lru_.end()));
  }
}

void l1_store::remove(entry_list::iterator it) {
  for (const auto& t : it->tags) {
    if (auto slot = tag_index_.find(std::string_view{t}); slot != tag_index_.end()) {
      slot->second.erase(&*it);
      if (slot->second.empty()) {
        tag_index_.erase(slot);
      }
    }
  }
  index_.erase(std::string_view{it->key});
  bytes_ -= it->cost;
  lru_.erase(it);
}

bool l1_store::erase(std::string_view key) {
  auto found = index_.find(key);
  if (found == index_.end()) {
    return false;
  }
  ++stats_.erased;
  remove(found->second);
  return true;
}

std::size_t l1_store::erase_tag(std::string_view tag) {
  auto slot = tag_index_.find(tag);
  if (slot == tag_index_.end()) {
    return 0;
  }
  // Take the set out first: remove() edits the tag index, including this tag.
  const std::vector<const entry*> victims(slot->second.begin(), slot->second.end());
  std::size_t n = 0;
  for (const entry* e : victims) {
    if (auto found = index_.find(std::string_view{e->key}); found != index_.end()) {
      remove(found->second);
      ++n;
    }
  }
  stats_.erased += n;
  return n;
}

std::size_t l1_store::erase_prefix(std::string_view prefix) {
  return erase_if([prefix](std::string_view key, std::span<const std::string>) {
    return key.starts_with(prefix);
  });
}

std::size_t l1_store::erase_if(
    const std::function<bool(std::string_view key, std::span<const std::string> tags)>& pred) {
  std::size_t n = 0;
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    if (pred(it->key, it->tags)) {
      remove(it);
      ++n;
    }
    it = next;
  }
  stats_.erased += n;
  return n;
}

std::size_t l1_store::purge_expired(time_point now) {
  std::size_t n = 0;
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    if (now >= it->expires_at) {
      remove(it);
      ++n;
    }
    it = next;
  }
  stats_.expired += n;
  return n;
}

void l1_store::clear() {
  index_.clear();
  tag_index_.clear();
  lru_.clear();
  bytes_ = 0;
}

bool l1_store::contains(std::string_view key, time_point now) const {
  auto found = index_.find(key);
  return found != index_.end() && now < found->second->expires_at;
}

std::optional<l1_store::time_point> l1_store::expires_at(std::string_view key) const {
  auto found = index_.find(key);
  if (found == index_.end()) {
    return std::nullopt;
  }
  return found->second->expires_at;
}

std::vector<std::string> l1_store::keys_by_recency() const {
  std::vector<std::string> out;
  out.reserve(lru_.size());
  for (const auto& e : lru_) {
    out.push_back(e.key);
  }
  return out;
}

}  // namespace openhouse::cache
