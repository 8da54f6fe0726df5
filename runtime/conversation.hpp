#pragma once

#include "agents/escalation.hpp"
#include "agents/faq_catalog.hpp"
#include "agents/handoff_policy.hpp"
#include "agents/intent.hpp"
#include "agents/lead_state.hpp"
#include "agents/market_data_source.hpp"
#include "agents/market_question.hpp"
#include "agents/opt_out_rule.hpp"
#include "cache/llm_cache.hpp"
#include "config/market.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/time_zone.hpp"
#include "core/turn_provenance.hpp"
#include "core/type_ids.hpp"
#include "runtime/bot.hpp"
#include "runtime/delay.hpp"
#include "runtime/store_worker.hpp"

#include <caf/actor_clock.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace openhouse::runtime {

/// What a conversation asks of its router when it has been idle: "may I go?"
/// The router says yes only if it has forwarded nothing the conversation has
/// not handled, so no message can reach an actor that is quitting.
using passivation_actor =
    caf::typed_actor<caf::replies_to<passivate_atom, std::string, std::uint64_t>::with<bool>>;

/// One lead's conversation: handles that lead's messages strictly one at a
/// time, in arrival order, and passivates itself when idle (its state lives
/// in the store and comes back on the next message).
using conversation_actor = caf::typed_actor<
    caf::replies_to<inbound_sms>::with<turn_result>, caf::replies_to<crm_event>::with<crm_result>,
    caf::reacts_to<idle_atom, std::uint64_t>, caf::reacts_to<deadline_atom, std::uint64_t>>;

/// What every conversation shares: configuration, time and the workers.
struct conversation_deps {
  std::shared_ptr<const config::market_config> config;
  std::shared_ptr<const clock> time;
  store_actor store;
  cache::cache_actor cache;  ///< every LLM unit goes through the cache (DESIGN principle 1)
  bot_team bots;             ///< the market's Lead, Buyer and Seller bots: the reply
  std::shared_ptr<const time_zone> zone;      ///< the market's (handoff day limits); null: UTC
  std::shared_ptr<runtime::metrics> metrics;  ///< optional
  /// The market's opt-out rule, built once per node; null: built from the
  /// config by each conversation.
  std::shared_ptr<const agents::opt_out_rule> opt_out;
  /// The market's FAQ catalog, built once per node; null: built from the
  /// config by each conversation.
  std::shared_ptr<const agents::faq_catalog> faq;
  /// The market's data file and the questions it answers (YAML
  /// market.market_data); null: the market has none, and market questions
  /// go to the FAQ and the bots as before.
  std::shared_ptr<agents::market_data_source> market_data;
  std::shared_ptr<const agents::market_question_matcher> market_questions;
  /// Waits on the actor clock while another node answers a message of the
  /// lead; null: look again at once (unit tests without a clock).
  delay_actor delay;
  /// No request of a conversation carries a timeout (issue 17): a message
  /// has one deadline. A turn's is reply.budget, then this much more for
  /// its last write; a CRM change's is this.
  std::chrono::milliseconds store_timeout{10000};
};

/// Where a turn's facts unit is, when it was asked with the intent unit.
enum class facts_progress {
  none,      ///< not asked early: asked after the intent, as a step
  early,     ///< asked with the intent unit, no answer yet
  answered,  ///< answered before the intent: facts_reply waits
  awaited,   ///< the intent is settled and the turn waits for it
};

/// What one turn has learnt so far, between its asynchronous steps.
struct turn_progress {
  facts_progress facts = facts_progress::none;
  std::optional<cache::cache_reply> facts_reply;  ///< none with `answered`: it failed
  /// The lead as this turn leaves it: a copy of conversation_state::lead
  /// that the steps change, stored whole with the reply (and the
  /// conversation's copy only once stored).
  agents::lead_state next;
  agents::intent_ranking intents;
  std::string handoff_context;  ///< for the receiving bot, when this turn handed off
  std::optional<agents::bot_kind> handed_from;  ///< the bot that handed over this turn
  std::string temperature_from;                 ///< set when this turn changed the temperature
  std::string temperature_reason;
  std::string escalation;         ///< set when this turn muted the lead: the reason's name
  std::string escalation_reason;  ///< ... with its detail, for the agent's note
  std::string agent_request;      ///< set when the lead asked for a tour or a valuation
  std::string hot_lead;           ///< set when the lead became Hot and the bot goes on
  bool facts_retried = false;
  /// The opt-out rule's verdict on the lead's text (unsure ones wait for the
  /// intent unit's second opinion).
  agents::opt_out_match opt_out;
  /// The brokerage's FAQ entry the text asks for, when it is answered by
  /// topic (no figures, no PII, not about the lead's own known home): the
  /// turn then needs no intent or facts unit.
  std::optional<agents::faq_topic> topic;
  /// The market's place a market question asks about (answered from the
  /// data file; no intent or facts unit either).
  std::optional<agents::market_place> market;
  /// What the compliance gate did ("opt_out:<rule>", "opt_in", "help",
  /// "suppressed", "muted"; "" for an ordinary turn): for the turn's result.
  std::string compliance;
  /// When the turn's LLM units must be done (reply.budget after its start).
  caf::actor_clock::time_point deadline{};
  /// Why the lead gets this turn's reply (units, verdicts, scores): filled
  /// as each step answers, stored with the reply.
  agents::turn_provenance provenance;
};

/// What a message's handling waits for, which decides what its deadline does.
enum class conversation_phase {
  store,    ///< PostgreSQL or a cache bump: the deadline fails the message
  waiting,  ///< another node holds the lead: the deadline is armed again
  units,    ///< LLM units: the deadline answers with the fallback reply
};

struct conversation_state {
  static inline const char* name = "conversation";

  std::string contact;
  conversation_deps deps;
  passivation_actor router;
  agents::lead_state lead;             ///< as last loaded or stored
  std::vector<history_entry> history;  ///< recent messages, oldest first
  bool loaded = false;
  std::string last_intent;  ///< the last message's top intent ("" when unknown)
  std::unique_ptr<agents::handoff_policy> handoffs;
  agents::escalation_settings escalation;  ///< the market's, built once per conversation
  std::shared_ptr<const agents::opt_out_rule> opt_out;  ///< deps.opt_out or the config's
  std::shared_ptr<const agents::faq_catalog> faq;       ///< deps.faq or the config's
  turn_progress turn;
  std::uint64_t handled = 0;  ///< inbound messages finished, for passivation
  /// Waits and reruns of the current message (another node held the lead).
  int waits = 0;
  /// The lead's lease the current message holds (0: none), given back with
  /// the reply or when the turn fails.
  std::int64_t lease = 0;
  /// A message is being handled; later ones wait in `queued`, so one
  /// contact's messages are still handled strictly in order (no `await`:
  /// a lost answer must not block the actor past the message's deadline).
  bool busy = false;
  std::deque<std::function<void()>> queued;
  /// Bumped whenever the answers still out are no longer wanted (the
  /// message ended, or its deadline fell back): each continuation checks
  /// the value it was asked under and drops a late answer.
  std::uint64_t step = 0;
  /// The current message's deadline timer (older ones are ignored).
  std::uint64_t deadline_id = 0;
  conversation_phase phase = conversation_phase::store;
  bool budget_spent = false;           ///< the deadline already fell back once
  std::optional<inbound_sms> current;  ///< the message being answered, for its deadline
  caf::typed_response_promise<turn_result> current_rp;
  caf::typed_response_promise<crm_result> current_crm_rp;
  bool current_is_crm = false;
  /// The idle timer: one pending at most, re-armed when it fires early.
  bool idle_armed = false;
  caf::actor_clock::time_point last_active{};
};

conversation_actor::behavior_type conversation(
    conversation_actor::stateful_pointer<conversation_state> self, std::string contact,
    conversation_deps deps, passivation_actor router);

}  // namespace openhouse::runtime
