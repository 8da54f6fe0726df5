#pragma once

#include "core/bot_messages.hpp"
#include "core/bridge_job.hpp"
#include "core/cache_messages.hpp"
#include "core/llm_inspect.hpp"
#include "core/messages.hpp"
#include "core/transcript.hpp"

#include <caf/type_id.hpp>

#include <cstdint>
#include <string>

// Every message type and atom the runtime's actors exchange. Register the
// block on every node (cfg.add_message_types<caf::id_block::openhouse>()),
// or remote messages arrive empty.
CAF_BEGIN_TYPE_ID_BLOCK(openhouse, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::inbound_sms))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::turn_result))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::history_entry))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::conversation_snapshot))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::inbound_record))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::outbound_reply))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::crm_event))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::crm_result))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::crm_write))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::bot_turn))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::ledger_row))
CAF_ADD_TYPE_ID(openhouse, (std::vector<openhouse::runtime::ledger_row>))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::llm_call))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::llm_answer))
CAF_ADD_TYPE_ID(openhouse, (openhouse::llm::messages_request))
CAF_ADD_TYPE_ID(openhouse, (openhouse::llm::messages_response))
CAF_ADD_TYPE_ID(openhouse, (openhouse::cache::generations))
CAF_ADD_TYPE_ID(openhouse, (openhouse::cache::unit))
CAF_ADD_TYPE_ID(openhouse, (openhouse::cache::cache_request))
CAF_ADD_TYPE_ID(openhouse, (openhouse::cache::cache_reply))
CAF_ADD_TYPE_ID(openhouse, (openhouse::cache::outcome))
CAF_ADD_TYPE_ID(openhouse, (openhouse::cache::scope))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::reply_record))
CAF_ADD_TYPE_ID(openhouse, (openhouse::agents::unit_provenance))
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::bot_reply))
CAF_ADD_TYPE_ID(openhouse, (openhouse::agents::lead_transcript))

CAF_ADD_ATOM(openhouse, openhouse::runtime, record_inbound_atom, "rec_in")
CAF_ADD_ATOM(openhouse, openhouse::runtime, record_reply_atom, "rec_reply")
CAF_ADD_ATOM(openhouse, openhouse::runtime, load_atom, "load")
CAF_ADD_ATOM(openhouse, openhouse::runtime, ping_atom, "ping")
CAF_ADD_ATOM(openhouse, openhouse::runtime, complete_atom, "complete")
CAF_ADD_ATOM(openhouse, openhouse::runtime, idle_atom, "idle")
CAF_ADD_ATOM(openhouse, openhouse::runtime, passivate_atom, "passivate")
CAF_ADD_ATOM(openhouse, openhouse::runtime, count_atom, "count")
CAF_ADD_ATOM(openhouse, openhouse::runtime, flush_atom, "flush")
CAF_ADD_ATOM(openhouse, openhouse::runtime, retry_atom, "retry")
CAF_ADD_ATOM(openhouse, openhouse::runtime, tick_atom, "tick")
CAF_ADD_ATOM(openhouse, openhouse::runtime, release_atom, "release")
CAF_ADD_ATOM(openhouse, openhouse::runtime, record_crm_atom, "rec_crm")
CAF_ADD_ATOM(openhouse, openhouse::runtime, delivery_atom, "delivery")
CAF_ADD_ATOM(openhouse, openhouse::runtime, crm_seen_atom, "crm_seen")
CAF_ADD_ATOM(openhouse, openhouse::runtime, transcript_atom, "transcript")
CAF_ADD_ATOM(openhouse, openhouse::runtime, wait_atom, "wait")
CAF_ADD_ATOM(openhouse, openhouse::runtime, fire_atom, "fire")
CAF_ADD_ATOM(openhouse, openhouse::runtime, unlease_atom, "unlease")
// The cache and its Redis worker.
CAF_ADD_ATOM(openhouse, openhouse::cache, lookup_atom, "lookup")
CAF_ADD_ATOM(openhouse, openhouse::cache, get_atom, "get")
CAF_ADD_ATOM(openhouse, openhouse::cache, put_atom, "put")
CAF_ADD_ATOM(openhouse, openhouse::cache, erase_atom, "erase")
CAF_ADD_ATOM(openhouse, openhouse::cache, generations_atom, "gens")
CAF_ADD_ATOM(openhouse, openhouse::cache, bump_atom, "bump")
CAF_ADD_ATOM(openhouse, openhouse::cache, invalidate_atom, "inval")
CAF_ADD_ATOM(openhouse, openhouse::cache, subscribed_atom, "subscribed")
CAF_ADD_ATOM(openhouse, openhouse::cache, stats_atom, "stats")
CAF_ADD_ATOM(openhouse, openhouse::cache, embed_atom, "embed")
// The turn's one deadline and the HTTP front's bridge (issue 17).
CAF_ADD_TYPE_ID(openhouse, (openhouse::runtime::bridge_job))
CAF_ADD_ATOM(openhouse, openhouse::runtime, deadline_atom, "deadline")

CAF_END_TYPE_ID_BLOCK(openhouse)
