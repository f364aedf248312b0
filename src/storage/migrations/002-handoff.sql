-- The agent desk: handoff cases with their status, private notes, compensation approvals, and the
-- web console's agent accounts and sessions. Statuses follow src/handoff/types.ts (TRANSITIONS).
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
  priority_rank   INTEGER NOT NULL,
  reasons         TEXT NOT NULL,
  summary         TEXT NOT NULL,
  needs_approval  INTEGER NOT NULL DEFAULT 0,
  order_id        TEXT,
  holder_id       TEXT,
  holder_name     TEXT,
  holder_via      TEXT,
  requested_at    TEXT NOT NULL,
  claimed_at      TEXT,
  closed_at       TEXT,
  updated_at      TEXT NOT NULL,
  outcome         TEXT
);
CREATE INDEX handoffs_queue ON handoffs (status, priority_rank, requested_at);
CREATE INDEX handoffs_conversation ON handoffs (conversation_id, requested_at DESC);
-- At most one open case per conversation, also when two processes request one at the same moment.
CREATE UNIQUE INDEX handoffs_one_open ON handoffs (conversation_id) WHERE status IN ('queued', 'claimed');

CREATE TABLE handoff_notes (
  id          TEXT PRIMARY KEY,
  handoff_id  TEXT NOT NULL REFERENCES handoffs (id),
  author_id   TEXT NOT NULL,
  author_name TEXT NOT NULL,
  text        TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX handoff_notes_case ON handoff_notes (handoff_id, created_at);

CREATE TABLE handoff_approvals (
  id                TEXT PRIMARY KEY,
  handoff_id        TEXT NOT NULL REFERENCES handoffs (id),
  conversation_id   TEXT NOT NULL,
  requested_by_id   TEXT NOT NULL,
  requested_by_name TEXT NOT NULL,
  amount            REAL NOT NULL,
  currency          TEXT NOT NULL,
  reason            TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
  decided_by_id     TEXT,
  decided_by_name   TEXT,
  comment           TEXT,
  created_at        TEXT NOT NULL,
  decided_at        TEXT
);
CREATE INDEX handoff_approvals_status ON handoff_approvals (status, created_at);
CREATE INDEX handoff_approvals_case ON handoff_approvals (handoff_id, created_at);

CREATE TABLE agents (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
  password_hash TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX agents_name ON agents (name COLLATE NOCASE);

CREATE TABLE agent_sessions (
  token_hash   TEXT PRIMARY KEY,
  agent_id     TEXT NOT NULL REFERENCES agents (id),
  csrf_token   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX agent_sessions_expiry ON agent_sessions (expires_at);
