import type { Config } from '../config.ts';
import { CalmdeskError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { createMemoryStore } from './memory-store.ts';
import type { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

/**
 * Opens the store the configuration names. Implementations are loaded on demand, so a SQLite install
 * never loads `pg` and the other way round. `sqlite` is set when the store is SQLite, for the demo shop
 * that shares its file.
 */
export async function openStore(
  config: Config,
  logger: Logger,
): Promise<{ store: Store; sqlite: SqliteStore | null }> {
  switch (config.store) {
    case 'sqlite': {
      const { createSqliteStore } = await import('./sqlite-store.ts');
      const sqlite = createSqliteStore(config.dbPath, { logger });
      return { store: sqlite, sqlite };
    }
    case 'postgres': {
      if (!config.databaseUrl) {
        throw new CalmdeskError(
          'CALMDESK_CONFIG_INVALID',
          'CALMDESK_STORE=postgres needs CALMDESK_DATABASE_URL',
        );
      }
      const { createPostgresStore } = await import('./postgres-store.ts');
      return { store: createPostgresStore(config.databaseUrl, { logger }), sqlite: null };
    }
    case 'memory':
      return { store: createMemoryStore(), sqlite: null };
  }
}

/** Where the store keeps its data, for log lines. */
export function describeStore(config: Config): string {
  if (config.store === 'sqlite') return config.dbPath;
  if (config.store === 'postgres') return (config.databaseUrl ?? '').replace(/\/\/[^@/]*@/, '//***@');
  return 'memory';
}
