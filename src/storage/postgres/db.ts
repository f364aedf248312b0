import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { z } from 'zod';
import type { Columns } from '../rows/columns.ts';

/** Something that runs a query: the pool (one statement, autocommitted) or a client inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when it
 * throws. A connection whose ROLLBACK failed is discarded rather than handed to the next caller.
 */
export async function transaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** PostgreSQL's unique_violation, optionally on one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** A TIMESTAMPTZ as pg hands it over (a Date), turned into the ISO string the ports promise. */
export const isoTime = z.date().transform((d) => d.toISOString());

/** A BIGINT/BIGSERIAL as pg hands it over (a decimal string, to keep 64 bits exact), as a number. */
export const bigintNumber = z
  .string()
  .regex(/^-?\d+$/)
  .transform(Number)
  .refine(Number.isSafeInteger, 'a sequence number beyond 2^53');

/**
 * How pg hands the columns over: TIMESTAMPTZ as a Date, BOOLEAN as a boolean, BIGSERIAL as a decimal
 * string, and JSONB and array columns already parsed.
 */
export const postgresColumns: Columns = {
  time: isoTime,
  instant: z.date(),
  flag: z.boolean(),
  serial: bigintNumber,
  structured: (schema) => schema,
};
