import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, it } from 'vitest';
import { createMemoryHandoffRepos } from '../../src/storage/memory/handoffs.ts';
import { createSqliteHandoffRepos } from '../../src/storage/sqlite/handoffs.ts';
import { migrate } from '../../src/storage/sqlite/migrate.ts';
import { handoffReposContract } from '../contracts/handoff.contract.ts';
import { expectOneCaseOpens, expectOneClaimWins } from '../storage/claim-race.ts';
import { migratedSqlite } from '../storage/sqlite-fixture.ts';

handoffReposContract('memory', async () => ({ repos: createMemoryHandoffRepos(), close: async () => {} }));

handoffReposContract('sqlite', async () => {
  const { db, close } = migratedSqlite();
  return { repos: createSqliteHandoffRepos(db), close };
});

describe('claiming on a shared SQLite file', () => {
  let dir: string;
  const connections: BetterSqlite3.Database[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'calmdesk-claims-'));
  });
  afterEach(() => {
    for (const db of connections.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function connect(path: string): BetterSqlite3.Database {
    const db = new BetterSqlite3(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    connections.push(db);
    return db;
  }

  it('gives each case to exactly one of 20 agents claiming at once, 50 times over', async () => {
    const path = join(dir, 'desk.db');
    migrate(connect(path));
    // Every agent has its own connection, as separate processes would.
    const desks = Array.from({ length: 20 }, () => createSqliteHandoffRepos(connect(path)));
    await expectOneClaimWins((agent) => desks[agent]!, { agents: 20, trials: 50 });
  });

  it('opens one case when two processes ask for the same conversation at once', async () => {
    const path = join(dir, 'desk.db');
    migrate(connect(path));
    const desks = [createSqliteHandoffRepos(connect(path)), createSqliteHandoffRepos(connect(path))];
    await expectOneCaseOpens((i) => desks[i]!, { processes: 2, asks: 10 });
  });
});
