import { parseArgs } from 'node:util';
import { CalmdeskError } from '../core/errors.ts';

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** Strict flag parsing for the subcommands: unknown flags are a usage error with the command's help. */
export function parseFlags<T extends Options>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals,
    });
  } catch (error) {
    throw new CalmdeskError('CALMDESK_USAGE', error instanceof Error ? error.message : String(error));
  }
}
