-- The agent desk on PostgreSQL, the same as SQLite's 002-handoff.sql: handoff cases with their status,
-- private notes, compensation approvals, and the web console's agent accounts and sessions. Statuses
-- follow src/handoff/types.ts (TRANSITIONS).
CREATE TABLE handoffs (
  id              TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  platform        TEXT NOT NULL,
  buyer_id        TEXT NOT NULL,
  buyer_name      TEXT NOT NULL,
  language        TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('queued', 'claimed', 'resolved', 'returned_to_bot', 'expired')),
  priority        TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal')),
  -- 0 urgent, 1 high, 2 normal: the queue orders by it, then by requested_at.
  priority_rank   SMALLINT NOT NULL,
  reasons         TEXT[] NOT NULL,
  summary         TEXT NOT NULL,
  needs_approval  BOOLEAN NOT NULL DEFAULT false,
  order_id        TEXT,
  holder_id       TEXT,
  holder_name     TEXT,
  holder_via      TEXT,
  requested_at    TIMESTAMPTZ NOT NULL,
  claimed_at      TIMESTAMPTZ,
  closed_at       TIMESTAMPTZ,
  updated_at      TIMESTAMPTZ NOT NULL,
  outcome         TEXT
);
CREATE INDEX handoffs_queue ON handoffs (status, priority_rank, requested_at);
CREATE INDEX handoffs_conversation ON handoffs (conversation_id, requested_at DESC);
-- At most one open case per conversation, also when two processes request one at the same moment.
CREATE UNIQUE INDEX handoffs_one_open ON handoffs (conversation_id) WHERE status IN ('queued', 'claimed');

-- `seq` keeps notes and approvals written in the same millisecond in the order they were written.
CREATE TABLE handoff_notes (
  id          TEXT PRIMARY KEY,
  seq         BIGSERIAL NOT NULL,
  handoff_id  TEXT NOT NULL REFERENCES handoffs (id),
  author_id   TEXT NOT NULL,
  author_name TEXT NOT NULL,
  text        TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX handoff_notes_case ON handoff_notes (handoff_id, created_at);

CREATE TABLE handoff_approvals (
  id                TEXT PRIMARY KEY,
  seq               BIGSERIAL NOT NULL,
  handoff_id        TEXT NOT NULL REFERENCES handoffs (id),
  conversation_id   TEXT NOT NULL,
  requested_by_id   TEXT NOT NULL,
  requested_by_name TEXT NOT NULL,
  amount            DOUBLE PRECISION NOT NULL,
  currency          TEXT NOT NULL,
  reason            TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
  decided_by_id     TEXT,
  decided_by_name   TEXT,
  comment           TEXT,
  created_at        TIMESTAMPTZ NOT NULL,
  decided_at        TIMESTAMPTZ
);
CREATE INDEX handoff_approvals_status ON handoff_approvals (status, created_at);
CREATE INDEX handoff_approvals_case ON handoff_approvals (handoff_id, created_at);

CREATE TABLE agents (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
  password_hash TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL,
  disabled      BOOLEAN NOT NULL DEFAULT false
);
-- Names are unique regardless of case, like SQLite's COLLATE NOCASE.
CREATE UNIQUE INDEX agents_name ON agents (lower(name));

CREATE TABLE agent_sessions (
  token_hash   TEXT PRIMARY KEY,
  agent_id     TEXT NOT NULL REFERENCES agents (id),
  csrf_token   TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  expires_at   TIMESTAMPTZ NOT NULL,
  last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX agent_sessions_expiry ON agent_sessions (expires_at);
