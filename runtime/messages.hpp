#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "integrations/llm/inspect.hpp"

#include <caf/meta/type_name.hpp>

/// Messages exchanged between the runtime's actors. Every type here is
/// inspectable and registered in the type-ID block (runtime/type_ids.hpp), so
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
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, turn_result& x) {
  return f(caf::meta::type_name("turn_result"), x.sid, x.reply, x.duplicate, x.fallback);
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

/// What the store keeps of a conversation between activations.
struct conversation_snapshot {
  std::string contact;
  std::string active_bot = "lead";
  std::int32_t turns = 0;
  bool needs_human = false;  ///< the bots could not answer properly: a person should look
  std::vector<history_entry> history;  ///< oldest first, at most the configured limit
  bool opted_out = false;              ///< STOP family received: never text again until START
  std::string temperature = "cold";    ///< cold | warm | hot
  std::string facts_json = "{}";       ///< the lead's facts so far (agents/facts schema)
  double frs = 0;
  double pcs = 0;
  std::string handoffs_json = "[]";    ///< [{"at_ms","from","to"}], oldest first
  std::int32_t unproductive_turns = 0;
  bool muted = false;                  ///< escalated to a human: bots stay silent until released
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, conversation_snapshot& x) {
  return f(caf::meta::type_name("conversation_snapshot"), x.contact, x.active_bot, x.turns,
           x.needs_human, x.history, x.opted_out, x.temperature, x.facts_json, x.frs, x.pcs,
           x.handoffs_json, x.unproductive_turns, x.muted);
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
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_record& x) {
  return f(caf::meta::type_name("inbound_record"), x.inserted, x.answered, x.reply, x.opted_out,
           x.muted);
}

/// A reply to persist, tied to the inbound message it answers.
struct outbound_reply {
  std::string contact;
  std::string in_reply_to_sid;
  std::string body;
  std::string bot;
  std::int64_t sent_at_ms = 0;
  conversation_snapshot state;  ///< the conversation after this turn
  /// Set when the turn changed the lead's temperature: "from", "to", "reason".
  std::string temperature_from;
  std::string temperature_reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbound_reply& x) {
  return f(caf::meta::type_name("outbound_reply"), x.contact, x.in_reply_to_sid, x.body, x.bot,
           x.sent_at_ms, x.state, x.temperature_from, x.temperature_reason);
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
  return f(caf::meta::type_name("ledger_row"), x.at_ms, x.contact, x.task, x.model,
           x.input_tokens, x.output_tokens, x.cache_write_tokens, x.cache_read_tokens, x.cost_usd,
           x.baseline_cost_usd, x.latency_ms, x.attempts, x.outcome);
}

/// One provider call as the runtime asks the gateway for it.
struct llm_call {
  std::string task;     ///< routing, budgets, ledger and metrics key
  std::string contact;  ///< whose budget it spends; empty for market/global units
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
  return f(caf::meta::type_name("llm_answer"), x.response, x.model, x.cost_usd,
           x.baseline_cost_usd, x.attempts);
}

}  // namespace openhouse::runtime
