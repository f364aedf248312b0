import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'pg';
import { CalmdeskError } from '../../core/errors.ts';
import { transaction } from './db.ts';

export const PG_MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** A schema name calmdesk accepts: it is written into SQL and connection options unquoted. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Applies every src/storage/postgres/migrations/NNN-name.sql not applied yet, in name order, all in one
 * transaction that first takes an advisory lock: when several calmdesk processes start at once against one
 * database, one migrates and the others wait, then find nothing left to do. A database that has
 * migrations this code does not know is from a newer calmdesk: refuse it. `schema` (created if missing)
 * must be the connection's search_path; without it the tables go to the default schema.
 */
export async function migratePostgres(
  pool: Pool,
  options: { schema?: string; dir?: string } = {},
): Promise<string[]> {
  const dir = options.dir ?? PG_MIGRATIONS_DIR;
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new CalmdeskError('CALMDESK_CONFIG_INVALID', `"${schema}" is not a usable schema name`, {
      fix: 'Use lower-case letters, digits and _ for the schema name, starting with a letter or _.',
    });
  }
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort();
  return transaction(pool, async (tx) => {
    // The lock is per schema, so separate deployments (or test runs) in one database do not wait on each other.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`calmdesk:migrate:${schema ?? ''}`]);
    if (schema !== undefined) await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)',
    );
    const { rows } = await tx.query<{ name: string }>('SELECT name FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.name));
    const unknown = [...applied].filter((name) => !files.includes(name));
    if (unknown.length > 0) {
      throw new CalmdeskError(
        'CALMDESK_MIGRATION_FAILED',
        `database has unknown migrations: ${unknown.join(', ')}`,
        {
          fix: 'The database is from a newer calmdesk: upgrade calmdesk, or point CALMDESK_DATABASE_URL elsewhere.',
        },
      );
    }
    const done: string[] = [];
    for (const file of files) {
      if (applied.has(file)) continue;
      try {
        await tx.query(readFileSync(join(dir, file), 'utf8'));
        await tx.query('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, now())', [file]);
      } catch (cause) {
        throw new CalmdeskError('CALMDESK_MIGRATION_FAILED', `migration ${file} failed: ${String(cause)}`, {
          cause,
          fix: 'Nothing was changed (migrations run in one transaction); fix the database or restore a backup, then start again.',
        });
      }
      done.push(file);
    }
    return done;
  });
}
