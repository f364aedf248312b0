import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';

/** Runs `calmdesk chat` in-process with the buyer's lines on stdin; returns what the screen showed. */
async function chat(lines: string[], env: Record<string, string>): Promise<{ code: number; screen: string }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let screen = '';
  stdout.on('data', (c) => {
    screen += c;
  });
  const done = runCli(['chat', '--name', 'lin'], { stdin, stdout, stderr, env });
  for (const line of lines) stdin.write(`${line}\n`);
  stdin.end();
  return { code: await done, screen };
}

describe('the terminal chat', () => {
  const dir = mkdtempSync(join(tmpdir(), 'calmdesk-chat-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = {
    CALMDESK_DB_PATH: join(dir, 'calmdesk.db'),
    CALMDESK_LOG_FILE: join(dir, 'chat.log'),
  };

  it('answers each line in order and keeps the conversation for next time', async () => {
    const first = await chat(['在吗', 'my mug arrived broken'], env);
    expect(first.code).toBe(0);
    const botLines = first.screen.split('\n').filter((l) => l.startsWith('客服助手:'));
    expect(botLines.length).toBeGreaterThanOrEqual(2);
    // Nothing but the chat on the screen: no log lines.
    expect(first.screen).not.toMatch(/"level":/);

    const second = await chat(['谢谢'], env);
    expect(second.code).toBe(0);
    const { createSqliteStore } = await import('../../src/storage/sqlite-store.ts');
    const store = createSqliteStore(env.CALMDESK_DB_PATH);
    const received = await store.events.list('console:lin', { types: ['message_received'] });
    expect(received.map((e) => e.data.text)).toEqual(['在吗', 'my mug arrived broken', '谢谢']);
    await store.stop();
  }, 60_000);

  it('shows its usage with --help', async () => {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (c) => {
      text += c;
    });
    const code = await runCli(['chat', '--help'], {
      stdin: new PassThrough(),
      stdout,
      stderr: new PassThrough(),
      env: {},
    });
    expect(code).toBe(0);
    expect(text).toMatch(/usage: calmdesk chat/);
  });
});
