import type { Readable, Writable } from 'node:stream';
import { type Config, formatConfigProblems, loadConfig, readEnv } from '../config.ts';

/**
 * What a CLI command gets: streams are injectable so tests run commands in-process. Commands that speak
 * JSON lines write ONLY their data to stdout; logs and progress go to stderr.
 */
export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/** A subcommand: returns the process exit code (0 ok, 1 failure, 2 usage or config error). */
export type Command = (args: string[], io: CliIO) => Promise<number>;

export function processIO(): CliIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** The configuration from the command's environment; null after telling stderr every problem (exit 2). */
export function configOrReport(io: CliIO): Config | null {
  const result = loadConfig(readEnv(io.env));
  if (result.ok) return result.config;
  io.stderr.write(`${formatConfigProblems(result.problems)}\n`);
  return null;
}
