#pragma once

#include "core/cache_messages.hpp"
#include "core/messages.hpp"
#include "core/turn_provenance.hpp"

#include <caf/meta/type_name.hpp>

#include <string>
#include <vector>

/// What a conversation asks a bot actor (runtime/bot.hpp). Apart from the
/// other runtime messages because it carries the cache's generations, whose
/// header itself includes core/messages.hpp.
namespace openhouse::runtime {

/// One turn handed to the lead's current bot: the lead's text and the little
/// of the lead the bot reads. The bot keeps no state of its own: the
/// conversation actor owns the lead and the order of its messages.
struct bot_turn {
  std::string contact;
  inbound_sms inbound;
  agents::lead_facts facts;            ///< the lead's facts: the flow skips what is known
  std::vector<history_entry> history;  ///< recent lines: the flow does not ask twice
  std::string handed_from;             ///< the bot that handed over on this turn, or ""
  cache::generations generations;      ///< the lead's, read for the reply unit
  bool generations_verified = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bot_turn& x) {
  return f(caf::meta::type_name("bot_turn"), x.contact, x.inbound, x.facts, x.history,
           x.handed_from, x.generations, x.generations_verified);
}

/// A bot's answer to a turn: its reply, and where its reply unit's answer
/// came from (for the turn's provenance).
struct bot_reply {
  std::string text;  ///< "" when the provider gave nothing usable
  agents::unit_provenance unit;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bot_reply& x) {
  return f(caf::meta::type_name("bot_reply"), x.text, x.unit);
}

}  // namespace openhouse::runtime
