import { type CliIO, type Command, processIO } from './cli/io.ts';

/**
 * The `calmdesk` command. Each subcommand lives in src/cli/<name>.ts and is loaded only when used, so
 * `calmdesk analyze` does not pay for the web server and `calmdesk start` not for the evaluator.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  start: {
    summary: 'run the bot: web chat, agent console, platforms (Ctrl-C stops)',
    load: async () => (await import('./cli/start.ts')).run,
  },
  chat: {
    summary: 'chat with the bot in this terminal',
    load: async () => (await import('./cli/chat.ts')).run,
  },
  analyze: {
    summary: 'JSON lines {"text"} on stdin → NLU analysis per line on stdout',
    load: async () => (await import('./cli/analyze.ts')).run,
  },
  replay: {
    summary: "JSON lines of conversations on stdin → the bot's decisions on stdout",
    load: async () => (await import('./cli/replay.ts')).run,
  },
  eval: {
    summary: 'intent accuracy, macro-F1 and confusions on a labelled JSONL file',
    load: async () => (await import('./cli/eval.ts')).run,
  },
  train: {
    summary: 'retrain the intent model from intents/ and cache it',
    load: async () => (await import('./cli/train.ts')).run,
  },
  intents: {
    summary: 'check intents/*.yaml: duplicates, near-duplicates, thin intents',
    load: async () => (await import('./cli/intents.ts')).run,
  },
  agent: {
    summary: 'manage agent accounts: agent add NAME --role agent|supervisor, agent list',
    load: async () => (await import('./cli/agent.ts')).run,
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: calmdesk <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `calmdesk <command> --help` for the options of one command.',
    'Configuration comes from the environment and .env (see .env.example).',
    '',
  ].join('\n');
}

/** Runs one subcommand and returns its exit code (0 ok, 1 failed, 2 usage or configuration). */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`calmdesk: unknown command "${name}" (CALMDESK_USAGE)\n\n${usage()}`);
    return 2;
  }
  return (await command.load())(args, io);
}

export async function main(argv: string[]): Promise<void> {
  const code = await runCli(argv);
  // Long-running commands (start, chat) resolve only when they are done; then leave promptly.
  process.exitCode = code;
  if (argv[0] !== 'start' && argv[0] !== 'chat') return;
  setTimeout(() => process.exit(code), 100).unref();
}
