import pg from 'pg';
import { CalmdeskError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { guardRepo } from './guard.ts';
import { createPostgresChannelLinks } from './postgres/channel-links.ts';
import { createPostgresCoreRepos } from './postgres/core.ts';
import { createPostgresHandoffRepos } from './postgres/handoffs.ts';
import { migratePostgres, SCHEMA_NAME } from './postgres/migrate.ts';
import type { Store } from './store.ts';

export interface PostgresStoreOptions {
  /**
   * The schema that holds calmdesk's tables (created on start if missing); every pooled connection gets
   * it as its search_path. Default: the database's default schema (usually `public`).
   */
  schema?: string;
  /** Most connections the pool opens (default 10). */
  max?: number;
  /** Where a connection that fails while idle (a database restart) is reported. */
  logger?: Logger;
}

export interface PostgresStore extends Store {
  readonly channelLinks: NonNullable<Store['channelLinks']>;
  /** The connection pool (ended by stop()). */
  readonly pool: pg.Pool;
}

/**
 * The scale-out Store: several calmdesk processes behind a load balancer share one PostgreSQL database.
 * Every guarantee the contracts ask for holds across processes because the database decides it: a dedupe
 * claim is an INSERT … ON CONFLICT DO NOTHING, a state save and every handoff status change one
 * conditional UPDATE, acceptInbound and commitTurn one transaction each. Migrations run on start() under
 * an advisory lock. No connection is opened before start().
 */
export function createPostgresStore(url: string, options: PostgresStoreOptions = {}): PostgresStore {
  const { schema, logger } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new CalmdeskError('CALMDESK_CONFIG_INVALID', `"${schema}" is not a usable schema name`, {
      fix: 'Use lower-case letters, digits and _ for the schema name, starting with a letter or _.',
    });
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // Without a listener, an idle connection dropped by the server would crash the process; the pool
  // replaces it on the next query.
  pool.on('error', (error) => logger?.warn({ err: error }, 'an idle PostgreSQL connection failed'));

  let open = true;
  let started: Promise<void> | null = null;
  const closedError = (cause?: unknown) =>
    new CalmdeskError('CALMDESK_STORE_CLOSED', 'the PostgreSQL store was stopped', {
      ...(cause !== undefined ? { cause } : {}),
    });
  const assertOpen = () => {
    if (!open) throw closedError();
  };
  // Calls after stop() fail at once; a query still in flight when stop() ends the pool fails with the
  // same code instead of the driver's message.
  const guard = <T extends object>(repo: T): T => {
    const mapped = {} as Record<string, unknown>;
    for (const [name, value] of Object.entries(repo)) {
      mapped[name] =
        typeof value === 'function'
          ? (...args: unknown[]) =>
              (value as (...a: unknown[]) => Promise<unknown>).apply(repo, args).catch((error: unknown) => {
                throw open ? error : closedError(error);
              })
          : value;
    }
    return guardRepo(mapped as T, assertOpen);
  };

  async function migrate(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (cause) {
      throw new CalmdeskError('CALMDESK_CONFIG_INVALID', `cannot connect to PostgreSQL: ${String(cause)}`, {
        cause,
        fix: 'Check CALMDESK_DATABASE_URL and that PostgreSQL is running and reachable from here.',
      });
    }
    client.release();
    await migratePostgres(pool, schema !== undefined ? { schema } : {});
  }

  const core = createPostgresCoreRepos(pool);
  const { handoffs, agents } = createPostgresHandoffRepos(pool);
  return {
    pool,
    conversations: guard(core.conversations),
    events: guard(core.events),
    dedupe: guard(core.dedupe),
    promises: guard(core.promises),
    ...guard({ acceptInbound: core.acceptInbound, commitTurn: core.commitTurn }),
    handoffs: guard(handoffs),
    agents: guard(agents),
    channelLinks: guard(createPostgresChannelLinks(pool)),
    async start() {
      assertOpen();
      started ??= migrate();
      try {
        await started;
      } catch (error) {
        // A failed start may be retried (the database was still coming up).
        started = null;
        throw error;
      }
    },
    async stop() {
      if (!open) return;
      open = false;
      await pool.end();
    },
  };
}
