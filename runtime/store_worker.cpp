#include "runtime/store_worker.hpp"

#include "integrations/postgres/store.hpp"
#include "runtime/store_writer.hpp"

#include <caf/actor_pool.hpp>
#include <caf/all.hpp>

#include <spdlog/spdlog.h>

namespace openhouse::runtime {

caf::error make_error(store_errc code, std::string message) {
  return caf::error{static_cast<std::uint8_t>(code), store_error_category,
                    caf::make_message(std::move(message))};
}

std::string_view to_string(store_errc code) {
  switch (code) {
    case store_errc::unavailable:
      return "unavailable";
    case store_errc::query_failed:
      return "query_failed";
    case store_errc::overloaded:
      return "overloaded";
  }
  return "unknown";
}

namespace {

struct store_worker_state {
  std::unique_ptr<postgres::store> db;
  std::size_t history_limit = 10;
};

/// Runs one store call, turning exceptions into the domain's errors at the
/// worker boundary (a throwing handler would kill the actor).
template <class F>
auto guarded(F&& fn) -> caf::result<decltype(fn())> {
  try {
    return fn();
  } catch (const postgres::unavailable& e) {
    spdlog::warn("store: database unavailable: {}", e.what());
    return make_error(store_errc::unavailable, e.what());
  } catch (const std::exception& e) {
    spdlog::error("store: query failed: {}", e.what());
    return make_error(store_errc::query_failed, e.what());
  }
}

store_actor::behavior_type store_worker(store_actor::stateful_pointer<store_worker_state> self,
                                        std::string url, std::string market,
                                        std::size_t history_limit, postgres::outbox_policy outbox,
                                        std::chrono::milliseconds turn_lease) {
  self->state.db = std::make_unique<postgres::store>(std::move(url), std::move(market));
  self->state.db->set_outbox_policy(std::move(outbox));
  self->state.db->set_turn_lease(turn_lease);
  self->state.history_limit = history_limit;
  return {
      [self](record_inbound_atom, const inbound_sms& msg,
             bool takes_lease) -> caf::result<inbound_record> {
        return guarded([&] { return self->state.db->record_inbound(msg, takes_lease); });
      },
      [self](unlease_atom, const std::string& contact, std::int64_t token) -> caf::result<bool> {
        return guarded([&] {
          self->state.db->release_lease(contact, token);
          return true;
        });
      },
      [self](record_reply_atom, const outbound_reply& reply) -> caf::result<reply_record> {
        return guarded([&] { return self->state.db->record_reply(reply); });
      },
      [self](load_atom, const std::string& contact) -> caf::result<conversation_snapshot> {
        return guarded(
            [&] { return self->state.db->load_conversation(contact, self->state.history_limit); });
      },
      [self](ping_atom) -> caf::result<bool> { return self->state.db->ping(); },
      [self](release_atom, const std::string& contact) -> caf::result<bool> {
        return guarded([&] { return self->state.db->release(contact); });
      },
      [self](record_crm_atom, const crm_write& change) -> caf::result<std::int64_t> {
        return guarded([&] { return self->state.db->record_crm(change); });
      },
      [self](crm_seen_atom, const std::string& webhook_id) -> caf::result<bool> {
        return guarded([&] { return self->state.db->crm_applied(webhook_id); });
      },
      [self](transcript_atom, const std::string& contact) -> caf::result<agents::lead_transcript> {
        return guarded([&] { return self->state.db->transcript(contact); });
      },
  };
}

/// The store's one handle: turn writes to the batch writer while the queue
/// has room, everything else to the worker pool. Event-based, so a refusal
/// is answered at once however long the batch in flight takes.
store_actor::behavior_type store_front(store_actor::pointer self, store_actor pool,
                                       store_writer_actor writer,
                                       std::shared_ptr<write_admission> admission) {
  return {
      [=](record_inbound_atom a, const inbound_sms& msg,
          bool takes_lease) -> caf::result<inbound_record> {
        if (!admission->try_enter()) return make_error(store_errc::overloaded);
        return self->delegate(writer, a, msg, takes_lease);
      },
      [=](record_reply_atom a, const outbound_reply& reply) -> caf::result<reply_record> {
        if (!admission->try_enter()) return make_error(store_errc::overloaded);
        return self->delegate(writer, a, reply);
      },
      [=](unlease_atom a, const std::string& contact, std::int64_t token) -> caf::result<bool> {
        return self->delegate(pool, a, contact, token);
      },
      [=](load_atom a, const std::string& contact) -> caf::result<conversation_snapshot> {
        return self->delegate(pool, a, contact);
      },
      [=](ping_atom a) -> caf::result<bool> { return self->delegate(pool, a); },
      [=](release_atom a, const std::string& contact) -> caf::result<bool> {
        return self->delegate(pool, a, contact);
      },
      [=](record_crm_atom a, const crm_write& change) -> caf::result<std::int64_t> {
        return self->delegate(pool, a, change);
      },
      [=](crm_seen_atom a, const std::string& webhook_id) -> caf::result<bool> {
        return self->delegate(pool, a, webhook_id);
      },
      [=](transcript_atom a, const std::string& contact) -> caf::result<agents::lead_transcript> {
        return self->delegate(pool, a, contact);
      },
  };
}

}  // namespace

store_actor spawn_store_pool(caf::actor_system& sys, const config::storage_settings& settings,
                             const std::string& market, std::size_t history_limit,
                             postgres::outbox_policy outbox, std::chrono::milliseconds turn_lease) {
  auto factory = [&sys, url = settings.database_url, market, history_limit, outbox, turn_lease] {
    return caf::actor_cast<caf::actor>(
        sys.spawn<caf::detached>(store_worker, url, market, history_limit, outbox, turn_lease));
  };
  auto pool = caf::actor_pool::make(sys.dummy_execution_unit(),
                                    std::max<std::size_t>(1, settings.db_workers), factory,
                                    caf::actor_pool::round_robin());
  store_writer_settings writes;
  writes.database_url = settings.database_url;
  writes.market = market;
  writes.outbox = std::move(outbox);
  writes.turn_lease = turn_lease;
  writes.max_batch = settings.write_batch;
  writes.admission = std::make_shared<write_admission>(settings.write_queue);
  auto admission = writes.admission;
  auto writer = spawn_store_writer(sys, std::move(writes));
  return sys.spawn(store_front, caf::actor_cast<store_actor>(pool), std::move(writer),
                   std::move(admission));
}

}  // namespace openhouse::runtime
