import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { agentCommand, run } from '../../src/cli/agent.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { verifyPassword } from '../../src/handoff/passwords.ts';
import { createMemoryHandoffRepos } from '../../src/storage/memory/handoffs.ts';
import { createSqliteStore } from '../../src/storage/sqlite-store.ts';

function io(stdin = '', env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += String(c);
  });
  stderr.on('data', (c) => {
    err += String(c);
  });
  const cli: CliIO = { stdin: Readable.from([stdin]), stdout, stderr, env };
  return { cli, out: () => out, err: () => err };
}

describe('calmdesk agent', () => {
  const { agents } = createMemoryHandoffRepos();
  const command = agentCommand(async () => ({ agents, close: async () => {} }));

  it('adds an agent with the password from stdin, hashed with scrypt', async () => {
    const t = io('a long passphrase\n');
    expect(await command(['add', 'mei', '--role', 'agent'], t.cli)).toBe(0);
    expect(t.out()).toBe('added agent mei\n');
    const mei = await agents.byName('mei');
    expect(mei?.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(mei?.password_hash).not.toContain('passphrase');
    expect(await verifyPassword('a long passphrase', mei!.password_hash)).toBe(true);
    expect(await verifyPassword('a long passphrasE', mei!.password_hash)).toBe(false);
  });

  it('adds a supervisor with --password, and lists accounts', async () => {
    expect(
      await command(['add', 'ana', '--role', 'supervisor', '--password', 'another passphrase'], io().cli),
    ).toBe(0);
    const t = io();
    expect(await command(['list'], t.cli)).toBe(0);
    expect(
      t
        .out()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 2).join(' ')),
    ).toEqual(['ana supervisor', 'mei agent', '']);
  });

  it('changes a password', async () => {
    expect(await command(['password', 'mei', '--password', 'a new passphrase'], io().cli)).toBe(0);
    expect(await verifyPassword('a new passphrase', (await agents.byName('mei'))!.password_hash)).toBe(true);
    expect(await command(['password', 'ghost', '--password', 'a new passphrase'], io().cli)).toBe(1);
  });

  it('refuses a taken name, a bad role, a short password, and unknown actions', async () => {
    const taken = io();
    expect(
      await command(['add', 'MEI', '--role', 'agent', '--password', 'long enough pass'], taken.cli),
    ).toBe(1);
    expect(taken.err()).toContain('taken');
    const role = io();
    expect(await command(['add', 'bo', '--role', 'boss', '--password', 'long enough pass'], role.cli)).toBe(
      2,
    );
    expect(role.err()).toContain('--role must be agent or supervisor');
    const short = io('short\n');
    expect(await command(['add', 'bo', '--role', 'agent'], short.cli)).toBe(2);
    expect(short.err()).toContain('at least 8 characters');
    expect(await command(['remove', 'bo'], io().cli)).toBe(2);
    expect(await command(['add', '<b>', '--role', 'agent', '--password', 'long enough pass'], io().cli)).toBe(
      2,
    );
    expect(await agents.byName('bo')).toBeNull();
  });

  it('keeps accounts in the configured SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calmdesk-cli-'));
    try {
      const env = { CALMDESK_STORE: 'sqlite', CALMDESK_DB_PATH: join(dir, 'calmdesk.db') };
      expect(
        await run(['add', 'lee', '--role', 'supervisor', '--password', 'sqlite passphrase'], io('', env).cli),
      ).toBe(0);
      const store = createSqliteStore(env.CALMDESK_DB_PATH);
      await store.start();
      expect((await store.agents.byName('lee'))?.role).toBe('supervisor');
      await store.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
