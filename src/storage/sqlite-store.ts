import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { CalmdeskError } from '../core/errors.ts';
import { type Logger, silentLogger } from '../core/logger.ts';
import { guardRepo } from './guard.ts';
import { createSqliteChannelLinks } from './sqlite/channel-links.ts';
import { startCheckpointer } from './sqlite/checkpointer.ts';
import { createSqliteCoreRepos } from './sqlite/core.ts';
import { createGroupCommit } from './sqlite/group-commit.ts';
import { createSqliteHandoffRepos } from './sqlite/handoffs.ts';
import { migrate } from './sqlite/migrate.ts';
import type { Store } from './store.ts';

export interface SqliteStore extends Store {
  /** The open connection, shared with the demo shop's tables. Only valid between start() and stop(). */
  readonly db: Database;
}

/**
 * The default Store: one SQLite file (WAL), migrations applied on start. better-sqlite3 is synchronous,
 * which is what makes a claim or a conditional update atomic inside this process for free.
 */
export function createSqliteStore(path: string, options: { logger?: Logger } = {}): SqliteStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  let open = true;
  const assertOpen = () => {
    if (!open) throw new CalmdeskError('CALMDESK_STORE_CLOSED', `the SQLite store ${path} was stopped`);
  };
  // WAL lets readers (the agent console) run beside the writer; NORMAL sync is durable across process
  // crashes, which is the failure that matters for a chat bot (power loss may lose the last commits).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  // Checkpoints run in a worker beside the writer (see checkpointer.ts); an in-memory database has no WAL.
  const checkpointer = path === ':memory:' ? null : startCheckpointer(path, options.logger ?? silentLogger);
  if (checkpointer) db.pragma('wal_autocheckpoint = 0');
  const group = createGroupCommit(db);
  const core = createSqliteCoreRepos(db, group);
  const { handoffs, agents } = createSqliteHandoffRepos(db);

  return {
    db,
    conversations: guardRepo(core.conversations, assertOpen),
    events: guardRepo(core.events, assertOpen),
    dedupe: guardRepo(core.dedupe, assertOpen),
    promises: guardRepo(core.promises, assertOpen),
    ...guardRepo({ acceptInbound: core.acceptInbound, commitTurn: core.commitTurn }, assertOpen),
    handoffs: guardRepo(handoffs, assertOpen),
    agents: guardRepo(agents, assertOpen),
    channelLinks: guardRepo(createSqliteChannelLinks(db), assertOpen),
    async start() {
      assertOpen();
    },
    async stop() {
      if (!open) return;
      open = false;
      group.flush();
      await checkpointer?.stop();
      db.close();
    },
  };
}
