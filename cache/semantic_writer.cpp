#include "cache/semantic_writer.hpp"

#include "cache/batch_isolation.hpp"
#include "core/metrics.hpp"
#include "integrations/postgres/refused.hpp"
#include "integrations/postgres/semantic_store.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

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
  /// Writes in a row that found the database unavailable, and when the next
  /// may run: an outage is retried with backoff, not every interval.
  int failures = 0;
  runtime::clock::time_point retry_at{};
  prometheus::Counter* dropped_refused = nullptr;   ///< rows PostgreSQL refused
  prometheus::Counter* dropped_overflow = nullptr;  ///< rows beyond max_buffered
};

using self_ptr = semantic_writer_actor::stateful_pointer<writer_state>;

/// One COPY of buffer[first, first + n), by how it ended.
write_outcome write_run(writer_state& st, std::size_t first, std::size_t n) {
  try {
    st.db->insert(std::span<const semantic_entry>{st.buffer}.subspan(first, n));
    return write_outcome::written;
  } catch (const postgres::refused& e) {
    if (n == 1) {
      // Once per dropped row, with what identifies it but none of its text.
      const auto& entry = st.buffer[first];
      spdlog::warn("semantic writer: entry {} of task '{}' dropped: {}", entry.id, entry.task,
                   e.what());
    }
    return write_outcome::refused;
  } catch (const std::exception& e) {
    if (st.failures == 0) {
      spdlog::warn("semantic writer: {} entries not written yet, retrying with backoff: {}",
                   st.buffer.size(), e.what());
    }
    return write_outcome::unavailable;
  }
}

/// Writes the buffer. A row PostgreSQL refuses is isolated (the batch is
/// halved until it stands alone), dropped and counted, so it never blocks
/// the others; when the database is unavailable the rest is kept and the
/// next attempt waits (`retry_backoff`). `force` ignores that wait.
void flush(self_ptr self, bool force = false) {
  auto& st = self->state;
  if (st.buffer.empty()) return;
  const auto now = st.options.clock->now();
  if (!force && st.failures > 0 && now < st.retry_at) return;
  const auto fates = write_isolating(st.buffer.size(), [&st](std::size_t first, std::size_t n) {
    return write_run(st, first, n);
  });
  std::vector<semantic_entry> kept;
  std::size_t refused = 0;
  for (std::size_t i = 0; i < fates.size(); ++i) {
    if (fates[i] == row_fate::kept) kept.push_back(std::move(st.buffer[i]));
    if (fates[i] == row_fate::refused) ++refused;
  }
  const bool stalled = !kept.empty();
  st.buffer = std::move(kept);
  if (refused > 0) {
    st.dropped += refused;
    if (st.dropped_refused != nullptr) st.dropped_refused->Increment(static_cast<double>(refused));
  }
  if (!stalled) {
    if (st.failures > 0) spdlog::info("semantic writer: database back, backlog written");
    st.failures = 0;
    return;
  }
  ++st.failures;
  st.retry_at =
      now + retry_backoff(st.failures, st.options.interval, st.options.max_retry_interval);
  if (st.buffer.size() > st.options.max_buffered) {
    const auto excess = st.buffer.size() - st.options.max_buffered;
    st.buffer.erase(st.buffer.begin(), st.buffer.begin() + static_cast<std::ptrdiff_t>(excess));
    st.dropped += excess;
    if (st.dropped_overflow != nullptr) {
      st.dropped_overflow->Increment(static_cast<double>(excess));
    }
    spdlog::error("semantic writer: dropped {} entries in total (database unavailable)",
                  st.dropped);
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
  if (const auto& m = self->state.options.metrics) {
    auto& family = prometheus::BuildCounter()
                       .Name("openhouse_semantic_rows_dropped_total")
                       .Help(
                           "Semantic cache entries never stored, by reason (refused: "
                           "PostgreSQL refused the row; overflow: beyond the writer's backlog)")
                       .Register(m->registry());
    self->state.dropped_refused = &family.Add({{"reason", "refused"}});
    self->state.dropped_overflow = &family.Add({{"reason", "overflow"}});
  }
  // Shutdown (an exit message) writes what is buffered before the actor goes.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    erase_pending(self);
    flush(self, true);
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
        flush(self, true);
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
