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

constexpr std::array<migration, 1> migrations{{
    {1, "initial schema: contacts, messages, conversation state", initial_schema},
}};

}  // namespace

std::span<const migration> all_migrations() { return migrations; }

}  // namespace openhouse::postgres
