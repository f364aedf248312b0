import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { NewEvent } from '../../src/core/events.ts';
import { createPostgresStore, type PostgresStore } from '../../src/storage/postgres-store.ts';
import { channelLinksContract } from '../contracts/channel-links.contract.ts';
import { storeContract } from '../contracts/store.contract.ts';
import { createTestBot } from '../helpers/test-bot.ts';
import { probePostgres, schemaFactory, skipLine, TEST_DATABASE_URL } from './postgres-fixture.ts';

const probe = await probePostgres('PostgreSQL store');
const schemas = schemaFactory('store');
const stores: PostgresStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.stop()));
  if (probe.ok) await schemas.close();
});

/** A calmdesk process's store on `schema`: its own pool, as a separate process would have. */
function processStore(schema: string): PostgresStore {
  const store = createPostgresStore(TEST_DATABASE_URL, { schema, max: 5 });
  stores.push(store);
  return store;
}

const T0 = new Date('2026-11-20T02:00:00.000Z');
const message = (conversationId: string, text: string): NewEvent => ({
  conversationId,
  type: 'message_received',
  at: T0,
  data: { text },
});

describe.skipIf(!probe.ok)(skipLine('PostgreSQL store', probe), () => {
  storeContract('postgres', async () => processStore(await schemas.emptied()));
  channelLinksContract('postgres', async () => {
    const store = processStore(await schemas.emptied());
    await store.start();
    return { links: store.channelLinks, close: () => store.stop() };
  });

  it('migrates once when two processes start at the same moment, with JSONB and BIGSERIAL columns', async () => {
    const schema = schemas.fresh();
    const [a, b] = [processStore(schema), processStore(schema)];
    await Promise.all([a.start(), b.start()]);
    const applied = await a.pool.query('SELECT name FROM schema_migrations ORDER BY name');
    expect(applied.rows.map((r) => r.name)).toEqual([
      '001-core.sql',
      '002-handoff.sql',
      '003-channel-links.sql',
    ]);
    const columns = await a.pool.query(
      `SELECT table_name || '.' || column_name AS col, data_type FROM information_schema.columns
       WHERE table_schema = $1 AND column_name IN ('state', 'data', 'seq') AND table_name IN ('conversations', 'events')
       ORDER BY 1`,
      [schema],
    );
    expect(columns.rows).toEqual([
      { col: 'conversations.state', data_type: 'jsonb' },
      { col: 'events.data', data_type: 'jsonb' },
      { col: 'events.seq', data_type: 'bigint' },
    ]);
    // A later start finds nothing to do.
    const c = processStore(schema);
    await c.start();
    expect((await c.pool.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n).toBe(3);
  });

  it('keeps conversations, events and dedupe keys across a restart', async () => {
    const schema = await schemas.emptied();
    const before = processStore(schema);
    await before.start();
    await before.conversations.ensure('web:abc', 'web', 'web:abc', 'Alice', T0);
    await before.conversations.saveState('web:abc', { version: 1, step: 'offer' }, 0, T0);
    await before.events.append([message('web:abc', '在吗')]);
    await before.dedupe.claim('web', 'm1', T0);
    await before.stop();

    const after = processStore(schema);
    await after.start();
    expect(await after.conversations.get('web:abc')).toMatchObject({ version: 1, state: { step: 'offer' } });
    expect((await after.events.list('web:abc')).map((e) => e.data.text)).toEqual(['在吗']);
    expect(await after.dedupe.claim('web', 'm1', T0)).toBe(false);
  });

  it('records a message delivered 20 times to two processes exactly once', async () => {
    const schema = await schemas.emptied();
    const [a, b] = [processStore(schema), processStore(schema)];
    await Promise.all([a.start(), b.start()]);
    const deliveries = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? a : b).acceptInbound({
        platform: 'telegram',
        messageId: '5001',
        conversationId: 'telegram:42',
        buyerId: 'telegram:42',
        buyerName: '小林',
        event: message('telegram:42', '杯子碎了，怎么办'),
      }),
    );
    const accepted = (await Promise.all(deliveries)).filter((e) => e !== null);
    expect(accepted).toHaveLength(1);
    expect((await b.events.list('telegram:42')).map((e) => e.seq)).toEqual([accepted[0]!.seq]);
    expect(await a.conversations.get('telegram:42')).toMatchObject({ buyer_name: '小林', version: 0 });
  });

  it('lets one of two processes save a turn over the same version, and keeps both turns in the log', async () => {
    const schema = await schemas.emptied();
    const [a, b] = [processStore(schema), processStore(schema)];
    await Promise.all([a.start(), b.start()]);
    await a.conversations.ensure('web:race', 'web', 'web:race', 'Lin', T0);
    const turn = (text: string, promiseId: string) => ({
      conversationId: 'web:race',
      events: [{ ...message('web:race', text), type: 'reply_sent' as const }],
      promises: [
        {
          id: promiseId,
          conversation_id: 'web:race',
          kind: 'refund',
          text: '24小时内退款',
          due_at: new Date(T0.getTime() + 86_400_000).toISOString(),
          order_id: 'CD10001',
          remedy: 'refund_only',
        },
      ],
      state: { version: 1, step: text },
      expectedVersion: 0,
      at: T0,
    });
    const results = await Promise.all([
      a.commitTurn(turn('offer', 'p-a')),
      b.commitTurn(turn('confirm', 'p-b')),
    ]);
    expect(results.map((r) => r.version).sort()).toEqual([1, null]);
    const log = await a.events.list('web:race');
    expect(log).toHaveLength(2);
    expect(log.map((e) => e.seq)).toEqual(
      results.flatMap((r) => r.events.map((e) => e.seq)).sort((x, y) => x - y),
    );
    expect((await b.promises.open('web:race')).map((p) => p.id).sort()).toEqual(['p-a', 'p-b']);
  });

  it('carries a buyer through a refund on PostgreSQL: state, log and promise in the database', async () => {
    const schema = await schemas.emptied();
    const store = processStore(schema);
    const buyer = await createTestBot({
      store,
      now: '2026-11-20T10:00:00+08:00',
      orders: [
        {
          id: 'CD10002',
          buyer_id: 'web:buyer-1',
          state: 'paid',
          category: 'apparel',
          amount: 159,
          currency: 'CNY',
          ordered_at: '2026-11-19T14:00:00+08:00',
          items: [{ sku: 'AP-LINEN-M', name: '亚麻衬衫 Linen shirt', quantity: 1, price: 159 }],
        },
      ],
    });
    await buyer.say('订单CD10002还没发货，我不想要了，能退款吗');
    buyer.expectReply('¥159');
    await buyer.say('确认');
    buyer.expectReply('24小时内');
    // The same message delivered again (a platform retry) is not handled twice.
    const again = await buyer.say('确认', { id: 'm2' });
    expect(again.replies).toEqual([]);

    const row = await store.pool.query('SELECT version, state FROM conversations WHERE id = $1', [
      buyer.conversationId,
    ]);
    expect(row.rows[0].version).toBe(2);
    expect(row.rows[0].state).toMatchObject({ step: 'follow_up' });
    const types = (await store.events.list(buyer.conversationId)).map((e) => e.type);
    expect(types.filter((t) => t === 'message_received')).toHaveLength(2);
    expect(types).toContain('reply_sent');
    expect((await store.promises.open(buyer.conversationId)).map((p) => p.remedy)).toEqual(['refund_only']);
    await buyer.stop();
  });

  it('refuses a database written by a newer calmdesk', async () => {
    const schema = schemas.fresh();
    const store = processStore(schema);
    await store.start();
    await store.pool.query(
      "INSERT INTO schema_migrations (name, applied_at) VALUES ('999-from-the-future.sql', now())",
    );
    await expect(processStore(schema).start()).rejects.toMatchObject({ code: 'CALMDESK_MIGRATION_FAILED' });
  });
});

describe('PostgreSQL store configuration', () => {
  it('needs a database URL when CALMDESK_STORE=postgres', () => {
    const missing = loadConfig({ CALMDESK_STORE: 'postgres' });
    expect(missing).toMatchObject({ ok: false, problems: [expect.stringMatching(/^CALMDESK_DATABASE_URL/)] });
    const wrong = loadConfig({ CALMDESK_STORE: 'postgres', CALMDESK_DATABASE_URL: 'mysql://db/calmdesk' });
    expect(wrong).toMatchObject({ ok: false, problems: [expect.stringMatching(/PostgreSQL URL/)] });
    const ok = loadConfig({
      CALMDESK_STORE: 'postgres',
      CALMDESK_DATABASE_URL: 'postgres://calmdesk@db:5432/shop',
    });
    expect(ok).toMatchObject({
      ok: true,
      config: { store: 'postgres', databaseUrl: 'postgres://calmdesk@db:5432/shop' },
    });
  });
});

describe('PostgreSQL store without a server', () => {
  it('fails to start with a code that says to check the database URL', async () => {
    const store = createPostgresStore('postgres://postgres@127.0.0.1:1/test');
    const error = await store.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CALMDESK_CONFIG_INVALID' });
    expect(String((error as { fix: string }).fix)).toMatch(/CALMDESK_DATABASE_URL/);
    await store.stop();
  });

  it('refuses a schema name it would have to quote', () => {
    expect(() => createPostgresStore(TEST_DATABASE_URL, { schema: 'bad"; DROP' })).toThrow(
      /CALMDESK_CONFIG_INVALID/,
    );
  });
});
