import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { parseFlags } from '../cli/args.ts';
import type { CliIO } from '../cli/io.ts';
import { isCalmdeskError } from '../core/errors.ts';
import type { CreateNluOptions } from './index.ts';

/** Flags shared by the NLU commands (analyze, eval, train, intents). */
export const NLU_FLAGS = {
  intents: { type: 'string' },
  cache: { type: 'string' },
  models: { type: 'string' },
} as const;

/**
 * The flags of an NLU command (`NLU_FLAGS` plus its own). A usage error prints the message and
 * `help` on stderr and gives exit code 2; `--help` prints `help` on stdout and gives 0.
 */
export function parseNluFlags<T extends Parameters<typeof parseFlags>[1]>(
  args: string[],
  flags: T,
  help: string,
  io: CliIO,
): { values: ReturnType<typeof parseFlags<typeof NLU_FLAGS & T>>['values'] } | { exitCode: number } {
  let values: ReturnType<typeof parseFlags<typeof NLU_FLAGS & T>>['values'];
  try {
    values = parseFlags(args, { ...NLU_FLAGS, ...flags }).values;
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : error}\n\n${help}`);
    return { exitCode: 2 };
  }
  if ((values as { help?: boolean | undefined }).help) {
    io.stdout.write(help);
    return { exitCode: 0 };
  }
  return { values };
}

/** Writes why the intent model could not be loaded or trained: `calmdesk COMMAND: message (CODE)`. */
export function reportModelFailure(stderr: Writable, command: string, error: unknown): void {
  const code = isCalmdeskError(error) ? error.code : 'CALMDESK_MODEL_INVALID';
  stderr.write(`calmdesk ${command}: ${error instanceof Error ? error.message : error} (${code})\n`);
}

/** NLU locations from flags, then CALMDESK_INTENTS_DIR / CALMDESK_MODEL_CACHE_DIR, then defaults. */
export function nluOptions(
  values: { intents?: string | undefined; cache?: string | undefined; models?: string | undefined },
  env: NodeJS.ProcessEnv,
): CreateNluOptions {
  const options: CreateNluOptions = {};
  const intentsDir = values.intents ?? env.CALMDESK_INTENTS_DIR;
  const cacheDir = values.cache ?? env.CALMDESK_MODEL_CACHE_DIR;
  if (intentsDir) options.intentsDir = intentsDir;
  if (cacheDir) options.cacheDir = cacheDir;
  if (values.models) options.modelsDir = values.models;
  return options;
}

/** A progress bar on stderr: `train [#######.............] 3/6`. */
export function progressBar(stderr: Writable, label: string): (done: number, total: number) => void {
  return (done, total) => {
    const width = 24;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    if (done >= total) stderr.write('\n');
  };
}

/** The lines of a stream, one at a time, without a length limit. */
export function lines(input: Readable): AsyncIterable<string> {
  return createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
}

/** Writes one line and waits for the stream to take it (back-pressure on long inputs). */
export async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}
