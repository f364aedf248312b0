import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migratePostgres } from '../../src/storage/postgres/migrate.ts';

/**
 * The PostgreSQL the tests use: CALMDESK_TEST_DATABASE_URL, or the local server with trust auth. Every
 * test gets a schema of its own under this run's prefix, so parallel runs and parallel files never
 * collide; `dropSchemas()` removes them all.
 */
export const TEST_DATABASE_URL =
  process.env.CALMDESK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Probe = { ok: true } | { ok: false; reason: string };

/**
 * Whether the server answers. When it does not, says so in one line on stderr, since the suite named
 * `name` is then skipped rather than failed.
 */
export async function probePostgres(name: string): Promise<Probe> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  let probe: Probe;
  try {
    await client.connect();
    await client.query('SELECT 1');
    probe = { ok: true };
  } catch (error) {
    probe = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await client.end().catch(() => {});
  }
  if (!probe.ok) console.warn(skipLine(name, probe));
  return probe;
}

/** The suite's title; when skipped, it carries the reason too. */
export function skipLine(name: string, probe: Probe): string {
  return probe.ok
    ? name
    : `${name} SKIPPED: PostgreSQL at ${TEST_DATABASE_URL} is not reachable (${probe.reason}); start it or set CALMDESK_TEST_DATABASE_URL`;
}

/**
 * Hands out schemas: `fresh()` a new, empty one; `emptied()` this file's one migrated schema with every
 * table emptied (a TRUNCATE costs a tenth of migrating a new schema). `close()` drops them all.
 */
export function schemaFactory(label: string) {
  const prefix = `calmdesk_test_${label}_${randomBytes(4).toString('hex')}`;
  const created: string[] = [];
  const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  let shared: Promise<{ schema: string; tables: string[] }> | null = null;

  const fresh = (): string => {
    const name = `${prefix}_${created.length + 1}`;
    created.push(name);
    return name;
  };
  const pool = (schema: string, max = 4): pg.Pool =>
    new pg.Pool({ connectionString: TEST_DATABASE_URL, max, options: `-c search_path=${schema}` });

  return {
    fresh,
    /** A pool whose connections all work in `schema`. */
    pool,
    async emptied(): Promise<string> {
      if (!shared) {
        shared = (async () => {
          const schema = fresh();
          const migrating = pool(schema, 1);
          try {
            await migratePostgres(migrating, { schema });
          } finally {
            await migrating.end();
          }
          const { rows } = await admin.query<{ tablename: string }>(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'",
            [schema],
          );
          return { schema, tables: rows.map((r) => `${schema}.${r.tablename}`) };
        })();
        return (await shared).schema;
      }
      const { schema, tables } = await shared;
      await admin.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
      return schema;
    },
    async close(): Promise<void> {
      try {
        if (created.length > 0) await admin.query(`DROP SCHEMA IF EXISTS ${created.join(', ')} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
