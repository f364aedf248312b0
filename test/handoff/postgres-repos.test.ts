import type pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPostgresHandoffRepos } from '../../src/storage/postgres/handoffs.ts';
import { handoffReposContract } from '../contracts/handoff.contract.ts';
import { probePostgres, schemaFactory, skipLine } from '../storage/postgres-fixture.ts';

const probe = await probePostgres('PostgreSQL handoff repos');
const schemas = schemaFactory('handoff');
afterAll(async () => {
  if (probe.ok) await schemas.close();
});

describe.skipIf(!probe.ok)(skipLine('PostgreSQL handoff repos', probe), () => {
  handoffReposContract('postgres', async () => {
    const pool = schemas.pool(await schemas.emptied());
    return { repos: createPostgresHandoffRepos(pool), close: () => pool.end() };
  });

  describe('claiming on a shared database', () => {
    const pools: pg.Pool[] = [];
    afterEach(async () => {
      await Promise.all(pools.splice(0).map((p) => p.end()));
    });

    it('gives each case to exactly one of 20 agents claiming at once from 20 connections, 20 times over', async () => {
      const pool = schemas.pool(await schemas.emptied(), 20);
      pools.push(pool);
      // Open all 20 connections up front, so the claims below really run side by side on separate ones.
      const clients = await Promise.all(Array.from({ length: 20 }, () => pool.connect()));
      const backends = new Set(
        await Promise.all(
          clients.map(async (c) => (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid),
        ),
      );
      for (const client of clients) client.release();
      expect(backends.size).toBe(20);

      const desk = createPostgresHandoffRepos(pool);
      for (let trial = 0; trial < 20; trial++) {
        const id = `case-${trial}`;
        await desk.handoffs.create(
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
          Array.from({ length: 20 }, (_, i) =>
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

    it('opens one case when two processes ask for the same conversation at once', async () => {
      const schema = await schemas.emptied();
      const [first, second] = [schemas.pool(schema), schemas.pool(schema)];
      pools.push(first, second);
      const desks = [createPostgresHandoffRepos(first), createPostgresHandoffRepos(second)];
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          desks[i % 2]!.handoffs.create(
            {
              id: `h-${i}`,
              conversation_id: 'telegram:42',
              platform: 'telegram',
              buyer_id: 'telegram:42',
              buyer_name: '小林',
              language: 'zh',
              priority: 'high',
              reasons: ['threat'],
              summary: 'Buyer threatens a bad review.',
              needs_approval: false,
              order_id: null,
            },
            new Date(),
          ),
        ),
      );
      expect(outcomes.filter((o) => o.created)).toHaveLength(1);
      expect(new Set(outcomes.map((o) => o.record.id)).size).toBe(1);
      expect(await desks[1]!.handoffs.listFor('telegram:42')).toHaveLength(1);
    });
  });
});
