#include "cache/semantic_writer.hpp"

#include "integrations/postgres/semantic_store.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace openhouse::cache {

namespace {

struct writer_state {
  std::unique_ptr<postgres::semantic_store> db;
  semantic_writer_options options;
  std::vector<semantic_entry> buffer;
  bool tick_armed = false;
  std::uint64_t dropped = 0;
  runtime::clock::time_point last_purge{};
  /// Partition deletes that failed: retried on every tick, because a stored
  /// entry of an invalidated partition would come back at the next start.
  std::vector<std::string> pending_erasures;
};

using self_ptr = semantic_writer_actor::stateful_pointer<writer_state>;

/// Writes the buffer; keeps it when the write fails.
void flush(self_ptr self) {
  auto& st = self->state;
  if (st.buffer.empty()) return;
  try {
    st.db->insert(st.buffer);
    st.buffer.clear();
  } catch (const std::exception& e) {
    spdlog::warn("semantic writer: {} entries not written yet: {}", st.buffer.size(), e.what());
    if (st.buffer.size() > st.options.max_buffered) {
      const auto excess = st.buffer.size() - st.options.max_buffered;
      st.buffer.erase(st.buffer.begin(), st.buffer.begin() + static_cast<std::ptrdiff_t>(excess));
      st.dropped += excess;
      spdlog::error("semantic writer: dropped {} entries in total (database unavailable)",
                    st.dropped);
    }
  }
}

void purge_expired(self_ptr self) {
  auto& st = self->state;
  const auto now = st.options.clock->now();
  if (now - st.last_purge < st.options.purge_interval) return;
  st.last_purge = now;
  try {
    if (const auto n = st.db->delete_expired(now); n > 0) {
      spdlog::debug("semantic writer: deleted {} expired entries", n);
    }
  } catch (const std::exception& e) {
    spdlog::warn("semantic writer: expired entries not deleted: {}", e.what());
  }
}

void erase_pending(self_ptr self) {
  auto& st = self->state;
  while (!st.pending_erasures.empty()) {
    try {
      st.db->delete_partition_prefix(st.pending_erasures.front());
      st.pending_erasures.erase(st.pending_erasures.begin());
    } catch (const std::exception& e) {
      spdlog::error("semantic writer: partitions '{}' not deleted yet: {}",
                    st.pending_erasures.front(), e.what());
      return;
    }
  }
}

void arm_tick(self_ptr self) {
  auto& st = self->state;
  if (!st.tick_armed) {
    st.tick_armed = true;
    self->delayed_send(self, st.options.interval, runtime::tick_atom_v);
  }
}

semantic_writer_actor::behavior_type semantic_writer(self_ptr self, std::string url,
                                                     std::string market,
                                                     semantic_writer_options options) {
  if (!options.clock) options.clock = std::make_shared<runtime::system_clock>();
  self->state.db = std::make_unique<postgres::semantic_store>(std::move(url), std::move(market));
  self->state.options = std::move(options);
  self->state.last_purge = self->state.options.clock->now();
  // Shutdown (an exit message) writes what is buffered before the actor goes.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    erase_pending(self);
    flush(self);
    self->quit(msg.reason);
  });
  arm_tick(self);
  return {
      [self](semantic_entry& entry) {
        auto& st = self->state;
        st.buffer.push_back(std::move(entry));
        if (st.buffer.size() >= st.options.batch_size) flush(self);
      },
      [self](erase_atom, const std::string& prefix) {
        auto& st = self->state;
        // Entries still buffered would come back after the delete.
        std::erase_if(st.buffer, [&](const semantic_entry& e) {
          return e.partition.compare(0, prefix.size(), prefix) == 0;
        });
        st.pending_erasures.push_back(prefix);
        erase_pending(self);
      },
      [self](runtime::tick_atom) {
        self->state.tick_armed = false;
        erase_pending(self);
        flush(self);
        purge_expired(self);
        // The tick also drives the purge, so it keeps running while idle.
        arm_tick(self);
      },
      [self](runtime::flush_atom) -> std::uint64_t {
        erase_pending(self);
        flush(self);
        return self->state.buffer.size();
      },
  };
}

}  // namespace

semantic_writer_actor spawn_semantic_writer(caf::actor_system& sys, const std::string& database_url,
                                            const std::string& market,
                                            semantic_writer_options options) {
  return sys.spawn<caf::detached>(semantic_writer, database_url, market, std::move(options));
}

}  // namespace openhouse::cache
