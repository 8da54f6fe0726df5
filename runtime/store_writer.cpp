#include "runtime/store_writer.hpp"

#include "integrations/postgres/store.hpp"
#include "runtime/pending_writes.hpp"
#include "runtime/store_worker.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

namespace openhouse::runtime {

namespace {

/// A queued write and the requester waiting for its answer.
struct queued_write {
  postgres::batch_write write;
  caf::typed_response_promise<inbound_record> inbound;
  caf::typed_response_promise<reply_record> reply;
};

struct store_writer_state {
  std::unique_ptr<postgres::store> db;
  std::unique_ptr<pending_writes<queued_write>> pending;
  std::shared_ptr<write_admission> admission;
};

using writer_ptr = store_writer_actor::stateful_pointer<store_writer_state>;

void answer(queued_write& w, postgres::batch_outcome outcome) {
  if (auto* rec = std::get_if<inbound_record>(&outcome)) {
    w.inbound.deliver(std::move(*rec));
  } else {
    w.reply.deliver(std::get<reply_record>(std::move(outcome)));
  }
}

void fail(queued_write& w, const caf::error& err) {
  if (std::holds_alternative<postgres::inbound_write>(w.write)) {
    w.inbound.deliver(err);
  } else {
    w.reply.deliver(err);
  }
}

/// One write in a commit of its own: after a batch failed on a statement
/// (not the connection), so that one bad write does not fail the others.
void write_alone(postgres::store& db, queued_write& w) {
  try {
    if (const auto* in = std::get_if<postgres::inbound_write>(&w.write)) {
      w.inbound.deliver(db.record_inbound(in->msg, in->takes_lease));
    } else {
      w.reply.deliver(db.record_reply(std::get<outbound_reply>(w.write)));
    }
  } catch (const postgres::unavailable& e) {
    fail(w, make_error(store_errc::unavailable, e.what()));
  } catch (const std::exception& e) {
    spdlog::error("store: write failed: {}", e.what());
    fail(w, make_error(store_errc::query_failed, e.what()));
  }
}

/// Commits the writes queued so far (at most max_batch) and answers them.
void flush(writer_ptr self) {
  auto& st = self->state;
  auto batch = st.pending->take();
  if (st.pending->more()) self->send(self, flush_atom_v);
  if (batch.empty()) return;
  std::vector<postgres::batch_write> writes;
  writes.reserve(batch.size());
  for (const auto& w : batch) writes.push_back(w.write);
  // Each write leaves the queue's count before its answer goes, so that a
  // requester that got its answer finds the room it made.
  const auto leave = [&st, n = batch.size()] {
    if (st.admission) st.admission->leave(n);
  };
  std::vector<postgres::batch_outcome> outcomes;
  try {
    outcomes = st.db->record_batch(writes);
  } catch (const postgres::unavailable& e) {
    // Rolled back whole: every turn of the batch fails (503), none half written.
    spdlog::warn("store: batch of {} not written, database unavailable: {}", batch.size(),
                 e.what());
    leave();
    const auto err = make_error(store_errc::unavailable, e.what());
    for (auto& w : batch) fail(w, err);
    return;
  } catch (const std::exception& e) {
    spdlog::warn("store: batch of {} rolled back ({}), writing each alone", batch.size(), e.what());
    leave();
    for (auto& w : batch) write_alone(*st.db, w);
    return;
  }
  leave();
  for (std::size_t i = 0; i < batch.size(); ++i) answer(batch[i], std::move(outcomes[i]));
}

store_writer_actor::behavior_type store_writer(writer_ptr self, store_writer_settings settings) {
  auto& st = self->state;
  st.db = std::make_unique<postgres::store>(settings.database_url, settings.market);
  st.db->set_outbox_policy(std::move(settings.outbox));
  st.db->set_turn_lease(settings.turn_lease);
  st.pending = std::make_unique<pending_writes<queued_write>>(settings.max_batch);
  st.admission = std::move(settings.admission);
  return {
      [self](record_inbound_atom, inbound_sms& msg, bool takes_lease) {
        auto rp = self->make_response_promise<inbound_record>();
        queued_write w{postgres::inbound_write{std::move(msg), takes_lease}, rp, {}};
        if (self->state.pending->push(std::move(w))) self->send(self, flush_atom_v);
        return rp;
      },
      [self](record_reply_atom, outbound_reply& reply) {
        auto rp = self->make_response_promise<reply_record>();
        queued_write w{std::move(reply), {}, rp};
        if (self->state.pending->push(std::move(w))) self->send(self, flush_atom_v);
        return rp;
      },
      [self](flush_atom) { flush(self); },
  };
}

}  // namespace

store_writer_actor spawn_store_writer(caf::actor_system& sys, store_writer_settings settings) {
  return sys.spawn<caf::detached>(store_writer, std::move(settings));
}

}  // namespace openhouse::runtime
