import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHandoffRepos } from '../../src/storage/memory/handoffs.ts';
import { createSqliteHandoffRepos } from '../../src/storage/sqlite/handoffs.ts';
import { migrate } from '../../src/storage/sqlite/migrate.ts';
import { handoffReposContract } from '../contracts/handoff.contract.ts';

handoffReposContract('memory', async () => ({ repos: createMemoryHandoffRepos(), close: async () => {} }));

handoffReposContract('sqlite', async () => {
  const db = new BetterSqlite3(':memory:');
  migrate(db);
  return {
    repos: createSqliteHandoffRepos(db),
    close: async () => {
      db.close();
    },
  };
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
    const first = desks[0]!;
    for (let trial = 0; trial < 50; trial++) {
      const id = `case-${trial}`;
      await first.handoffs.create(
        {
          id,
          conversation_id: `web:buyer-${trial}`,
          platform: 'web',
          buyer_id: `buyer-${trial}`,
          buyer_name: 'Lin',
          language: 'zh',
          priority: 'urgent',
          reasons: ['health_safety'],
          summary: 'Rash after using the face cream.',
          needs_approval: false,
          order_id: null,
        },
        new Date(),
      );
      const outcomes = await Promise.all(
        desks.map((desk, i) =>
          desk.handoffs.claim(id, { id: `agent-${i}`, name: `Agent ${i}`, via: 'web' }, new Date()),
        ),
      );
      const winners = outcomes.flatMap((o) => (o.ok ? [o.record.holder?.id] : []));
      expect(winners, `trial ${trial}`).toHaveLength(1);
      const losers = outcomes.filter((o) => !o.ok);
      expect(losers).toHaveLength(19);
      for (const loser of losers)
        expect(loser).toMatchObject({ code: 'already_claimed', holder: { id: winners[0] } });
    }
  });
});
