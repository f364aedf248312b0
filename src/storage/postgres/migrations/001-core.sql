-- The core tables on PostgreSQL, the same as SQLite's 001-core.sql: conversations with their versioned
-- dialogue state, the append-only event log, the dedupe keys of platform message ids, and the promises
-- made to buyers. Times are TIMESTAMPTZ (read back as ISO strings), state and event data JSONB.
CREATE TABLE conversations (
  id          TEXT PRIMARY KEY,
  platform    TEXT NOT NULL,
  buyer_id    TEXT NOT NULL,
  buyer_name  TEXT NOT NULL,
  state       JSONB,
  version     INTEGER NOT NULL DEFAULT 0,
  created_at  TIMESTAMPTZ NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX conversations_updated ON conversations (updated_at DESC);

CREATE TABLE events (
  seq              BIGSERIAL PRIMARY KEY,
  conversation_id  TEXT NOT NULL,
  type             TEXT NOT NULL,
  at               TIMESTAMPTZ NOT NULL,
  data             JSONB NOT NULL
);
CREATE INDEX events_conversation ON events (conversation_id, seq);

CREATE TABLE dedupe_keys (
  platform    TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  claimed_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (platform, message_id)
);

CREATE TABLE promises (
  id               TEXT PRIMARY KEY,
  conversation_id  TEXT NOT NULL,
  kind             TEXT NOT NULL,
  text             TEXT NOT NULL,
  due_at           TIMESTAMPTZ NOT NULL,
  order_id         TEXT,
  remedy           TEXT,
  status           TEXT NOT NULL CHECK (status IN ('open', 'kept', 'overdue')),
  created_at       TIMESTAMPTZ NOT NULL,
  updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX promises_open_due ON promises (status, due_at);
CREATE INDEX promises_conversation ON promises (conversation_id, status);
