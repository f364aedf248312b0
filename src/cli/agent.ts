import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { formatConfigProblems, loadConfig, readEnv } from '../config.ts';
import { isCalmdeskError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import { hashPassword } from '../handoff/passwords.ts';
import type { AgentRepo } from '../handoff/ports.ts';
import { openStore } from '../storage/open-store.ts';
import { parseFlags } from './args.ts';
import type { CliIO, Command } from './io.ts';

const HELP = `usage: calmdesk agent add NAME --role agent|supervisor [--password P]
       calmdesk agent password NAME [--password P]
       calmdesk agent list

Manages the accounts of the web agent console (/agent), kept in the configured store (CALMDESK_DB_PATH, or CALMDESK_DATABASE_URL with CALMDESK_STORE=postgres).
Without --password the password is read from stdin (first line), so it stays out of the shell history:
  printf '%s\\n' 'a long passphrase' | calmdesk agent add mei --role agent
Passwords need at least 8 characters; they are stored as scrypt hashes with a random salt.
`;

const NameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'letters, digits, _ . - only');
const PasswordSchema = z.string().min(8, 'at least 8 characters').max(1024);
const RoleSchema = z.enum(['agent', 'supervisor']);

/** Opens the agent accounts; the default opens the configured store (SQLite or PostgreSQL). */
export type OpenAgents = (io: CliIO) => Promise<{ agents: AgentRepo; close(): Promise<void> } | string>;

const openConfiguredStore: OpenAgents = async (io) => {
  const result = loadConfig(readEnv(io.env));
  if (!result.ok) return formatConfigProblems(result.problems);
  if (result.config.store === 'memory') {
    return 'agent accounts need CALMDESK_STORE=sqlite or postgres: in memory they would vanish when this command ends';
  }
  const { store } = await openStore(result.config, silentLogger);
  await store.start();
  return { agents: store.agents, close: () => store.stop() };
};

async function readFirstLine(stdin: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return (text.split(/\r?\n/)[0] ?? '').trim();
}

/** Builds the command with an injectable store opener (tests pass a memory repo). */
export function agentCommand(open: OpenAgents = openConfiguredStore): Command {
  return async (args, io) => {
    let flags: ReturnType<typeof parseFlags>;
    try {
      flags = parseFlags(args, { role: { type: 'string' }, password: { type: 'string' } }, true);
    } catch (error) {
      io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
      return 2;
    }
    const [action, name, ...extra] = flags.positionals;
    if (flags.values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const usageError = (message: string) => {
      io.stderr.write(`calmdesk agent: ${message} (CALMDESK_USAGE)\n\n${HELP}`);
      return 2;
    };
    if (extra.length > 0) return usageError(`unexpected "${extra.join(' ')}"`);
    if (action !== 'add' && action !== 'list' && action !== 'password') {
      return usageError(action ? `unknown action "${action}"` : 'say add, password or list');
    }

    let role: z.infer<typeof RoleSchema> = 'agent';
    if (action !== 'list') {
      const parsedName = NameSchema.safeParse(name);
      if (!parsedName.success) return usageError(`NAME: ${parsedName.error.issues[0]?.message ?? 'missing'}`);
    }
    if (action === 'add') {
      const parsedRole = RoleSchema.safeParse(flags.values.role);
      if (!parsedRole.success) return usageError('--role must be agent or supervisor');
      role = parsedRole.data;
    }
    let password = '';
    if (action !== 'list') {
      const given = flags.values.password;
      password = typeof given === 'string' ? given : await readFirstLine(io.stdin);
      const parsed = PasswordSchema.safeParse(password);
      if (!parsed.success) return usageError(`password: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }

    const opened = await open(io).catch((error: unknown) =>
      isCalmdeskError(error) ? `${error.message}\n${error.fix}` : String(error),
    );
    if (typeof opened === 'string') {
      io.stderr.write(`${opened}\n`);
      return 2;
    }
    try {
      const { agents } = opened;
      if (action === 'list') {
        for (const account of await agents.list()) {
          io.stdout.write(
            `${account.name}\t${account.role}\t${account.created_at}${account.disabled ? '\tdisabled' : ''}\n`,
          );
        }
        return 0;
      }
      const hash = await hashPassword(password);
      if (action === 'password') {
        const account = await agents.byName(name!);
        if (!account || !(await agents.setPassword(account.id, hash))) {
          io.stderr.write(`calmdesk agent: no agent "${name}" (CALMDESK_NOT_FOUND)\n`);
          return 1;
        }
        io.stdout.write(`password of ${account.name} changed\n`);
        return 0;
      }
      const added = await agents.add({
        id: randomUUID(),
        name: name!,
        role,
        password_hash: hash,
        created_at: new Date().toISOString(),
        disabled: false,
      });
      if (!added.ok) {
        io.stderr.write(`calmdesk agent: the name "${name}" is taken\n`);
        return 1;
      }
      io.stdout.write(`added ${role} ${name}\n`);
      return 0;
    } finally {
      await opened.close();
    }
  };
}

export const run: Command = agentCommand();
