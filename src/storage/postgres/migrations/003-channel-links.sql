-- What the Telegram and Discord channels remember across a restart (src/storage/channel-links.ts), the
-- same as SQLite's 003-channel-links.sql: each buyer's own support thread, where each case lives on a
-- staff surface (with its card message), and which case place a line posted in a group without topics
-- belongs to. First write wins, across every process sharing the database.
CREATE TABLE channel_buyer_threads (
  platform    TEXT NOT NULL CHECK (platform IN ('telegram', 'discord')),
  buyer_id    TEXT NOT NULL,
  thread_id   TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (platform, thread_id),
  UNIQUE (platform, buyer_id)
);

CREATE TABLE channel_case_places (
  platform    TEXT NOT NULL CHECK (platform IN ('telegram', 'discord')),
  case_id     TEXT NOT NULL,
  place       TEXT NOT NULL,
  card_id     TEXT,
  created_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (platform, case_id),
  UNIQUE (platform, place)
);

CREATE TABLE channel_staff_messages (
  platform    TEXT NOT NULL CHECK (platform IN ('telegram', 'discord')),
  message_id  TEXT NOT NULL,
  place       TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (platform, message_id)
);
