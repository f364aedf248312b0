import type pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPostgresHandoffRepos } from '../../src/storage/postgres/handoffs.ts';
import { handoffReposContract } from '../contracts/handoff.contract.ts';
import { expectOneCaseOpens, expectOneClaimWins } from '../storage/claim-race.ts';
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
      await expectOneClaimWins(() => desk, { agents: 20, trials: 20 });
    });

    it('opens one case when two processes ask for the same conversation at once', async () => {
      const schema = await schemas.emptied();
      const [first, second] = [schemas.pool(schema), schemas.pool(schema)];
      pools.push(first, second);
      const desks = [createPostgresHandoffRepos(first), createPostgresHandoffRepos(second)];
      await expectOneCaseOpens((i) => desks[i]!, { processes: 2, asks: 10 });
    });
  });
});
