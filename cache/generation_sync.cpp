#include "cache/generation_sync.hpp"

#include "cache/generation_table.hpp"

#include <algorithm>

namespace openhouse::cache {

std::string_view to_string(generation_sync::state s) noexcept {
  switch (s) {
    case generation_sync::state::down:
      return "down";
    case generation_sync::state::syncing:
      return "syncing";
    case generation_sync::state::synced:
      return "synced";
  }
  return "unknown";
}

generation_sync::generation_sync(std::chrono::nanoseconds trust_window, std::size_t max_counters)
    : trust_window_(trust_window), max_counters_(std::max<std::size_t>(1, max_counters)) {}

void generation_sync::reset(state to) {
  counters_.clear();
  state_ = to;
  ++session_;  // reads sent before now say nothing about what comes next
  ++resets_;
  epoch_ = 0;
  last_seq_ = 0;
  seen_seq_ = 0;
  first_seen_ = 0;
  missing_up_to_ = 0;
}

void generation_sync::subscribed(bool up) {
  reset(up ? state::syncing : state::down);
  // A fence proves delivery on one connection only.
  fence_.reset();
}

void generation_sync::fence(time_point ping_sent) {
  if (state_ == state::down) {
    return;
  }
  if (!fence_ || ping_sent > *fence_) {
    fence_ = ping_sent;
  }
}

void generation_sync::merge(std::string_view scope, std::string_view market,
                            std::string_view contact, std::string_view task, std::uint64_t value) {
  auto id = generation_table::counter_id(scope, market, contact, task);
  auto it = counters_.find(id);
  if (it == counters_.end()) {
    if (counters_.size() >= max_counters_) {
      // Bounded memory: forgetting values costs reads, never correctness
      // (an unknown counter is read from Redis).
      counters_.clear();
    }
    counters_.emplace(std::move(id), value);
    return;
  }
  it->second = std::max(it->second, value);
}

void generation_sync::note_syncing(const invalidation& inv) {
  if (first_seen_ == 0) {
    first_seen_ = inv.seq;
  } else if (inv.seq > seen_seq_ + 1) {
    missing_up_to_ = std::max(missing_up_to_, inv.seq - 1);
  }
  seen_seq_ = std::max(seen_seq_, inv.seq);
  // A message carries the counter's whole value, not a step: it is exact at
  // its seq whatever came before.
  merge(to_string(inv.what), inv.market, inv.contact, inv.task, inv.generation);
}

generation_sync::effect generation_sync::message(const invalidation& inv) {
  if (inv.what == invalidation::kind::key || state_ == state::down) {
    return effect::ignored;
  }
  if (inv.seq == 0 || inv.epoch == 0) {
    // A bump made by a node that does not number them: nothing proves the
    // copy has every bump any more.
    reset(state::syncing);
    return effect::unsequenced;
  }
  if (epoch_ != 0 && inv.epoch != epoch_) {
    // Redis restarted or was flushed. Messages of one connection come in
    // order, so this is the newer life.
    reset(state::syncing);
    epoch_ = inv.epoch;
    note_syncing(inv);
    return effect::epoch_change;
  }
  epoch_ = inv.epoch;
  if (state_ == state::syncing) {
    note_syncing(inv);
    return effect::applied;
  }
  if (inv.seq <= last_seq_) {
    merge(to_string(inv.what), inv.market, inv.contact, inv.task, inv.generation);
    return effect::duplicate;
  }
  if (inv.seq != last_seq_ + 1) {
    reset(state::syncing);
    epoch_ = inv.epoch;
    note_syncing(inv);
    return effect::gap;
  }
  last_seq_ = inv.seq;
  merge(to_string(inv.what), inv.market, inv.contact, inv.task, inv.generation);
  return effect::applied;
}

bool generation_sync::read(const ticket& t, std::string_view market, std::string_view contact,
                           std::string_view task, const generations& g, std::uint64_t seq) {
  if (!t.subscribed || t.session != session_ || state_ == state::down || g.epoch == 0) {
    return true;  // sent against another copy: it teaches this one nothing
  }
  if (epoch_ != 0 && g.epoch != epoch_) {
    // Redis and the channel disagree on the life (e.g. FLUSHALL with no bump
    // since). Which is newer cannot be told from random epochs: start over,
    // and let a read sent from now on decide.
    reset(state::syncing);
    return false;
  }
  if (state_ == state::syncing) {
    // The read was sent after the reset, so every message published after
    // Redis ran it reaches this copy after the reset, in order: those seen
    // must run on from `seq` without a hole.
    const bool hole_after_read = first_seen_ > seq + 1 || missing_up_to_ > seq;
    if (hole_after_read) {
      reset(state::syncing);
      return false;
    }
    epoch_ = g.epoch;
    last_seq_ = std::max(seq, seen_seq_);
    state_ = state::synced;
  }
  merge("global", market, contact, task, g.global);
  if (!market.empty()) {
    merge("market", market, contact, task, g.market);
  }
  if (!market.empty() && !contact.empty()) {
    merge("contact", market, contact, task, g.contact);
  }
  if (!task.empty()) {
    merge("task", market, contact, task, g.task);
  }
  return true;
}

bool generation_sync::trusted(time_point now) const noexcept {
  return state_ == state::synced && fence_ && now - *fence_ <= trust_window_;
}

std::optional<generations> generation_sync::lookup(time_point now, std::string_view market,
                                                   std::string_view contact,
                                                   std::string_view task) const {
  if (!trusted(now)) {
    return std::nullopt;
  }
  auto known = [&](std::string_view scope, std::uint64_t& out) {
    auto it = counters_.find(generation_table::counter_id(scope, market, contact, task));
    if (it == counters_.end()) {
      return false;
    }
    out = it->second;
    return true;
  };
  generations g;
  if (!known("global", g.global)) {
    return std::nullopt;
  }
  if (!market.empty() && !known("market", g.market)) {
    return std::nullopt;
  }
  if (!market.empty() && !contact.empty() && !known("contact", g.contact)) {
    return std::nullopt;
  }
  if (!task.empty() && !known("task", g.task)) {
    return std::nullopt;
  }
  g.epoch = epoch_;
  return g;
}

}  // namespace openhouse::cache
