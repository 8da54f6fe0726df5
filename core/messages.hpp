#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/lead_state.hpp"
#include "core/llm_inspect.hpp"

#include <caf/meta/type_name.hpp>

/// Messages exchanged between the runtime's actors. Every type here is
/// inspectable and registered in the type-ID block (core/type_ids.hpp), so
/// that it serialises the same way on every node.
namespace openhouse::runtime {

/// One inbound SMS as the front end accepted it (Twilio or CRM).
struct inbound_sms {
  std::string sid;   ///< provider message id (Twilio MessageSid): the idempotency key
  std::string from;  ///< E.164 number of the lead: the contact
  std::string to;    ///< the brokerage's number
  std::string body;
  std::int64_t received_at_ms = 0;  ///< from the injected clock
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_sms& x) {
  return f(caf::meta::type_name("inbound_sms"), x.sid, x.from, x.to, x.body, x.received_at_ms);
}

/// What a conversation answers for one inbound message.
struct turn_result {
  std::string sid;
  std::string reply;       ///< empty: nothing to send
  bool duplicate = false;  ///< a redelivery: the stored reply, no new work
  bool fallback = false;   ///< the provider failed; the market's fallback reply
  /// What the compliance gate did with the message: "opt_out:<rule>" (the
  /// lead opted out with it; `reply` is the one confirmation, or empty when
  /// already opted out), "opt_in", "help", "suppressed" (opted out: nothing
  /// sent), "muted" (a person has the lead: `reply` is the holding reply,
  /// or empty); "" for an ordinary turn.
  std::string compliance;
  /// Set when this turn muted the lead for a person: why ("human_request",
  /// "distress", "confusion", "hot_lead"; agents::escalation_reason).
  std::string escalation;
  bool muted = false;  ///< the lead is muted for a person after this turn
  /// The lead's facts after the turn: what a reply must not ask again.
  agents::lead_facts facts;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, turn_result& x) {
  return f(caf::meta::type_name("turn_result"), x.sid, x.reply, x.duplicate, x.fallback,
           x.compliance, x.escalation, x.muted, x.facts);
}

/// One line of a conversation's recent history.
struct history_entry {
  std::string role;  ///< "user" (the lead) or "assistant" (a bot)
  std::string text;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, history_entry& x) {
  return f(caf::meta::type_name("history_entry"), x.role, x.text);
}

/// A conversation as the store gives it back on activation: the lead's
/// state and its recent history (the messages table, not the state row).
struct conversation_snapshot {
  agents::lead_state lead;
  std::vector<history_entry> history;  ///< oldest first, at most the configured limit
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, conversation_snapshot& x) {
  return f(caf::meta::type_name("conversation_snapshot"), x.lead, x.history);
}

/// The store's answer to recording an inbound message.
struct inbound_record {
  bool inserted = false;  ///< false: the sid was seen before
  bool answered = false;  ///< a reply is already stored for it (in `reply`)
  std::string reply;
  /// The contact's stored opt-out, read with the insert: another node may
  /// have recorded a STOP this node's conversation has not seen.
  bool opted_out = false;
  /// The stored mute (escalated to a person), for the same reason: a person
  /// may have released the lead since this actor loaded it.
  bool muted = false;
  /// The stored crm_version: newer than the conversation's copy means a CRM
  /// change (tags, a person's temperature, fields) was applied elsewhere.
  std::int64_t crm_version = 0;
  /// The stored time of the last holding reply to a muted lead: another
  /// node may have sent one since.
  std::int64_t held_at_ms = 0;
  /// The stored state version: newer than the conversation's copy means the
  /// lead's state (or history) changed elsewhere, and the turn reloads it.
  std::int64_t state_version = 0;
  /// The lead's lease this message took (store::record_inbound), to be named
  /// by the turn's write and given back with it; 0: none taken.
  std::int64_t lease_token = 0;
  /// Another node holds the lead (a turn of it runs there): the message was
  /// not recorded; look again a little later.
  bool busy = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_record& x) {
  return f(caf::meta::type_name("inbound_record"), x.inserted, x.answered, x.reply, x.opted_out,
           x.muted, x.crm_version, x.held_at_ms, x.state_version, x.lease_token, x.busy);
}

/// A reply to persist, tied to the inbound message it answers.
struct outbound_reply {
  std::string contact;
  std::string in_reply_to_sid;
  std::string body;
  std::string bot;
  std::int64_t sent_at_ms = 0;
  agents::lead_state state;  ///< the whole lead after this turn
  /// Set when the turn changed the lead's temperature: "from", "to", "reason".
  std::string temperature_from;
  std::string temperature_reason;
  /// Set when this turn muted the lead for a person: why ("distress: probate").
  /// The outbox then writes the agent a CRM note.
  std::string escalation_reason;
  /// The lead's text this replies to: logged with the reply in the CRM's
  /// conversation (outbox kind crm_message).
  std::string inbound_body;
  /// Set when the lead asked for what only a person gives (a tour, a
  /// valuation; agents/agent_request): the outbox writes the agent this note.
  std::string agent_request;
  /// Set when the lead became Hot on this turn and stays with the bots
  /// (escalation.mute_on_hot off): the outbox writes the agent this note.
  std::string hot_lead;
  /// The turn's compliance verdict (turn_result::compliance). A turn that
  /// neither opts out nor in leaves the stored opt-out as it finds it, and
  /// its reply is not sent when the lead opted out meanwhile (on any node).
  std::string compliance;
  /// Why the lead gets this reply (agents::turn_provenance as JSON; "" for
  /// none): stored with the reply in the same statement.
  std::string provenance_json;
  /// The lease the turn holds (inbound_record::lease_token; 0: none, an
  /// opt-out): the write is refused when it is no longer the lead's lease.
  std::int64_t lease_token = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbound_reply& x) {
  return f(caf::meta::type_name("outbound_reply"), x.contact, x.in_reply_to_sid, x.body, x.bot,
           x.sent_at_ms, x.state, x.temperature_from, x.temperature_reason, x.escalation_reason,
           x.inbound_body, x.agent_request, x.hot_lead, x.compliance, x.provenance_json,
           x.lease_token);
}

/// The store's answer to recording a reply.
struct reply_record {
  /// Why a reply was not stored.
  enum class refusal : std::uint8_t {
    none,    ///< stored, or this sid was answered before (another node)
    stale,   ///< the lead's state changed since the turn loaded it: reload, run again
    fenced,  ///< the turn's lease ran out and another node holds the lead now
  };

  bool stored = false;  ///< false: see `refused`; else this sid was answered before
  /// The reply as stored and to be sent: empty when the lead opted out
  /// (on any node) after this turn began; then `suppressed`.
  std::string body;
  bool suppressed = false;
  refusal refused = refusal::none;
  std::int64_t state_version = 0;  ///< the lead's state version after the write

  /// `stored`: lets a test write REQUIRE(store.record_reply(r)).
  explicit operator bool() const noexcept { return stored; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reply_record& x) {
  return f(caf::meta::type_name("reply_record"), x.stored, x.body, x.suppressed, x.refused,
           x.state_version);
}

/// A CRM change to one lead (GoHighLevel ContactTagUpdate / ContactUpdate, or
/// a replayed trace event), handled by that lead's conversation in order with
/// its messages.
struct crm_event {
  std::string webhook_id;  ///< idempotency key, stored with the effect; "" (traces): none
  std::string kind;        ///< the CRM's event type, for the record
  std::string contact;     ///< E.164
  bool full_tags = false;  ///< `tags` is the complete list (else add/remove describe a change)
  std::vector<std::string> tags;
  std::vector<std::string> add_tags;
  std::vector<std::string> remove_tags;
  std::map<std::string, std::string> fields;  ///< custom fields as sent ("" clears)
  std::int64_t received_at_ms = 0;
  std::string location_id;  ///< the CRM location it came from: picks the market
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, crm_event& x) {
  return f(caf::meta::type_name("crm_event"), x.webhook_id, x.kind, x.contact, x.full_tags, x.tags,
           x.add_tags, x.remove_tags, x.fields, x.received_at_ms, x.location_id);
}

/// What a CRM change did.
struct crm_result {
  bool duplicate = false;   ///< the webhookId was stored before: nothing changed
  std::string temperature;  ///< the lead's temperature afterwards
  bool temperature_changed = false;
  bool person_temperature = false;           ///< a person's temperature tag now overrides the score
  bool released = false;                     ///< unmuted by the release tag
  bool invalidated = false;                  ///< the contact's cache generation was bumped
  std::vector<std::string> fields_applied;   ///< canonical fact names
  std::vector<std::string> fields_rejected;  ///< keys whose value did not validate
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, crm_result& x) {
  return f(caf::meta::type_name("crm_result"), x.duplicate, x.temperature, x.temperature_changed,
           x.person_temperature, x.released, x.invalidated, x.fields_applied, x.fields_rejected);
}

/// A CRM change to persist atomically with its webhookId.
struct crm_write {
  std::string webhook_id;  ///< "" : not recorded (traces)
  std::string kind;
  std::int64_t at_ms = 0;
  agents::lead_state state;      ///< the whole lead after the change
  std::string temperature_from;  ///< set when the temperature changed
  std::string temperature_reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, crm_write& x) {
  return f(caf::meta::type_name("crm_write"), x.webhook_id, x.kind, x.at_ms, x.state,
           x.temperature_from, x.temperature_reason);
}

/// One provider call sequence as the cost ledger records it.
struct ledger_row {
  std::int64_t at_ms = 0;
  std::string contact;  ///< empty for market- or global-scoped units
  std::string task;
  std::string model;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cache_write_tokens = 0;
  std::int64_t cache_read_tokens = 0;
  double cost_usd = 0;
  double baseline_cost_usd = 0;  ///< the same tokens with no prompt caching
  std::int32_t latency_ms = 0;
  std::int32_t attempts = 0;
  std::string outcome;  ///< "ok", or the error that ended it ("overloaded", "over_budget", ...)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ledger_row& x) {
  return f(caf::meta::type_name("ledger_row"), x.at_ms, x.contact, x.task, x.model, x.input_tokens,
           x.output_tokens, x.cache_write_tokens, x.cache_read_tokens, x.cost_usd,
           x.baseline_cost_usd, x.latency_ms, x.attempts, x.outcome);
}

/// One provider call as the runtime asks the gateway for it.
struct llm_call {
  std::string task;               ///< routing, budgets, ledger and metrics key
  std::string contact;            ///< whose budget it spends; empty for market/global units
  llm::messages_request request;  ///< request.model empty: the gateway routes by task
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, llm_call& x) {
  return f(caf::meta::type_name("llm_call"), x.task, x.contact, x.request);
}

/// The gateway's answer: the provider's response and what it cost.
struct llm_answer {
  llm::messages_response response;
  std::string model;  ///< the model that answered (after routing/downgrade)
  double cost_usd = 0;
  double baseline_cost_usd = 0;  ///< the same call without prompt caching
  std::int32_t attempts = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, llm_answer& x) {
  return f(caf::meta::type_name("llm_answer"), x.response, x.model, x.cost_usd, x.baseline_cost_usd,
           x.attempts);
}

}  // namespace openhouse::runtime
