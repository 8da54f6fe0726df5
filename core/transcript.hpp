#pragma once

#include "core/turn_provenance.hpp"

#include <nlohmann/json.hpp>

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

/// A lead's conversation as an operator reads it: the state now and every
/// turn, oldest first, each reply with its provenance. Read from the store
/// (postgres::store::transcript), shown by `openhouse conversation` and
/// `GET /admin/contacts/{phone}`.
namespace openhouse::agents {

/// One turn: the lead's text and the reply to it, or a follow-up the runtime
/// sent on its own (no inbound text).
struct transcript_turn {
  std::string sid;         ///< the inbound message's sid ("" for a follow-up)
  std::int64_t at_ms = 0;  ///< when the inbound (or the follow-up) was recorded
  std::string inbound;
  bool has_inbound = true;  ///< false for a follow-up
  std::string reply;
  bool has_reply = false;       ///< false while a turn is unanswered (or failed)
  std::string bot;              ///< the bot the reply is stored under
  std::int32_t follow_up = 0;   ///< n of the follow-up; 0 for a turn
  std::string provenance_json;  ///< as stored with the reply ("" for none)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transcript_turn& x) {
  return f(caf::meta::type_name("transcript_turn"), x.sid, x.at_ms, x.inbound, x.has_inbound,
           x.reply, x.has_reply, x.bot, x.follow_up, x.provenance_json);
}

/// The lead's stored state and its turns.
struct lead_transcript {
  bool found = false;  ///< false: no lead with that number in this market
  std::string contact;
  std::string bot = "lead";
  std::string temperature = "cold";
  double frs = 0;
  double pcs = 0;
  bool opted_out = false;
  bool muted = false;
  std::string facts_json = "{}";
  std::vector<transcript_turn> turns;  ///< oldest first
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lead_transcript& x) {
  return f(caf::meta::type_name("lead_transcript"), x.found, x.contact, x.bot, x.temperature, x.frs,
           x.pcs, x.opted_out, x.muted, x.facts_json, x.turns);
}

/// `ms` since the epoch as "YYYY-MM-DDTHH:MM:SSZ" (UTC).
[[nodiscard]] std::string utc_timestamp(std::int64_t ms);

/// A reply's provenance in a few indented lines for a terminal:
/// the bot and what wrote the reply; each unit as
/// "task tier [source sid, similarity] model $cost"; the verdicts; the scores
/// after the turn. Each line starts with `indent`.
[[nodiscard]] std::string format_provenance(const turn_provenance& p, std::string_view indent);

/// The whole transcript for a terminal: a header with the lead's state, then
/// per turn the lead's text, the reply and its provenance.
[[nodiscard]] std::string format_transcript(const lead_transcript& t);

/// The transcript as the admin endpoint answers it:
/// {"contact", "state": {bot, temperature, frs, pcs, opted_out, muted,
/// facts}, "turns": [{"sid", "at", "inbound", "reply", "bot", "provenance"}]}
/// (a follow-up's sid and inbound are null and it carries "follow_up": n;
/// a reply without provenance has null).
[[nodiscard]] nlohmann::json transcript_json(const lead_transcript& t);

}  // namespace openhouse::agents
