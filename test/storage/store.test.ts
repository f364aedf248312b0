import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/storage/memory-store.ts';
import { createSqliteStore } from '../../src/storage/sqlite-store.ts';
import { storeContract } from '../contracts/store.contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'calmdesk-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('memory', async () => createMemoryStore());
storeContract('sqlite', async () => createSqliteStore(join(dir, `contract-${++n}.db`)));

describe('SQLite store on disk', () => {
  it('keeps conversations, events and dedupe keys across a restart', async () => {
    const path = join(dir, 'restart.db');
    const before = createSqliteStore(path);
    await before.conversations.ensure('web:abc', 'web', 'web:abc', 'Alice', new Date());
    await before.conversations.saveState('web:abc', { version: 1, step: 'offer' }, 0, new Date());
    await before.events.append([
      { conversationId: 'web:abc', type: 'message_received', at: new Date(), data: { text: '在吗' } },
    ]);
    await before.dedupe.claim('web', 'm1', new Date());
    await before.stop();

    const after = createSqliteStore(path);
    expect(await after.conversations.get('web:abc')).toMatchObject({ version: 1, state: { step: 'offer' } });
    expect((await after.events.list('web:abc')).map((e) => e.data.text)).toEqual(['在吗']);
    expect(await after.dedupe.claim('web', 'm1', new Date())).toBe(false);
    await after.stop();
  });

  it('uses WAL and applies each migration once', async () => {
    const path = join(dir, 'wal.db');
    const store = createSqliteStore(path);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const names = (
      store.db.prepare('SELECT name FROM schema_migrations ORDER BY name').all() as { name: string }[]
    ).map((r) => r.name);
    expect(names[0]).toBe('001-core.sql');
    await store.stop();
    const again = createSqliteStore(path);
    expect((again.db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(
      names.length,
    );
    await again.stop();
  });

  it('refuses a database written by a newer calmdesk', async () => {
    const path = join(dir, 'newer.db');
    const store = createSqliteStore(path);
    store.db
      .prepare("INSERT INTO schema_migrations (name, applied_at) VALUES ('999-from-the-future.sql', 'x')")
      .run();
    await store.stop();
    expect(() => createSqliteStore(path)).toThrow(/CALMDESK_MIGRATION_FAILED/);
  });
});

describe('WAL checkpoints', () => {
  it('are done beside the writer, not inside its commits', async () => {
    const { statSync } = await import('node:fs');
    const path = join(dir, 'checkpoint.db');
    const store = createSqliteStore(path);
    // The writer never checkpoints by itself…
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(path).size;
    for (let i = 0; i < 20; i++) {
      await store.events.append(
        Array.from({ length: 100 }, (_, n) => ({
          conversationId: `web:c${n}`,
          type: 'message_received' as const,
          at: new Date(),
          data: { text: `message ${i}-${n} ${'x'.repeat(200)}` },
        })),
      );
    }
    // …yet the pages reach the database file: the checkpointer moved them there.
    await expect.poll(() => statSync(path).size, { timeout: 5_000, interval: 100 }).toBeGreaterThan(before);
    await store.stop();
  });
});
