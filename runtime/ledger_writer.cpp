#include "runtime/ledger_writer.hpp"

#include "integrations/postgres/ledger.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

namespace openhouse::runtime {

namespace {

struct ledger_state {
  std::unique_ptr<postgres::ledger> db;
  ledger_options options;
  std::vector<ledger_row> buffer;
  bool tick_armed = false;
  std::uint64_t dropped = 0;
};

using self_ptr = ledger_actor::stateful_pointer<ledger_state>;

/// Writes the buffer; keeps it when the database is down.
void flush(self_ptr self) {
  auto& st = self->state;
  if (st.buffer.empty()) {
    return;
  }
  try {
    st.db->write(st.buffer);
    st.buffer.clear();
  } catch (const std::exception& e) {
    spdlog::warn("ledger: {} rows not written yet: {}", st.buffer.size(), e.what());
    if (st.buffer.size() > st.options.max_buffered) {
      const auto excess = st.buffer.size() - st.options.max_buffered;
      st.buffer.erase(st.buffer.begin(), st.buffer.begin() + static_cast<std::ptrdiff_t>(excess));
      st.dropped += excess;
      spdlog::error("ledger: dropped {} rows in total (database unavailable)", st.dropped);
    }
  }
}

void arm_tick(self_ptr self) {
  auto& st = self->state;
  if (!st.tick_armed) {
    st.tick_armed = true;
    self->delayed_send(self, st.options.interval, tick_atom_v);
  }
}

ledger_actor::behavior_type ledger_writer(self_ptr self, std::string url, std::string market,
                                          ledger_options options) {
  self->state.db = std::make_unique<postgres::ledger>(std::move(url), std::move(market));
  self->state.options = options;
  // Shutdown (an exit message) writes what is buffered before the actor goes.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    flush(self);
    self->quit(msg.reason);
  });
  return {
      [self](ledger_row& row) {
        auto& st = self->state;
        st.buffer.push_back(std::move(row));
        if (st.buffer.size() >= st.options.batch_size) {
          flush(self);
        }
        if (!st.buffer.empty()) {
          arm_tick(self);
        }
      },
      [self](tick_atom) {
        self->state.tick_armed = false;
        flush(self);
        if (!self->state.buffer.empty()) {
          arm_tick(self);
        }
      },
      [self](flush_atom) -> std::uint64_t {
        flush(self);
        return self->state.buffer.size();
      },
  };
}

}  // namespace

ledger_actor spawn_ledger_writer(caf::actor_system& sys, const std::string& database_url,
                                 const std::string& market, ledger_options options) {
  return sys.spawn<caf::detached>(ledger_writer, database_url, market, options);
}

}  // namespace openhouse::runtime
