#include "runtime/conversation.hpp"

#include "agents/intent.hpp"
#include "agents/intent_unit.hpp"
#include "agents/lead_bot.hpp"
#include "agents/reply_policy.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

namespace openhouse::runtime {

namespace {

using self_ptr = conversation_actor::stateful_pointer<conversation_state>;
using promise = caf::typed_response_promise<turn_result>;

void remember(conversation_state& st, std::string role, std::string text) {
  st.snapshot.history.push_back({std::move(role), std::move(text)});
  const auto limit = st.deps.config->runtime.history_limit;
  while (st.snapshot.history.size() > limit) {
    st.snapshot.history.erase(st.snapshot.history.begin());
  }
}

/// Ends a message's handling, successful or not, and arms the idle timer.
void finish(self_ptr self) {
  auto& st = self->state;
  ++st.handled;
  self->delayed_send(self, st.deps.config->runtime.conversation_idle_timeout, idle_atom_v,
                     st.handled);
}

void fail(self_ptr self, promise& rp, const caf::error& err) {
  rp.deliver(err);
  finish(self);
}

/// Step 3: persist the reply and the state after the turn, then answer.
void persist_reply(self_ptr self, inbound_sms msg, std::string reply, bool fallback, promise rp) {
  auto& st = self->state;
  outbound_reply out;
  out.contact = st.contact;
  out.in_reply_to_sid = msg.sid;
  out.body = reply;
  out.bot = st.snapshot.active_bot;
  out.sent_at_ms = st.deps.time->now_ms();
  // Only the state row is written; the history is the messages table itself.
  out.state.contact = st.contact;
  out.state.active_bot = st.snapshot.active_bot;
  out.state.turns = st.snapshot.turns + 1;
  out.state.needs_human = st.snapshot.needs_human;
  self->request(st.deps.store, st.deps.store_timeout, record_reply_atom_v, std::move(out))
      .await(
          [self, msg, reply, fallback, rp](bool stored) mutable {
            auto& st = self->state;
            if (!stored) {
              // Another node answered this sid first: serve the stored reply.
              self->request(st.deps.store, st.deps.store_timeout, record_inbound_atom_v, msg)
                  .await(
                      [self, msg, rp](const inbound_record& rec) mutable {
                        rp.deliver(turn_result{msg.sid, rec.reply, true, false});
                        finish(self);
                      },
                      [self, rp](const caf::error& err) mutable { fail(self, rp, err); });
              return;
            }
            st.snapshot.turns += 1;
            remember(st, "user", msg.body);
            remember(st, "assistant", reply);
            rp.deliver(turn_result{msg.sid, reply, false, fallback});
            finish(self);
          },
          [self, rp](const caf::error& err) mutable { fail(self, rp, err); });
}

/// Reads the lead's cache generations for a unit of `task`, then continues.
/// This read — not the pub/sub message — is what keeps another node's change
/// to the lead from being answered out of a stale entry. A failure continues
/// with unverified zeros (the cache then serves nothing of this lead cached).
template <class Next>
void with_generations(self_ptr self, std::string_view task, Next next) {
  auto& st = self->state;
  self->request(st.deps.cache, st.deps.store_timeout, cache::generations_atom_v,
                st.deps.config->market.id, st.contact, std::string{task})
      .await([next](const cache::generations& g, bool verified) mutable { next(g, verified); },
             [next](const caf::error&) mutable { next(cache::generations{}, false); });
}

/// Step 2b: ask the cache for the Lead bot's reply unit.
void ask_reply(self_ptr self, inbound_sms msg, promise rp, const cache::generations& g,
               bool verified) {
  auto& st = self->state;
  const auto& cfg = *st.deps.config;
  auto req = agents::build_lead_reply(cfg, st.snapshot, st.contact, msg, g, verified);
  // The gateway bounds its own retries by the configured deadline; the margin
  // only covers a cache or gateway that is gone.
  const auto deadline = cfg.llm.retry.deadline + cfg.llm.timeout + std::chrono::seconds{10};
  self->request(st.deps.cache, deadline, cache::lookup_atom_v, std::move(req))
      .await(
          [self, msg, rp](const cache::cache_reply& answer) mutable {
            const auto& cfg = *self->state.deps.config;
            auto reply = agents::cap_reply(answer.answer.response.text, cfg.reply.max_chars);
            if (reply.empty()) {
              self->state.snapshot.needs_human = true;
              persist_reply(self, std::move(msg), cfg.market.fallback_reply, true, std::move(rp));
              return;
            }
            persist_reply(self, std::move(msg), std::move(reply), false, std::move(rp));
          },
          [self, msg, rp](const caf::error& err) mutable {
            // The lead still gets an answer, and a person is asked to look.
            spdlog::warn("conversation: no reply from the provider, sending the fallback: {}",
                         self->system().render(err));
            self->state.snapshot.needs_human = true;
            const auto& cfg = *self->state.deps.config;
            persist_reply(self, std::move(msg), cfg.market.fallback_reply, true, std::move(rp));
          });
}

/// Step 2a: classify the message (a cheap, cached unit). A failure or an
/// unreadable answer only leaves the intent unknown: the reply still goes out.
void ask_intent(self_ptr self, inbound_sms msg, promise rp, const cache::generations& g,
                bool verified) {
  auto& st = self->state;
  const auto& cfg = *st.deps.config;
  auto req = agents::build_intent_request(cfg, st.contact, msg, g, verified);
  const auto deadline = cfg.llm.retry.deadline + cfg.llm.timeout + std::chrono::seconds{10};
  auto then_reply = [self, msg, rp]() mutable {
    with_generations(self, agents::reply_task,
                     [self, msg, rp](const cache::generations& g, bool verified) mutable {
                       ask_reply(self, std::move(msg), std::move(rp), g, verified);
                     });
  };
  self->request(st.deps.cache, deadline, cache::lookup_atom_v, std::move(req))
      .await(
          [self, then_reply](const cache::cache_reply& answer) mutable {
            auto parsed = agents::parse_intent(answer.answer.response.text);
            auto* ranking = std::get_if<agents::intent_ranking>(&parsed);
            self->state.last_intent =
                ranking != nullptr && !ranking->empty()
                    ? std::string{agents::to_string(ranking->front().kind)}
                    : std::string{};
            then_reply();
          },
          [self, then_reply](const caf::error&) mutable {
            self->state.last_intent.clear();
            then_reply();
          });
}

/// Step 2: the LLM units of the turn, each under its task's generations.
void run_turn(self_ptr self, inbound_sms msg, promise rp) {
  with_generations(self, agents::intent_task,
                   [self, msg, rp](const cache::generations& g, bool verified) mutable {
                     ask_intent(self, std::move(msg), std::move(rp), g, verified);
                   });
}

/// Step 1: persist the inbound message before anything else (idempotent on sid).
void record_inbound(self_ptr self, inbound_sms msg, promise rp) {
  auto& st = self->state;
  self->request(st.deps.store, st.deps.store_timeout, record_inbound_atom_v, msg)
      .await(
          [self, msg, rp](const inbound_record& rec) mutable {
            if (!rec.inserted && rec.answered) {
              // A redelivery: the same reply, no new row, no new provider call.
              rp.deliver(turn_result{msg.sid, rec.reply, true, false});
              finish(self);
              return;
            }
            // New, or stored earlier but never answered (the first attempt failed).
            run_turn(self, std::move(msg), std::move(rp));
          },
          [self, rp](const caf::error& err) mutable { fail(self, rp, err); });
}

}  // namespace

conversation_actor::behavior_type conversation(self_ptr self, std::string contact,
                                               conversation_deps deps, passivation_actor router) {
  self->state.contact = std::move(contact);
  self->state.deps = std::move(deps);
  self->state.router = std::move(router);
  return {
      // `await` in every step keeps later messages in the mailbox until this
      // one is answered: one contact's messages are handled strictly in order.
      [self](inbound_sms& msg) -> caf::result<turn_result> {
        auto rp = self->make_response_promise<turn_result>();
        auto& st = self->state;
        if (st.loaded) {
          record_inbound(self, std::move(msg), rp);
          return rp;
        }
        self->request(st.deps.store, st.deps.store_timeout, load_atom_v, st.contact)
            .await(
                [self, msg, rp](conversation_snapshot& snap) mutable {
                  self->state.snapshot = std::move(snap);
                  self->state.loaded = true;
                  record_inbound(self, std::move(msg), std::move(rp));
                },
                [self, rp](const caf::error& err) mutable { fail(self, rp, err); });
        return rp;
      },
      [self](idle_atom, std::uint64_t handled_then) {
        auto& st = self->state;
        if (handled_then != st.handled) {
          return;  // a newer message re-armed the timer
        }
        self->request(st.router, caf::infinite, passivate_atom_v, st.contact, st.handled)
            .then(
                [self](bool may_go) {
                  if (may_go) {
                    self->quit();
                  }
                },
                [](const caf::error&) {});
      },
  };
}

}  // namespace openhouse::runtime
