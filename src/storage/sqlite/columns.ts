import { z } from 'zod';
import { type Columns, jsonText } from '../rows/columns.ts';

/**
 * How SQLite hands the columns over: timestamps as the ISO text they were written as, yes/no as 0/1,
 * structured data as JSON text.
 */
export const sqliteColumns: Columns = {
  time: z.string(),
  instant: z.string().transform((text) => new Date(text)),
  flag: z.number().transform((n) => n === 1),
  serial: z.number().int(),
  structured: jsonText,
};
