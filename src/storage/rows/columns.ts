import { z } from 'zod';

/**
 * The column kinds whose stored form differs between the databases, as zod schemas that turn a driver's
 * value into the value the ports promise. Each dialect has one set (src/storage/sqlite/columns.ts,
 * src/storage/postgres/db.ts); the row schemas in this folder are built from it, so both dialects read
 * a row the same way and validate it on the way back in: a hand-edited or corrupted database fails
 * loudly, not later.
 */
export interface Columns {
  /** A timestamp, as the ISO string the ports promise. */
  time: z.ZodType<string>;
  /** A timestamp, as a Date (the event log). */
  instant: z.ZodType<Date>;
  /** A yes/no column. */
  flag: z.ZodType<boolean>;
  /** A sequence number drawn by the database. */
  serial: z.ZodType<number>;
  /** A column holding structured data (JSON text, a JSONB or an array column), checked against `schema`. */
  structured<T>(schema: z.ZodType<T>): z.ZodType<T>;
}

/** A column of JSON text, parsed and then checked against `schema`. */
export function jsonText<T>(schema: z.ZodType<T>): z.ZodType<T> {
  return z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'the column does not hold JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** A JSON object column (a conversation's state, an event's data). */
export const jsonObject = z.record(z.string(), z.unknown());
