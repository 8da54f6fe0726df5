#include "integrations/postgres/migrations.hpp"

#include <array>

namespace openhouse::postgres {

namespace {

constexpr std::string_view initial_schema = R"sql(
CREATE TABLE contacts (
  id          bigserial PRIMARY KEY,
  market      text        NOT NULL,
  phone       text        NOT NULL,
  opted_out   boolean     NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL,
  UNIQUE (market, phone)
);

-- Inbound and outbound SMS. provider_sid is Twilio's MessageSid: unique, so a
-- redelivered webhook can never create a second row.
CREATE TABLE messages (
  id           bigserial PRIMARY KEY,
  contact_id   bigint      NOT NULL REFERENCES contacts (id),
  direction    text        NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  provider_sid text        UNIQUE,
  in_reply_to  bigint      REFERENCES messages (id),
  body         text        NOT NULL,
  status       text        NOT NULL,
  bot          text,
  created_at   timestamptz NOT NULL
);
CREATE INDEX messages_contact_time ON messages (contact_id, id);
-- At most one reply per inbound message: the database enforces "no duplicate reply".
CREATE UNIQUE INDEX messages_one_reply ON messages (in_reply_to) WHERE direction = 'outbound';

CREATE TABLE conversation_state (
  contact_id  bigint PRIMARY KEY REFERENCES contacts (id),
  active_bot  text        NOT NULL DEFAULT 'lead',
  turns       integer     NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL
);
)sql";

constexpr std::string_view cost_ledger = R"sql(
-- One row per provider call (every attempt sequence, successful or not): the
-- bill, as the provider will count it, and what it would have been without
-- prompt caching.
CREATE TABLE llm_calls (
  id                 bigserial PRIMARY KEY,
  at                 timestamptz   NOT NULL,
  market             text          NOT NULL,
  contact            text,
  task               text          NOT NULL,
  model              text          NOT NULL,
  input_tokens       bigint        NOT NULL,
  output_tokens      bigint        NOT NULL,
  cache_write_tokens bigint        NOT NULL,
  cache_read_tokens  bigint        NOT NULL,
  cost_usd           numeric(14,8) NOT NULL,
  baseline_cost_usd  numeric(14,8) NOT NULL,
  latency_ms         integer       NOT NULL,
  attempts           integer       NOT NULL,
  outcome            text          NOT NULL
);
CREATE INDEX llm_calls_market_time ON llm_calls (market, at);
CREATE INDEX llm_calls_contact_time ON llm_calls (market, contact, at);

-- Set when the lead got the fallback reply because the provider failed: a
-- person should look at the conversation.
ALTER TABLE conversation_state ADD COLUMN needs_human boolean NOT NULL DEFAULT false;
)sql";

constexpr std::string_view semantic_entries = R"sql(
-- The semantic (L3) cache tier's entries, reloaded into the in-memory vector
-- index at start. entry_id is the writing node's id (informational: nodes
-- number their entries independently). The vector is the embedding as
-- little-endian IEEE-754 float32s, so it comes back bit-exact.
CREATE TABLE semantic_entries (
  id          bigserial   PRIMARY KEY,
  entry_id    bigint      NOT NULL,
  market      text        NOT NULL,
  partition   text        NOT NULL,
  task        text        NOT NULL,
  text        text        NOT NULL,
  vector      bytea       NOT NULL,
  value       text        NOT NULL,
  source_sid  text        NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX semantic_entries_market_expiry ON semantic_entries (market, expires_at);
CREATE INDEX semantic_entries_partition ON semantic_entries (market, partition text_pattern_ops);
)sql";

// The cache's stored entries are binary (cache/cached_answer.hpp: NUL bytes
// in every one), which a text column refuses; existing rows were text.
constexpr std::string_view semantic_value_bytes = R"sql(
ALTER TABLE semantic_entries ALTER COLUMN value TYPE bytea USING convert_to(value, 'UTF8');
)sql";

constexpr std::string_view lead_state = R"sql(
-- What the bots know and decided about a lead (issue 5): opt-out, scores,
-- temperature, facts, handoffs, human escalation.
ALTER TABLE conversation_state
  ADD COLUMN opted_out          boolean          NOT NULL DEFAULT false,
  ADD COLUMN temperature        text             NOT NULL DEFAULT 'cold',
  ADD COLUMN facts              text             NOT NULL DEFAULT '{}',
  ADD COLUMN frs                double precision NOT NULL DEFAULT 0,
  ADD COLUMN pcs                double precision NOT NULL DEFAULT 0,
  ADD COLUMN handoffs           text             NOT NULL DEFAULT '[]',
  ADD COLUMN unproductive_turns integer          NOT NULL DEFAULT 0,
  ADD COLUMN muted              boolean          NOT NULL DEFAULT false;
-- Every temperature change with its reason.
CREATE TABLE temperature_changes (
  id          bigserial   PRIMARY KEY,
  contact_id  bigint      NOT NULL REFERENCES contacts (id),
  at          timestamptz NOT NULL,
  from_temp   text        NOT NULL,
  to_temp     text        NOT NULL,
  reason      text        NOT NULL
);
)sql";

constexpr std::string_view crm_front_end = R"sql(
-- The CRM front end (POST /webhooks/crm): the contact's tags as the CRM sent
-- them, a person's temperature override and what the score said when it was
-- set, and a counter of CRM changes (a conversation holding an older copy
-- reloads the lead before its next turn).
ALTER TABLE conversation_state
  ADD COLUMN crm_tags             text   NOT NULL DEFAULT '[]',
  ADD COLUMN temperature_override text   NOT NULL DEFAULT '',
  ADD COLUMN override_basis       text   NOT NULL DEFAULT '',
  ADD COLUMN crm_version          bigint NOT NULL DEFAULT 0;
-- Every CRM webhook applied, by its webhookId, written in the transaction of
-- its effect: a redelivery (even after a restart, or to another node) finds
-- its id here and changes nothing.
CREATE TABLE crm_webhooks (
  market      text        NOT NULL,
  webhook_id  text        NOT NULL,
  kind        text        NOT NULL,
  contact_id  bigint      NOT NULL REFERENCES contacts (id),
  received_at timestamptz NOT NULL,
  PRIMARY KEY (market, webhook_id)
);
)sql";

constexpr std::string_view outbox = R"sql(
-- The outbox (issue 5 item 7): REST SMS sends and CRM writes, inserted in the
-- transaction of the reply they belong to and sent by any node's outbox
-- worker (FOR UPDATE SKIP LOCKED). The key is derived from the inbound
-- MessageSid, so a redelivered webhook can never add a second row, and it is
-- sent to the provider as its idempotency token.
CREATE TABLE outbox (
  id              bigserial   PRIMARY KEY,
  market          text        NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('sms', 'crm_tags', 'crm_note')),
  idempotency_key text        NOT NULL,
  contact         text        NOT NULL,
  message_id      bigint      REFERENCES messages (id),
  payload         jsonb       NOT NULL,
  status          text        NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  created_at      timestamptz NOT NULL,
  sent_at         timestamptz,
  provider_id     text,
  delivery_status text,
  last_error      text,
  UNIQUE (market, idempotency_key)
);
CREATE INDEX outbox_due ON outbox (market, next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_provider_id ON outbox (provider_id) WHERE provider_id IS NOT NULL;
)sql";

// The exchange logged in the lead's CRM conversation (crm_message).
constexpr std::string_view outbox_crm_messages = R"sql(
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
  CHECK (kind IN ('sms', 'crm_tags', 'crm_note', 'crm_message'));
)sql";

constexpr std::string_view follow_ups = R"sql(
-- Follow-ups (follow_up: in the market YAML): outbound messages the runtime
-- starts itself, the n-th after the bot's message follow_up_of that the lead
-- left unanswered. Unique per (follow_up_of, n): a second node or a
-- redelivered tick can write no second follow-up of one silence.
ALTER TABLE messages
  ADD COLUMN follow_up_of bigint REFERENCES messages (id),
  ADD COLUMN follow_up_n  integer;
CREATE UNIQUE INDEX messages_one_follow_up ON messages (follow_up_of, follow_up_n)
  WHERE follow_up_of IS NOT NULL;
)sql";

constexpr std::string_view escalation_hold = R"sql(
-- Human escalation mutes a lead only when it asks for a person, shows
-- distress or the market says so: the count of turns without a new fact gives
-- way to a count of confused texts in a row (restarted at 0). held_at: when a
-- muted lead last got the holding reply, so any node (or a restarted one)
-- sends it at most once per escalation.hold_reply_every.
ALTER TABLE conversation_state RENAME COLUMN unproductive_turns TO confusion_turns;
UPDATE conversation_state SET confusion_turns = 0;
ALTER TABLE conversation_state ADD COLUMN held_at timestamptz;
)sql";

constexpr std::string_view reply_provenance = R"sql(
-- Why a lead got a reply: the bot, each LLM unit's cache tier, source
-- message, similarity, model and cost, the turn's verdicts and the scores
-- after it (agents::turn_provenance). Written with the outbound row by the
-- same statement; NULL for replies stored before this column.
ALTER TABLE messages ADD COLUMN provenance jsonb;
)sql";

constexpr std::string_view lead_serialisation = R"sql(
-- Several nodes, one lead. A node takes the lead's lease before it records a
-- message and runs the turn, and gives it back with the reply: no two nodes
-- run turns of one lead at once, and messages are recorded and answered in
-- order. The token fences the write: a node whose lease ran out (it stalled
-- or died) cannot write over the one that took the lead over. Every write of
-- a lead's state also bumps state_version, and a turn's write is refused when
-- it moved since the turn loaded the lead (an opt-out, which never waits for
-- the lease; a CRM change; a person's release; a follow-up): the turn reloads
-- and runs again.
CREATE TABLE lead_leases (
  market text   NOT NULL,
  phone  text   NOT NULL,
  token  bigint NOT NULL,
  until  timestamptz,
  PRIMARY KEY (market, phone)
);
ALTER TABLE conversation_state ADD COLUMN state_version bigint NOT NULL DEFAULT 0;
)sql";

constexpr std::string_view orphaned_turns = R"sql(
-- A lead's text stored without a reply: its turn was cut off (the node was
-- killed, or the reply's write failed). Once its lease ran out a node claims
-- it (claimed_at/by; a claim that led nowhere is taken again after a while)
-- and records what became of it: 'answered' (the turn ran again; in REST
-- mode the reply leaves through the outbox), 'flagged' (for a person, with
-- conversation_state.needs_human: TwiML mode, whose webhook answer is gone,
-- or older than runtime.orphan_max_age) or 'superseded' (a later text of the
-- lead was answered with it in the history).
ALTER TABLE messages
  ADD COLUMN orphan_claimed_at timestamptz,
  ADD COLUMN orphan_claimed_by text,
  ADD COLUMN orphan_outcome    text
    CHECK (orphan_outcome IN ('answered', 'flagged', 'superseded'));
CREATE INDEX messages_inbound_time ON messages (created_at) WHERE direction = 'inbound';
)sql";

constexpr std::array<migration, 13> migrations{{
    {1, "initial schema: contacts, messages, conversation state", initial_schema},
    {2, "cost ledger; conversations flagged for a human", cost_ledger},
    {3, "semantic cache entries", semantic_entries},
    {4, "semantic cache entry values as bytes", semantic_value_bytes},
    {5, "lead state: opt-out, scores, temperature, facts, handoffs, escalation", lead_state},
    {6, "CRM front end: tags, temperature override, applied webhooks", crm_front_end},
    {7, "outbox: REST SMS sends and CRM writes, exactly once", outbox},
    {8, "outbox: CRM conversation log rows", outbox_crm_messages},
    {9, "follow-ups: messages the runtime starts to a silent lead", follow_ups},
    {10, "escalation: confused turns, a muted lead's last holding reply", escalation_hold},
    {11, "the provenance of every reply", reply_provenance},
    {12, "several nodes: a lead's lease and state version", lead_serialisation},
    {13, "turns cut off by a crash: claimed once, answered or flagged", orphaned_turns},
}};

}  // namespace

std::span<const migration> all_migrations() { return migrations; }

}  // namespace openhouse::postgres
