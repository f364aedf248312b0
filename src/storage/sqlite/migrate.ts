import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { CalmdeskError } from '../../core/errors.ts';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

/**
 * Applies every src/storage/migrations/NNN-name.sql not applied yet, in name order, each in its own
 * transaction. A database that has migrations this code does not know is from a newer calmdesk: refuse it.
 */
export function migrate(db: Database, dir = MIGRATIONS_DIR): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort();
  const applied = new Set(
    (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map((r) => r.name),
  );
  const unknown = [...applied].filter((name) => !files.includes(name));
  if (unknown.length > 0) {
    throw new CalmdeskError(
      'CALMDESK_MIGRATION_FAILED',
      `database has unknown migrations: ${unknown.join(', ')}`,
    );
  }
  const done: string[] = [];
  for (const file of files) {
    if (applied.has(file)) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    try {
      db.transaction(() => {
        db.exec(sql);
        db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(
          file,
          new Date().toISOString(),
        );
      })();
    } catch (cause) {
      throw new CalmdeskError('CALMDESK_MIGRATION_FAILED', `migration ${file} failed: ${String(cause)}`, {
        cause,
      });
    }
    done.push(file);
  }
  return done;
}
