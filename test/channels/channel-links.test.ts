import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryChannelLinks } from '../../src/storage/memory/channel-links.ts';
import { createMemoryStore } from '../../src/storage/memory-store.ts';
import { createSqliteChannelLinks } from '../../src/storage/sqlite/channel-links.ts';
import { migrate } from '../../src/storage/sqlite/migrate.ts';
import { createSqliteStore } from '../../src/storage/sqlite-store.ts';
import { channelLinksContract } from '../contracts/channel-links.contract.ts';

channelLinksContract('memory', async () => ({ links: createMemoryChannelLinks(), close: async () => {} }));

channelLinksContract('sqlite', async () => {
  const db = new BetterSqlite3(':memory:');
  migrate(db);
  return {
    links: createSqliteChannelLinks(db),
    close: async () => {
      db.close();
    },
  };
});

describe('channel links in the stores', () => {
  const dir = mkdtempSync(join(tmpdir(), 'calmdesk-links-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are kept in the SQLite file across a restart', async () => {
    const path = join(dir, 'links.db');
    const before = createSqliteStore(path);
    await before.channelLinks?.linkBuyerThread('discord', 'sam', 'thread-1', new Date());
    await before.channelLinks?.linkCasePlace('telegram', 'case-1', 'topic:77', '78', new Date());
    await before.stop();
    const after = createSqliteStore(path);
    expect((await after.channelLinks?.buyerOfThread('discord', 'thread-1'))?.buyer_id).toBe('sam');
    expect((await after.channelLinks?.placeOfCase('telegram', 'case-1'))?.card_id).toBe('78');
    await after.stop();
  });

  it('refuse to work once the store is stopped', async () => {
    const store = createMemoryStore();
    await store.stop();
    await expect(async () => store.channelLinks?.threadOfBuyer('discord', 'sam')).rejects.toThrow(/stopped/);
  });
});
