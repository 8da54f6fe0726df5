#include "runtime/conversation.hpp"

#include "agents/agent_request.hpp"
#include "agents/bots.hpp"
#include "agents/compliance.hpp"
#include "agents/escalation.hpp"
#include "agents/facts_unit.hpp"
#include "agents/faq_unit.hpp"
#include "agents/intent.hpp"
#include "agents/intent_unit.hpp"
#include "agents/lead_state.hpp"
#include "agents/lead_update.hpp"
#include "agents/market_context_unit.hpp"
#include "agents/opt_out_rule.hpp"
#include "agents/repeat_request.hpp"
#include "agents/reply_policy.hpp"
#include "agents/temperature_override.hpp"
#include "agents/unit_scope.hpp"

#include <fmt/format.h>

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

namespace openhouse::runtime {

namespace {

using self_ptr = conversation_actor::stateful_pointer<conversation_state>;
using promise = caf::typed_response_promise<turn_result>;

void remember(conversation_state& st, std::string role, std::string text) {
  st.history.push_back({std::move(role), std::move(text)});
  const auto limit = st.deps.config->runtime.history_limit;
  while (st.history.size() > limit) {
    st.history.erase(st.history.begin());
  }
}

/// True when answers asked under `step` are no longer wanted (the message
/// ended, or its deadline answered it): a late answer is dropped.
bool stale(self_ptr self, std::uint64_t step) { return self->state.step != step; }

void count_timer(const conversation_state& st, std::string_view kind) {
  if (st.deps.metrics) st.deps.metrics->count_timer(kind);
}

/// Arms the current message's one deadline, `after` from now; the timer
/// armed before it (if any) fires into nothing.
void arm_deadline(self_ptr self, caf::timespan after) {
  auto& st = self->state;
  ++st.deadline_id;
  self->delayed_send(self, after, deadline_atom_v, st.deadline_id);
  count_timer(st, "turn_deadline");
}

/// The idle timer: at most one pending; when it fires early (the lead wrote
/// meanwhile) it is armed again for the rest, not once per message.
void arm_idle(self_ptr self, caf::timespan after) {
  auto& st = self->state;
  st.idle_armed = true;
  self->delayed_send(self, after, idle_atom_v, st.handled);
  count_timer(st, "idle");
}

/// Ends a message's handling, successful or not, then takes the next
/// message that waited for it.
void finish(self_ptr self) {
  auto& st = self->state;
  ++st.handled;
  ++st.step;         // answers still out for this message are dropped
  ++st.deadline_id;  // and its deadline fires into nothing
  st.busy = false;
  st.current.reset();
  st.current_rp = {};
  st.current_crm_rp = {};
  st.current_is_crm = false;
  st.last_active = self->clock().now();
  if (!st.idle_armed) {
    arm_idle(self, st.deps.config->runtime.conversation_idle_timeout);
  }
  if (!st.queued.empty()) {
    auto next = std::move(st.queued.front());
    st.queued.pop_front();
    next();
  }
}

void fail(self_ptr self, promise& rp, const caf::error& err) {
  auto& st = self->state;
  if (st.lease != 0) {
    // The turn ends without a reply: the lead is free again at once, not
    // only when the lease runs out.
    self->request(st.deps.store, caf::infinite, unlease_atom_v, st.contact, st.lease)
        .then([](bool) {}, [](const caf::error&) {});
    st.lease = 0;
  }
  rp.deliver(err);
  finish(self);
}

void run_turn(self_ptr self, inbound_sms msg, promise rp);
void reload_then_run(self_ptr self, inbound_sms msg, promise rp);

/// How often a conversation looks again while another node holds its lead.
constexpr std::chrono::milliseconds wait_step{200};

/// Turns run again at most this often in a row because other writes of the
/// lead came first (each such write is a whole turn or a CRM change).
constexpr int max_reruns = 20;

/// Runs `next` a little later, keeping this lead's later messages waiting
/// (another node is answering one of its messages). True when the lead may
/// still be waited for: at most a turn lease and a margin in all.
template <class Next>
bool after_a_while(self_ptr self, Next next) {
  auto& st = self->state;
  const auto most = st.deps.config->runtime.turn_lease / wait_step + 10;
  if (++st.waits > most) return false;
  if (!st.deps.delay) {
    next();  // no clock to wait on (unit tests without one): look again now
    return true;
  }
  st.phase = conversation_phase::waiting;
  self->request(st.deps.delay, caf::infinite, wait_atom_v, std::int64_t{wait_step.count()})
      .then(
          [self, step = st.step, next](bool) mutable {
            if (!stale(self, step)) next();
          },
          [self, step = st.step, next](const caf::error&) mutable {
            if (!stale(self, step)) next();
          });
  return true;
}

/// The turn's provenance as stored with its reply: the bot, the compliance
/// verdict and the scores after the turn complete what the steps recorded.
std::string finish_provenance(conversation_state& st, bool fallback) {
  auto& p = st.turn.provenance;
  const auto& lead = st.turn.next;
  p.bot = std::string{agents::to_string(lead.active_bot)};
  p.compliance = st.turn.compliance;
  if (const auto& c = st.turn.compliance; !c.empty()) {
    p.answered_by = c.substr(0, c.find(':'));  // the gate's own reply
  } else if (p.answered_by.empty()) {
    p.answered_by = fallback ? "fallback" : "bot";
  }
  p.frs = lead.frs;
  p.pcs = lead.pcs;
  p.temperature = std::string{agents::to_string(lead.temperature)};
  p.temperature_from = st.turn.temperature_from;
  return agents::provenance_json(p);
}

/// Step 3: persist the reply and the state after the turn, then answer.
void persist_reply(self_ptr self, inbound_sms msg, std::string reply, bool fallback, promise rp) {
  auto& st = self->state;
  // The turn's whole new state goes (crm_version and state_version name
  // what the turn started from), and becomes the conversation's once
  // stored; the history is the messages table itself.
  auto written = st.turn.next;
  written.contact = st.contact;
  written.turns += 1;
  outbound_reply out;
  out.contact = st.contact;
  out.in_reply_to_sid = msg.sid;
  out.body = reply;
  out.bot = std::string{agents::to_string(written.active_bot)};
  out.sent_at_ms = st.deps.time->now_ms();
  out.state = written;
  out.temperature_from = st.turn.temperature_from;
  out.temperature_reason = st.turn.temperature_reason;
  out.escalation_reason = st.turn.escalation_reason;
  out.agent_request = st.turn.agent_request;
  out.hot_lead = st.turn.hot_lead;
  out.compliance = st.turn.compliance;
  out.inbound_body = msg.body;
  out.provenance_json = finish_provenance(st, fallback);
  out.lease_token = st.lease;
  st.phase = conversation_phase::store;
  self->request(st.deps.store, caf::infinite, record_reply_atom_v, std::move(out))
      .then(
          [self, step = st.step, msg, fallback, rp, written](const reply_record& rec) mutable {
            if (stale(self, step)) return;  // the message's deadline failed it
            auto& st = self->state;
            if (!rec.stored && rec.refused != reply_record::refusal::none) {
              // Another write of the lead came first (a turn on another node,
              // a CRM change, a person): this turn runs again on the state as
              // stored now; its units are cached, so that costs little. After
              // an earlier message another node still answers, it waits.
              if (rec.refused == reply_record::refusal::fenced) {
                // This turn's lease ran out and another node has the lead:
                // its turn is the lead's now.
                spdlog::warn("conversation {}: the lead's lease ran out during the turn",
                             agents::mask_pii(st.contact));
                st.lease = 0;
                fail(self, rp, caf::make_error(caf::sec::request_timeout));
                return;
              }
              spdlog::debug(
                  "conversation {}: write refused (the lead changed), running the "
                  "turn again",
                  agents::mask_pii(st.contact));
              if (++st.waits > max_reruns) {
                fail(self, rp, caf::make_error(caf::sec::request_timeout));
                return;
              }
              reload_then_run(self, std::move(msg), std::move(rp));
              return;
            }
            if (!rec.stored) {
              // Another node answered this sid first: serve the stored reply.
              if (st.lease != 0) {
                self->request(st.deps.store, caf::infinite, unlease_atom_v, st.contact, st.lease)
                    .then([](bool) {}, [](const caf::error&) {});
                st.lease = 0;
              }
              self->request(st.deps.store, caf::infinite, record_inbound_atom_v, msg, false)
                  .then(
                      [self, step = st.step, msg, rp](const inbound_record& rec) mutable {
                        if (stale(self, step)) return;
                        rp.deliver(turn_result{msg.sid, rec.reply, true, false, {}, {}, false, {}});
                        finish(self);
                      },
                      [self, step = st.step, rp](const caf::error& err) mutable {
                        if (!stale(self, step)) fail(self, rp, err);
                      });
              return;
            }
            st.lead = std::move(written);
            st.lead.state_version = rec.state_version;
            st.lease = 0;  // given back with the reply
            if (rec.suppressed) {
              // The lead opted out on another node while this turn ran.
              st.lead.opted_out = true;
              st.turn.compliance = "suppressed";
            }
            remember(st, "user", msg.body);
            if (!rec.body.empty()) remember(st, "assistant", rec.body);
            rp.deliver(turn_result{msg.sid, rec.body, false, fallback, st.turn.compliance,
                                   st.turn.escalation, st.lead.muted, st.lead.facts});
            finish(self);
          },
          [self, step = st.step, rp](const caf::error& err) mutable {
            if (!stale(self, step)) fail(self, rp, err);
          });
}

/// Reads the lead's cache generations for a unit of `task`, then continues.
/// This read — not the pub/sub message — is what keeps another node's change
/// to the lead from being answered out of a stale entry. A failure continues
/// with unverified zeros (the cache then serves nothing of this lead cached).
template <class Next>
void with_generations(self_ptr self, std::string_view task, Next next) {
  auto& st = self->state;
  st.phase = conversation_phase::units;
  self->request(st.deps.cache, caf::infinite, cache::generations_atom_v, st.deps.config->market.id,
                st.contact, std::string{task})
      .then(
          [self, step = st.step, next](const cache::generations& g, bool verified) mutable {
            if (!stale(self, step)) next(g, verified);
          },
          [self, step = st.step, next](const caf::error&) mutable {
            if (!stale(self, step)) next(cache::generations{}, false);
          });
}

void count(const conversation_state& st, std::string_view event) {
  if (st.deps.metrics) {
    st.deps.metrics->count_compliance(event);
  }
}

/// Answers with the market's fallback reply and asks a person to look;
/// `reason` labels openhouse_fallback_replies_total.
void answer_with_fallback(self_ptr self, inbound_sms msg, std::string_view reason, promise rp) {
  auto& st = self->state;
  st.turn.next.needs_human = true;
  st.turn.provenance.fallback = std::string{reason};
  st.turn.provenance.answered_by = "fallback";
  if (st.deps.metrics) {
    st.deps.metrics->count_fallback_reply(reason);
  }
  persist_reply(self, std::move(msg), st.deps.config->market.fallback_reply, true, std::move(rp));
}

/// Step 2d: the active bot speaks. It is asked for its reply (its answer
/// to the lead's text, then the next question of its flow); nothing usable
/// or no answer at all → the market's fallback, and a person is asked to look.
void ask_reply(self_ptr self, inbound_sms msg, promise rp) {
  with_generations(
      self, agents::reply_task,
      [self, msg, rp](const cache::generations& g, bool verified) mutable {
        auto& st = self->state;
        const auto bot = st.turn.next.active_bot;
        bot_turn turn;
        turn.contact = st.contact;
        turn.inbound = msg;
        turn.facts = st.turn.next.facts;
        turn.history = st.history;
        if (st.turn.handed_from) {
          turn.handed_from = std::string{agents::to_string(*st.turn.handed_from)};
        }
        turn.generations = g;
        turn.generations_verified = verified;
        self->request(st.deps.bots.of(bot), caf::infinite, std::move(turn))
            .then(
                [self, step = st.step, msg, rp](bot_reply& answer) mutable {
                  if (stale(self, step)) return;
                  self->state.turn.provenance.units.push_back(std::move(answer.unit));
                  self->state.turn.provenance.answered_by = "bot";
                  auto& reply = answer.text;
                  if (reply.empty()) {
                    answer_with_fallback(self, std::move(msg), "empty", std::move(rp));
                    return;
                  }
                  persist_reply(self, std::move(msg), std::move(reply), false, std::move(rp));
                },
                [self, step = st.step, msg, rp](const caf::error& err) mutable {
                  if (stale(self, step)) return;
                  spdlog::warn("conversation: no reply from the bot, sending the fallback: {}",
                               self->system().render(err));
                  self->state.turn.provenance.units.push_back(
                      {std::string{agents::reply_task}, "error", {}, 0, {}, 0});
                  // The budget's end comes as the turn's deadline, not as an
                  // error here: this is the provider's (or the bot's) failure.
                  answer_with_fallback(self, std::move(msg), "provider", std::move(rp));
                });
      });
}

/// Records an FAQ unit: by topic (which entry, which city) or by words.
void record_faq(agents::turn_provenance& p, const std::optional<agents::faq_topic>& topic,
                agents::unit_provenance unit) {
  p.units.push_back(std::move(unit));
  p.faq = topic ? "topic" : "words";
  if (topic && topic->entry != nullptr) {
    p.faq_topic = topic->entry->id;
    p.faq_city = topic->city;
  }
}

/// Step 2d': a general question gets the brokerage's shared answer, then
/// the active bot's next question; when that fails or is empty, the bot
/// answers as usual. `topic`: the catalog's entry, keyed by meaning; none: a
/// question keyed by its words, which an agent is also told of (no entry
/// of the brokerage's answers it, so a person should check the answer).
void ask_faq(self_ptr self, inbound_sms msg, std::optional<agents::faq_topic> topic, promise rp) {
  with_generations(
      self, agents::faq_task,
      [self, msg, topic, rp](const cache::generations& g, bool verified) mutable {
        auto& st = self->state;
        const auto& cfg = *st.deps.config;
        auto req = topic
                       ? agents::build_topic_faq_request(cfg, *topic, st.contact, msg, g, verified)
                       : agents::build_faq_request(cfg, *st.faq, st.contact, msg, g, verified);
        self->request(st.deps.cache, caf::infinite, cache::lookup_atom_v, std::move(req))
            .then(
                [self, step = st.step, msg, topic, rp](const cache::cache_reply& answer) mutable {
                  if (stale(self, step)) return;
                  auto& st = self->state;
                  record_faq(st.turn.provenance, topic,
                             unit_provenance_of(agents::faq_task, answer));
                  const auto& lead = st.turn.next;
                  auto reply =
                      agents::finish_bot_reply(*st.deps.config, lead.active_bot,
                                               answer.answer.response.text, lead.facts, st.history);
                  if (reply.empty()) {
                    ask_reply(self, std::move(msg), std::move(rp));
                    return;
                  }
                  if (!topic && st.turn.agent_request.empty()) {
                    st.turn.agent_request =
                        "A lead asked a question the brokerage's FAQ does not answer: \"" +
                        agents::mask_pii(msg.body) + "\". Please check the bot's answer.";
                    if (st.deps.metrics) st.deps.metrics->count_agent_request("question");
                  }
                  st.turn.provenance.answered_by = "faq";
                  persist_reply(self, std::move(msg), std::move(reply), false, std::move(rp));
                },
                [self, step = st.step, msg, topic, rp](const caf::error&) mutable {
                  if (stale(self, step)) return;
                  record_faq(self->state.turn.provenance, topic,
                             {std::string{agents::faq_task}, "error", {}, 0, {}, 0});
                  ask_reply(self, std::move(msg), std::move(rp));
                });
      });
}

/// Sends the market unit's answer (the model's when it carries the data,
/// else the sentence written from the data), then the bot's next question.
void answer_market(self_ptr self, inbound_sms msg, std::string answer, promise rp) {
  auto& st = self->state;
  const auto& lead = st.turn.next;
  st.turn.provenance.answered_by = "market";
  auto reply =
      agents::finish_bot_reply(*st.deps.config, lead.active_bot, answer, lead.facts, st.history);
  persist_reply(self, std::move(msg), std::move(reply), false, std::move(rp));
}

/// Step 2d'': a market question about one of the market's places is
/// answered from its data file through the market-context unit. A refreshed
/// file first bumps the market context's generation, so no node serves an
/// answer of the old data; a place the file has nothing for is told so.
void ask_market(self_ptr self, inbound_sms msg, promise rp) {
  auto& st = self->state;
  const auto& cfg = *st.deps.config;
  auto fresh = st.deps.market_data->current();
  const auto place = *st.turn.market;
  const auto* row = fresh.data->latest(place.name);
  if (row == nullptr && place.zip) row = fresh.data->latest(place.city);  // the zip's city
  if (row == nullptr) {
    answer_market(self, std::move(msg), agents::no_market_data_answer(cfg, place.name),
                  std::move(rp));
    return;
  }
  auto ask = [self, msg, place, row = *row, data = fresh.data, rp]() mutable {
    with_generations(
        self, agents::market_context_task,
        [self, msg, place, row, data, rp](const cache::generations& g, bool verified) mutable {
          auto& st = self->state;
          const auto& zone = st.deps.zone ? *st.deps.zone : time_zone::fixed({});
          auto req = agents::build_market_context_request(
              *st.deps.config, place, row, zone.day_key(st.deps.time->now()), data->version(),
              st.contact, msg, g, verified);
          self->request(st.deps.cache, caf::infinite, cache::lookup_atom_v, std::move(req))
              .then(
                  [self, step = st.step, msg, row, rp](const cache::cache_reply& answer) mutable {
                    if (stale(self, step)) return;
                    self->state.turn.provenance.units.push_back(
                        unit_provenance_of(agents::market_context_task, answer));
                    const auto& text = answer.answer.response.text;
                    answer_market(self, std::move(msg),
                                  agents::carries_data(text, row)
                                      ? text
                                      : agents::market_answer_sentence(row),
                                  std::move(rp));
                  },
                  [self, step = st.step, msg, row, rp](const caf::error&) mutable {
                    if (stale(self, step)) return;
                    self->state.turn.provenance.units.push_back(
                        {std::string{agents::market_context_task}, "error", {}, 0, {}, 0});
                    answer_market(self, std::move(msg), agents::market_answer_sentence(row),
                                  std::move(rp));
                  });
        });
  };
  if (!fresh.changed) {
    ask();
    return;
  }
  self->request(st.deps.cache, caf::infinite, cache::bump_atom_v, std::string{"task"},
                cfg.market.id, std::string{}, std::string{agents::market_context_task})
      .then(
          [self, step = st.step, ask](std::uint64_t) mutable {
            if (!stale(self, step)) ask();
          },
          [self, step = st.step, ask](const caf::error& err) mutable {
            if (stale(self, step)) return;
            // The data's version in the key still keeps old answers out.
            spdlog::warn("conversation: market context invalidation failed: {}",
                         self->system().render(err));
            ask();
          });
}

/// A clear general question by the intent unit: top intent faq.
bool asks_faq(const conversation_state& st) {
  return !st.turn.intents.empty() && st.turn.intents.front().kind == agents::intent::faq &&
         st.turn.intents.front().confidence >= agents::faq_min_confidence;
}

/// Step 2c: human escalation, then the handoff policy; then the reply.
void decide(self_ptr self, inbound_sms msg, promise rp) {
  auto& st = self->state;
  auto& lead = st.turn.next;
  const auto& cfg = *st.deps.config;
  double human = 0;
  for (const auto& i : st.turn.intents) {
    if (i.kind == agents::intent::human_request) {
      human = i.confidence;
    }
  }
  // Confusion is counted over the lead's texts in a row; any other text
  // (a question, an answer, thanks) starts the count again.
  std::vector<std::string> earlier;
  for (const auto& h : st.history) {
    if (h.role == "user") earlier.push_back(h.text);
  }
  const auto confusion = agents::confusion_of(msg.body, earlier);
  lead.confusion_turns = agents::next_confusion_turns(lead.confusion_turns,
                                                      confusion != agents::confusion_signal::none);
  const bool became_hot = !st.turn.temperature_from.empty() &&
                          st.turn.temperature_from != agents::to_string(lead.temperature) &&
                          lead.temperature == agents::temperature::hot;
  const auto escalation =
      agents::check_escalation({msg.body, human, lead.confusion_turns, became_hot}, st.escalation);
  st.turn.provenance.escalation = std::string{agents::to_string(escalation.reason)};
  st.turn.provenance.escalation_detail = escalation.detail;
  if (escalation.escalates()) {
    // The bots stop here until a person releases the lead; the first text
    // after this one gets the holding reply.
    lead.muted = true;
    lead.needs_human = true;
    lead.confusion_turns = 0;
    lead.held_at_ms = 0;
    st.turn.escalation = std::string{agents::to_string(escalation.reason)};
    st.turn.escalation_reason = escalation.detail.empty()
                                    ? st.turn.escalation
                                    : fmt::format("{}: {}", st.turn.escalation, escalation.detail);
    count(st, "escalated");
    st.turn.provenance.answered_by = "escalation";
    spdlog::info("conversation {}: escalated to a human ({})", agents::mask_pii(st.contact),
                 st.turn.escalation);
    persist_reply(self, std::move(msg),
                  fmt::format("Thanks for your patience. An agent from {} will text you "
                              "personally shortly.",
                              cfg.market.business_name),
                  false, std::move(rp));
    return;
  }
  if (became_hot) {
    // Agent-worthy, not a reason to silence the bot: the agent gets a note.
    st.turn.hot_lead =
        agents::hot_lead_note(lead.frs, lead.pcs, st.turn.temperature_reason, msg.body);
    if (st.deps.metrics) {
      st.deps.metrics->count_agent_request("hot_lead");
    }
    spdlog::info("conversation {}: hot lead, the agent gets a note", agents::mask_pii(st.contact));
  }
  const auto now = st.deps.time->now();
  const auto current = lead.active_bot;
  const auto decision = st.handoffs->decide(current, st.turn.intents, lead.handoffs, now);
  st.turn.provenance.handoff_reason = std::string{agents::to_string(decision.reason)};
  st.turn.provenance.handoff_detail = decision.detail;
  if (decision.target) {
    st.turn.provenance.handoff_from = std::string{agents::to_string(current)};
    st.turn.provenance.handoff_to = std::string{agents::to_string(*decision.target)};
  }
  if (decision.target) {
    const agents::handoff_record record{now, current, *decision.target};
    agents::append_handoff(lead, record);
    lead.active_bot = *decision.target;
    st.turn.handed_from = current;
    std::string summary;
    for (const auto& h : st.history) {
      if (h.role == "user") {
        summary += h.text + " ";
      }
    }
    summary += msg.body;
    agents::lead_score score;
    score.frs = lead.frs;
    score.pcs = lead.pcs;
    score.temp = lead.temperature;
    st.turn.handoff_context = agents::render_handoff_context(
        agents::make_handoff_context(current, *decision.target, lead.facts, score, summary));
    if (st.deps.metrics) {
      st.deps.metrics->count_handoff(agents::to_string(current),
                                     agents::to_string(*decision.target));
    }
  }
  // A tour or a valuation needs a person: the agent gets a note, the bot
  // still answers (its goal says an agent will follow up).
  if (auto request = agents::agent_request_of(lead.active_bot, st.turn.intents, msg.body)) {
    st.turn.agent_request = std::move(request->note);
    if (st.deps.metrics) {
      st.deps.metrics->count_agent_request(agents::to_string(request->kind));
    }
    spdlog::info("conversation {}: {} request for the agent", agents::mask_pii(st.contact),
                 agents::to_string(request->kind));
  }
  // A general question gets the brokerage's answer on any turn, whichever
  // bot is active and whatever else the turn did (DESIGN.md "A reply").
  if (st.turn.market) {
    ask_market(self, std::move(msg), std::move(rp));
    return;
  }
  if (st.turn.topic) {
    ask_faq(self, std::move(msg), st.turn.topic, std::move(rp));
    return;
  }
  if (asks_faq(st)) {
    ask_faq(self, std::move(msg), std::nullopt, std::move(rp));
    return;
  }
  ask_reply(self, std::move(msg), std::move(rp));
}

/// Step 2b': a temperature change invalidates every cached unit of the lead on
/// every node before anything else is asked (DESIGN.md "A turn", step 4).
void bump_then_decide(self_ptr self, inbound_sms msg, promise rp) {
  auto& st = self->state;
  st.phase = conversation_phase::units;
  self->request(st.deps.cache, caf::infinite, cache::bump_atom_v, std::string{"contact"},
                st.deps.config->market.id, st.contact, std::string{})
      .then(
          [self, step = st.step, msg, rp](std::uint64_t) mutable {
            if (!stale(self, step)) decide(self, std::move(msg), std::move(rp));
          },
          [self, step = st.step, msg, rp](const caf::error& err) mutable {
            if (stale(self, step)) return;
            spdlog::warn("conversation: cache invalidation failed: {}", self->system().render(err));
            decide(self, std::move(msg), std::move(rp));
          });
}

/// Step 2b: the lead's facts → FRS/PCS → temperature. A malformed answer is
/// asked once more (its entry dropped first); then the previous facts stand.
void facts_answered(self_ptr self, inbound_sms msg, promise rp, const cache::cache_reply* answer);

void ask_facts(self_ptr self, inbound_sms msg, promise rp) {
  with_generations(
      self, agents::facts_task,
      [self, msg, rp](const cache::generations& g, bool verified) mutable {
        auto& st = self->state;
        const auto& cfg = *st.deps.config;
        auto req = agents::build_facts_request(cfg, st.history, st.contact, msg, g, verified);
        self->request(st.deps.cache, caf::infinite, cache::lookup_atom_v, std::move(req))
            .then(
                [self, step = st.step, msg, rp](const cache::cache_reply& answer) mutable {
                  if (!stale(self, step))
                    facts_answered(self, std::move(msg), std::move(rp), &answer);
                },
                [self, step = st.step, msg, rp](const caf::error&) mutable {
                  if (!stale(self, step))
                    facts_answered(self, std::move(msg), std::move(rp), nullptr);
                });
      });
}

/// Step 2b, once the intent is settled: the facts' answer (null: the unit
/// failed) → FRS/PCS → temperature. A malformed answer is asked once more
/// (its entry dropped first); then the previous facts stand.
void process_facts(self_ptr self, inbound_sms msg, promise rp, const cache::cache_reply* reply) {
  if (reply == nullptr) {
    self->state.turn.provenance.units.push_back(
        {std::string{agents::facts_task}, "error", {}, 0, {}, 0});
    decide(self, std::move(msg), std::move(rp));  // previous facts stand
    return;
  }
  const auto& answer = *reply;
  const auto step = self->state.step;
  auto& st = self->state;
  st.turn.provenance.units.push_back(unit_provenance_of(agents::facts_task, answer));
  auto& lead = st.turn.next;
  auto update = agents::update_scoring(st.deps.config->scoring, lead.facts, lead.temperature,
                                       answer.answer.response.text);
  if (!update.valid && !st.turn.facts_retried) {
    st.turn.facts_retried = true;
    self->request(st.deps.cache, caf::infinite, cache::erase_atom_v, answer.key)
        .then(
            [self, step, msg, rp](bool) mutable {
              if (!stale(self, step)) ask_facts(self, msg, rp);
            },
            [self, step, msg, rp](const caf::error&) mutable {
              if (!stale(self, step)) ask_facts(self, msg, rp);
            });
    return;
  }
  if (!update.valid) {
    decide(self, std::move(msg), std::move(rp));  // previous facts stand
    return;
  }
  lead.facts = std::move(update.facts);
  lead.frs = update.score.frs;
  lead.pcs = update.score.pcs;
  // A person's CRM temperature holds until the score really moves.
  const auto decision = crm::resolve_temperature(
      agents::to_string(lead.temperature), agents::to_string(lead.temperature_override),
      agents::to_string(lead.override_basis), agents::to_string(update.score.temp));
  lead.temperature_override = agents::parse_temperature(decision.override_temperature);
  lead.override_basis = agents::parse_temperature(decision.basis);
  if (!decision.changed) {
    decide(self, std::move(msg), std::move(rp));
    return;
  }
  st.turn.temperature_from = std::string{agents::to_string(lead.temperature)};
  st.turn.temperature_reason =
      decision.override_ended ? update.reason + " (ends the CRM temperature)" : update.reason;
  lead.temperature = agents::parse_temperature(decision.temperature).value_or(update.score.temp);
  if (st.deps.metrics) {
    st.deps.metrics->count_temperature_change(agents::to_string(lead.temperature));
  }
  bump_then_decide(self, std::move(msg), std::move(rp));
}

/// The facts unit answered. Asked together with the intent unit, its answer
/// waits for the intent (which may opt the lead out, or find the lead muted:
/// then it is never used); asked after it, it goes on at once.
void facts_answered(self_ptr self, inbound_sms msg, promise rp, const cache::cache_reply* answer) {
  auto& t = self->state.turn;
  if (t.facts == facts_progress::early) {
    t.facts = facts_progress::answered;
    t.facts_reply = answer != nullptr ? std::optional<cache::cache_reply>{*answer} : std::nullopt;
    return;
  }
  t.facts = facts_progress::none;
  process_facts(self, std::move(msg), std::move(rp), answer);
}

/// Step 2b: the facts unit, unless it was asked with the intent unit (then
/// its answer, or the wait for it).
void facts_step(self_ptr self, inbound_sms msg, promise rp) {
  auto& t = self->state.turn;
  switch (t.facts) {
    case facts_progress::early:
      t.facts = facts_progress::awaited;  // its answer goes on
      return;
    case facts_progress::answered: {
      t.facts = facts_progress::none;
      auto reply = std::move(t.facts_reply);
      process_facts(self, std::move(msg), std::move(rp), reply ? &*reply : nullptr);
      return;
    }
    case facts_progress::none:
    case facts_progress::awaited:
      break;
  }
  ask_facts(self, std::move(msg), std::move(rp));
}

/// The one text an opt-out gets: it says how to opt back in.
std::string opt_out_confirmation(const config::market_config& cfg) {
  return fmt::format(
      "{}: you're unsubscribed and will get no more texts from us. Reply START to opt back in.",
      cfg.market.business_name);
}

/// Opts the lead out with this message: stored with the turn, confirmed once
/// (nothing at all when the lead had already opted out), then never another
/// text from any node or path.
void opt_out(self_ptr self, inbound_sms msg, promise rp) {
  auto& st = self->state;
  const bool already = st.turn.next.opted_out;
  st.turn.next.opted_out = true;
  st.turn.compliance = "opt_out:" + st.turn.opt_out.rule;
  count(st, st.turn.opt_out.rule == "keyword" ? "opt_out" : "opt_out_wish");
  spdlog::info("conversation {}: opted out ({})", agents::mask_pii(st.contact),
               st.turn.opt_out.rule);
  persist_reply(self, std::move(msg),
                already ? std::string{} : opt_out_confirmation(*st.deps.config), false,
                std::move(rp));
}

/// Step 2a': a message the opt-out rule was unsure of ("cancel it") is an
/// opt-out when the model's intents name one at any confidence or the model
/// gave no answer, and so is any message the model is confident of.
/// `intents` is null when the intent unit failed. True when it was one (the
/// turn is then answered).
bool honour_opt_out_wish(self_ptr self, inbound_sms& msg, promise& rp,
                         const agents::intent_ranking* intents) {
  auto& st = self->state;
  if (!agents::honour_opt_out(st.turn.opt_out, intents)) {
    return false;
  }
  if (st.turn.opt_out.verdict == agents::opt_out_verdict::none) {
    st.turn.opt_out.rule = "model";
  }
  opt_out(self, std::move(msg), std::move(rp));
  return true;
}

/// The rest of a turn whose opt-out question is settled: a muted lead's
/// message is only stored (a person has the conversation).
void after_opt_out_check(self_ptr self, inbound_sms msg, promise rp);

/// Records the top intent the turn goes on with.
void record_intent(conversation_state& st) {
  auto& p = st.turn.provenance;
  p.intent.clear();
  p.intent_confidence = 0;
  if (!st.turn.intents.empty()) {
    p.intent = std::string{agents::to_string(st.turn.intents.front().kind)};
    p.intent_confidence = st.turn.intents.front().confidence;
  }
}

/// Step 2a: classify the message (a cheap, cached unit). A failure or an
/// unreadable answer only leaves the intent unknown.
void ask_intent(self_ptr self, inbound_sms msg, promise rp) {
  with_generations(
      self, agents::intent_task,
      [self, msg, rp](const cache::generations& g, bool verified) mutable {
        auto& st = self->state;
        const auto& cfg = *st.deps.config;
        auto req = agents::build_intent_request(cfg, st.contact, msg, g, verified);
        self->request(st.deps.cache, caf::infinite, cache::lookup_atom_v, std::move(req))
            .then(
                [self, step = st.step, msg, rp](const cache::cache_reply& answer) mutable {
                  if (stale(self, step)) return;
                  auto parsed = agents::parse_intent(answer.answer.response.text);
                  auto* ranking = parsed ? &parsed.value() : nullptr;
                  auto& st = self->state;
                  st.turn.provenance.units.push_back(
                      unit_provenance_of(agents::intent_task, answer));
                  st.turn.intents = ranking != nullptr ? *ranking : agents::intent_ranking{};
                  record_intent(st);
                  st.last_intent =
                      st.turn.intents.empty()
                          ? std::string{}
                          : std::string{agents::to_string(st.turn.intents.front().kind)};
                  if (!honour_opt_out_wish(self, msg, rp, ranking)) {
                    after_opt_out_check(self, std::move(msg), std::move(rp));
                  }
                },
                [self, step = st.step, msg, rp](const caf::error&) mutable {
                  if (stale(self, step)) return;
                  self->state.turn.provenance.units.push_back(
                      {std::string{agents::intent_task}, "error", {}, 0, {}, 0});
                  self->state.last_intent.clear();
                  self->state.turn.intents.clear();
                  if (!honour_opt_out_wish(self, msg, rp, nullptr)) {
                    after_opt_out_check(self, std::move(msg), std::move(rp));
                  }
                });
      });
}

void after_opt_out_check(self_ptr self, inbound_sms msg, promise rp) {
  auto& st = self->state;
  auto& lead = st.turn.next;
  if (lead.muted) {
    // A person has the conversation. The lead hears that the message
    // reached one, at most once per hold_reply_every (stored, so every node
    // and a restart keep the pace); otherwise nothing.
    st.turn.compliance = "muted";
    count(st, "muted");
    std::string reply;
    const auto now = st.deps.time->now_ms();
    if (agents::holding_reply_due(lead.held_at_ms, now, st.escalation.hold_reply_every)) {
      reply = agents::holding_reply(st.deps.config->market.business_name);
      lead.held_at_ms = now;
      count(st, "hold_reply");
    }
    persist_reply(self, std::move(msg), std::move(reply), false, std::move(rp));
    return;
  }
  if (st.turn.topic || st.turn.market) {
    // A general question by topic tells no facts of the lead's (no figures,
    // no plan): no fact extraction to pay for.
    decide(self, std::move(msg), std::move(rp));
    return;
  }
  facts_step(self, std::move(msg), std::move(rp));
}

/// The brokerage's FAQ entry `text` is answered by, when by topic: the
/// catalog files it under one, it pins down no figure or particular home,
/// it carries no PII (the entry keeps no trace of the lead, even as its
/// source), and it does not ask about the lead's own home whose place they
/// gave (then the answer is theirs).
std::optional<agents::faq_topic> topic_of(const conversation_state& st, std::string_view text) {
  auto topic = st.faq->match(text);
  if (!topic || topic->specific ||
      agents::text_unit_scope(text, st.contact) != cache::scope::market ||
      agents::asks_about_own_home(text, st.history, st.turn.next.facts.areas)) {
    return std::nullopt;
  }
  return topic;
}

/// Step 2: the compliance gate (no LLM), then the LLM units of the turn.
void run_turn(self_ptr self, inbound_sms msg, promise rp) {
  auto& st = self->state;
  const auto& cfg = *st.deps.config;
  st.turn = {};
  st.turn.next = st.lead;
  auto& lead = st.turn.next;
  st.turn.deadline = self->clock().now() + cfg.reply.budget;
  const auto keyword = agents::classify_compliance(msg.body);
  if (keyword == agents::compliance_action::opt_in &&
      (lead.opted_out || !agents::is_plain_yes(msg.body))) {
    // START / UNSTOP always; YES only from a lead who opted out (otherwise
    // it answers the bot's question).
    lead.opted_out = false;
    st.turn.compliance = "opt_in";
    count(st, "opt_in");
    persist_reply(self, std::move(msg),
                  fmt::format("{}: you're subscribed again. Reply STOP to opt out, HELP for help.",
                              cfg.market.business_name),
                  false, std::move(rp));
    return;
  }
  if (keyword == agents::compliance_action::help) {
    st.turn.compliance = "help";
    count(st, "help");
    persist_reply(self, std::move(msg), cfg.market.help_text, false, std::move(rp));
    return;
  }
  // Opt-outs in any words, honoured at once and for good: stored with this
  // turn, checked on every later message (and read fresh from PostgreSQL by
  // every node).
  st.turn.opt_out = st.opt_out->classify(msg.body);
  st.turn.provenance.opt_out = std::string{agents::to_string(st.turn.opt_out.verdict)};
  st.turn.provenance.opt_out_rule = st.turn.opt_out.rule;
  if (st.turn.opt_out.verdict == agents::opt_out_verdict::opt_out) {
    opt_out(self, std::move(msg), std::move(rp));
    return;
  }
  if (lead.opted_out) {
    // Opted out: never another text.
    st.turn.compliance = "suppressed";
    count(st, "suppressed");
    persist_reply(self, std::move(msg), std::string{}, false, std::move(rp));
    return;
  }
  if (lead.muted && st.turn.opt_out.verdict == agents::opt_out_verdict::none) {
    // Muted: a person has the conversation.
    after_opt_out_check(self, std::move(msg), std::move(rp));
    return;
  }
  if (agents::asks_to_repeat(msg.body)) {
    // Said again from this lead's own history: what they were told then
    // depended on what they asked then (a city, their home).
    const auto topic = st.faq->match(msg.body);
    auto again = agents::earlier_answer(st.history, [&](std::string_view asked) {
      if (!topic) return !agents::asks_to_repeat(asked);
      const auto then = st.faq->match(asked);
      return then && then->entry == topic->entry;
    });
    if (again) {
      // The answer as it was, without the question that followed it then
      // (its fact may be known by now): the flow's next question instead.
      auto reply = agents::finish_bot_reply(cfg, lead.active_bot, *again, lead.facts, st.history);
      if (!reply.empty()) {
        st.turn.provenance.answered_by = "repeat";
        persist_reply(self, std::move(msg), std::move(reply), false, std::move(rp));
        return;
      }
    }
  }
  if (st.deps.market_questions) st.turn.market = st.deps.market_questions->match(msg.body);
  if (!st.turn.market) st.turn.topic = topic_of(st, msg.body);
  if ((st.turn.topic || st.turn.market) &&
      st.turn.opt_out.verdict == agents::opt_out_verdict::none) {
    // The catalog already knows what the text asks: no intent unit.
    st.turn.intents = {{agents::intent::faq, 1.0,
                        st.turn.topic ? st.turn.topic->entry->id : std::string{"market"}}};
    record_intent(st);
    st.last_intent = "faq";
    after_opt_out_check(self, std::move(msg), std::move(rp));
    return;
  }
  // The intent unit also settles an unsure opt-out (a muted lead's too).
  // The facts unit needs only the text and the lead's facts: it is asked at
  // the same time, unless the text may be an opt-out (no unit hears one
  // before the intent clears it) or the lead is muted (a person has it).
  if (!lead.muted && st.turn.opt_out.verdict == agents::opt_out_verdict::none) {
    st.turn.facts = facts_progress::early;
    ask_facts(self, msg, rp);
  }
  ask_intent(self, std::move(msg), std::move(rp));
}

/// Loads the lead as stored, then runs the turn on it.
void reload_then_run(self_ptr self, inbound_sms msg, promise rp) {
  auto& st = self->state;
  st.phase = conversation_phase::store;
  self->request(st.deps.store, caf::infinite, load_atom_v, st.contact)
      .then(
          [self, step = st.step, msg, rp](conversation_snapshot& fresh) mutable {
            if (stale(self, step)) return;
            self->state.lead = std::move(fresh.lead);
            self->state.history = std::move(fresh.history);
            run_turn(self, std::move(msg), std::move(rp));
          },
          [self, step = st.step, rp](const caf::error& err) mutable {
            if (!stale(self, step)) fail(self, rp, err);
          });
}

/// Step 1: persist the inbound message before anything else (idempotent on sid).
void record_inbound(self_ptr self, inbound_sms msg, promise rp) {
  auto& st = self->state;
  // An opt-out never waits for another node's turn of the lead: it is
  // recorded and honoured at once, and that turn is refused when it writes
  // and runs again on the opted-out lead.
  const bool takes_lease =
      st.opt_out->classify(msg.body).verdict != agents::opt_out_verdict::opt_out;
  st.phase = conversation_phase::store;
  self->request(st.deps.store, caf::infinite, record_inbound_atom_v, msg, takes_lease)
      .then(
          [self, step = st.step, msg, rp](const inbound_record& rec) mutable {
            if (stale(self, step)) return;
            if (rec.busy) {
              // Another node runs a turn of this lead: this message waits for
              // it (and is answered from it, when it is the same message).
              const bool waiting = after_a_while(self, [self, msg, rp]() mutable {
                record_inbound(self, std::move(msg), std::move(rp));
              });
              if (!waiting) fail(self, rp, caf::make_error(caf::sec::request_timeout));
              return;
            }
            self->state.lease = rec.lease_token;
            if (!rec.inserted && rec.answered) {
              // A redelivery: the same reply, no new row, no new provider call.
              rp.deliver(turn_result{msg.sid, rec.reply, true, false, {}, {}, false, {}});
              finish(self);
              return;
            }
            // New, or stored earlier but never answered (the first attempt failed).
            // PostgreSQL is the truth for both (another node, or a person, may
            // have changed them since this actor loaded the lead).
            auto& lead = self->state.lead;
            lead.opted_out = rec.opted_out;
            if (lead.muted && !rec.muted) {
              // Released by a person: the bots start afresh.
              lead.confusion_turns = 0;
              lead.needs_human = false;
            }
            lead.muted = rec.muted;
            lead.held_at_ms = rec.held_at_ms;
            if (rec.state_version == lead.state_version) {
              run_turn(self, std::move(msg), std::move(rp));
              return;
            }
            // The lead was written elsewhere (another node's turn, a CRM
            // change, a person, a follow-up): the turn starts from the latest
            // stored state and history.
            reload_then_run(self, std::move(msg), std::move(rp));
          },
          [self, step = st.step, rp](const caf::error& err) mutable {
            if (!stale(self, step)) fail(self, rp, err);
          });
}

using crm_promise = caf::typed_response_promise<crm_result>;

/// Step 3 of a CRM change: persist it with its webhookId, then answer.
void record_crm(self_ptr self, crm_event ev, crm::lead_update update, crm_promise rp) {
  auto& st = self->state;
  crm_write w;
  w.webhook_id = ev.webhook_id;
  w.kind = ev.kind;
  w.at_ms = st.deps.time->now_ms();
  w.state = update.state;
  w.temperature_from = update.temperature_from;
  w.temperature_reason = update.reason;
  self->request(st.deps.store, caf::infinite, record_crm_atom_v, std::move(w))
      .then(
          [self, step = st.step, update, rp](std::int64_t version) mutable {
            if (stale(self, step)) return;
            auto& st = self->state;
            crm_result out;
            if (version == 0) {
              out.duplicate = true;  // applied before (maybe by another node)
              out.temperature = agents::to_string(st.lead.temperature);
              rp.deliver(std::move(out));
              finish(self);
              return;
            }
            st.lead = std::move(update.state);
            st.lead.crm_version = version;
            if (!update.temperature_from.empty() && st.deps.metrics) {
              st.deps.metrics->count_temperature_change(agents::to_string(st.lead.temperature));
            }
            if (update.released) {
              spdlog::info("conversation {}: given back to the bots by the CRM release tag",
                           agents::mask_pii(st.contact));
            }
            out.temperature = agents::to_string(st.lead.temperature);
            out.temperature_changed = !update.temperature_from.empty();
            out.person_temperature = update.person_temperature;
            out.released = update.released;
            out.invalidated = update.invalidate;
            out.fields_applied = std::move(update.fields_applied);
            out.fields_rejected = std::move(update.fields_rejected);
            rp.deliver(std::move(out));
            finish(self);
          },
          [self, step = st.step, rp](const caf::error& err) mutable {
            if (stale(self, step)) return;
            rp.deliver(err);
            finish(self);
          });
}

/// Step 2 of a CRM change: the contact's cached units die on every node
/// *before* the change is stored, so no node can serve an old unit once the
/// change is visible. A failed bump fails the change (nothing is stored;
/// the CRM delivers it again); a redundant one on a retry is harmless.
void apply_crm(self_ptr self, crm_event ev, crm_promise rp) {
  auto& st = self->state;
  const auto& cfg = *st.deps.config;
  auto update = crm::apply_crm_event(cfg.scoring, cfg.crm.release_tag, st.lead, ev);
  if (!update.invalidate) {
    record_crm(self, std::move(ev), std::move(update), std::move(rp));
    return;
  }
  self->request(st.deps.cache, caf::infinite, cache::bump_atom_v, std::string{"contact"},
                cfg.market.id, st.contact, std::string{})
      .then(
          [self, step = st.step, ev, update, rp](std::uint64_t) mutable {
            if (!stale(self, step)) {
              record_crm(self, std::move(ev), std::move(update), std::move(rp));
            }
          },
          [self, step = st.step, rp](const caf::error& err) mutable {
            if (stale(self, step)) return;
            spdlog::warn("conversation: CRM change not applied, cache invalidation failed: {}",
                         self->system().render(err));
            rp.deliver(err);
            finish(self);
          });
}

/// Before any effect: a webhookId applied before (by any node, before a
/// restart) is a redelivery. It is answered as a duplicate without touching
/// the cache, so no second generation bump happens. record_crm's insert of
/// the id stays the guarantee when two deliveries race.
void check_crm_seen(self_ptr self, crm_event ev, crm_promise rp) {
  auto& st = self->state;
  if (ev.webhook_id.empty()) {
    apply_crm(self, std::move(ev), std::move(rp));
    return;
  }
  self->request(st.deps.store, caf::infinite, crm_seen_atom_v, ev.webhook_id)
      .then(
          [self, step = st.step, ev, rp](bool seen) mutable {
            if (stale(self, step)) return;
            if (!seen) {
              apply_crm(self, std::move(ev), std::move(rp));
              return;
            }
            crm_result out;
            out.duplicate = true;
            out.temperature = agents::to_string(self->state.lead.temperature);
            rp.deliver(std::move(out));
            finish(self);
          },
          [self, step = st.step, rp](const caf::error& err) mutable {
            if (stale(self, step)) return;
            rp.deliver(err);
            finish(self);
          });
}

/// Step 0 of a lead's message: the lead as stored (first message only),
/// then step 1. The message's one deadline starts now.
void start_inbound(self_ptr self, inbound_sms msg, promise rp) {
  auto& st = self->state;
  st.busy = true;
  st.waits = 0;
  st.lease = 0;
  st.budget_spent = false;
  st.phase = conversation_phase::store;
  st.current = msg;
  st.current_rp = rp;
  st.current_is_crm = false;
  arm_deadline(self, st.deps.config->reply.budget);
  if (st.loaded) {
    record_inbound(self, std::move(msg), std::move(rp));
    return;
  }
  self->request(st.deps.store, caf::infinite, load_atom_v, st.contact)
      .then(
          [self, step = st.step, msg, rp](conversation_snapshot& snap) mutable {
            if (stale(self, step)) return;
            self->state.lead = std::move(snap.lead);
            self->state.history = std::move(snap.history);
            self->state.loaded = true;
            record_inbound(self, std::move(msg), std::move(rp));
          },
          [self, step = st.step, rp](const caf::error& err) mutable {
            if (!stale(self, step)) fail(self, rp, err);
          });
}

/// Step 1 of a CRM change: the lead as stored now (another node, or a
/// person through the admin endpoint, may have changed it), so the tag
/// diff is against what PostgreSQL holds.
void start_crm(self_ptr self, crm_event ev, crm_promise rp) {
  auto& st = self->state;
  st.busy = true;
  st.budget_spent = true;  // its one deadline fails it
  st.phase = conversation_phase::store;
  st.current_crm_rp = rp;
  st.current_is_crm = true;
  arm_deadline(self, st.deps.store_timeout);
  self->request(st.deps.store, caf::infinite, load_atom_v, st.contact)
      .then(
          [self, step = st.step, ev, rp](conversation_snapshot& snap) mutable {
            if (stale(self, step)) return;
            auto& st = self->state;
            if (!st.loaded) {
              st.history = std::move(snap.history);
            }
            st.lead = std::move(snap.lead);
            st.loaded = true;
            check_crm_seen(self, std::move(ev), std::move(rp));
          },
          [self, step = st.step, rp](const caf::error& err) mutable {
            if (stale(self, step)) return;
            rp.deliver(err);
            finish(self);
          });
}

/// The current message's deadline. While LLM units are out, the lead gets
/// the fallback reply (the units' late answers are dropped) and its write
/// gets store_timeout more; while another node holds the lead, the wait
/// (bounded on its own) goes on; otherwise, and the second time, the
/// message fails (its late answers are dropped: a write that did commit is
/// served to the provider's retry as a redelivery).
void on_deadline(self_ptr self) {
  auto& st = self->state;
  if (st.phase == conversation_phase::waiting && !st.current_is_crm) {
    arm_deadline(self, st.deps.config->reply.budget);
    return;
  }
  if (!st.budget_spent) {
    st.budget_spent = true;
    arm_deadline(self, st.deps.store_timeout);
    if (st.phase == conversation_phase::units) {
      ++st.step;  // the units still out are dropped
      spdlog::warn("conversation {}: reply.budget spent, sending the fallback",
                   agents::mask_pii(st.contact));
      auto msg = *st.current;
      answer_with_fallback(self, std::move(msg), "budget", st.current_rp);
    }
    return;
  }
  spdlog::warn("conversation {}: the message's deadline passed without an answer",
               agents::mask_pii(st.contact));
  ++st.step;
  const auto err = caf::make_error(caf::sec::request_timeout);
  if (st.current_is_crm) {
    st.current_crm_rp.deliver(err);
    finish(self);
    return;
  }
  auto rp = st.current_rp;
  fail(self, rp, err);
}

}  // namespace

conversation_actor::behavior_type conversation(self_ptr self, std::string contact,
                                               conversation_deps deps, passivation_actor router) {
  self->state.contact = std::move(contact);
  self->state.deps = std::move(deps);
  self->state.router = std::move(router);
  auto& st = self->state;
  st.handoffs = std::make_unique<agents::handoff_policy>(
      st.deps.config->handoff,
      st.deps.zone ? *st.deps.zone : time_zone::fixed(std::chrono::seconds{0}));
  st.escalation = agents::escalation_settings::from_config(st.deps.config->escalation);
  st.opt_out = st.deps.opt_out
                   ? st.deps.opt_out
                   : std::make_shared<const agents::opt_out_rule>(st.deps.config->compliance);
  st.faq = st.deps.faq ? st.deps.faq : std::make_shared<const agents::faq_catalog>(*st.deps.config);
  return {
      // One message at a time: a message that arrives while another is
      // handled waits in `queued`, so one contact's messages are handled
      // strictly in order.
      [self](inbound_sms& msg) -> caf::result<turn_result> {
        auto rp = self->make_response_promise<turn_result>();
        auto& st = self->state;
        if (st.busy) {
          st.queued.push_back([self, msg = std::move(msg), rp]() mutable {
            start_inbound(self, std::move(msg), std::move(rp));
          });
          return rp;
        }
        start_inbound(self, std::move(msg), rp);
        return rp;
      },
      [self](crm_event& ev) -> caf::result<crm_result> {
        auto rp = self->make_response_promise<crm_result>();
        auto& st = self->state;
        if (st.busy) {
          st.queued.push_back([self, ev = std::move(ev), rp]() mutable {
            start_crm(self, std::move(ev), std::move(rp));
          });
          return rp;
        }
        start_crm(self, std::move(ev), rp);
        return rp;
      },
      [self](deadline_atom, std::uint64_t id) {
        auto& st = self->state;
        if (st.busy && id == st.deadline_id) on_deadline(self);
      },
      [self](idle_atom, std::uint64_t) {
        auto& st = self->state;
        st.idle_armed = false;
        if (st.busy || !st.queued.empty()) {
          return;  // finish() arms it again
        }
        const auto idle = st.deps.config->runtime.conversation_idle_timeout;
        const auto quiet = self->clock().now() - st.last_active;
        if (quiet < idle) {
          arm_idle(self, idle - quiet);  // the lead wrote meanwhile: the rest
          return;
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
