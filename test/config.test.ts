import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { formatConfigProblems, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('runs with no variables at all: web chat on 127.0.0.1:3000, SQLite in data/, demo shop', () => {
    const result = loadConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      store: 'sqlite',
      dbPath: 'data/calmdesk.db',
      orders: { source: 'demo' },
      telegram: undefined,
      discord: undefined,
    });
  });

  it('lists every bad value at once, each with its variable and what is allowed', () => {
    const result = loadConfig({
      CALMDESK_PORT: 'eighty',
      CALMDESK_STORE: 'mongo',
      CALMDESK_LOG_LEVEL: 'loud',
      CALMDESK_TIMEZONE: 'Mars/Olympus',
      CALMDESK_TELEGRAM_STAFF_USER_IDS: '12, bob',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = formatConfigProblems(result.problems);
    for (const name of [
      'CALMDESK_PORT',
      'CALMDESK_STORE',
      'CALMDESK_LOG_LEVEL',
      'CALMDESK_TIMEZONE',
      'CALMDESK_TELEGRAM_STAFF_USER_IDS',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/5 configuration problems/);
    expect(text).toMatch(/\.env\.example/);
  });

  it('asks for what a chosen mode needs: the order API URL, the webhook secret', () => {
    const result = loadConfig({
      CALMDESK_ORDERS: 'http',
      CALMDESK_TELEGRAM_TOKEN: 't',
      CALMDESK_TELEGRAM_MODE: 'webhook',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join('\n')).toMatch(
      /CALMDESK_ORDER_API_URL[\s\S]*CALMDESK_TELEGRAM_WEBHOOK_URL[\s\S]*CALMDESK_TELEGRAM_WEBHOOK_SECRET/,
    );
  });

  it('parses opening hours in the shop time zone and refuses nonsense', () => {
    const ok = loadConfig({
      CALMDESK_OPENING_HOURS: 'mon-fri 09:00-18:00',
      CALMDESK_TIMEZONE: 'Europe/Berlin',
    });
    expect(ok.ok && ok.config.handoff.openingHours).toMatchObject({
      open: '09:00',
      close: '18:00',
      timezone: 'Europe/Berlin',
    });
    const bad = loadConfig({ CALMDESK_OPENING_HOURS: 'whenever' });
    expect(bad.ok).toBe(false);
  });

  it('stops `calmdesk start` with one message and exit code 2', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c) => {
      err += c;
    });
    const code = await runCli(['start'], {
      stdin: new PassThrough(),
      stdout,
      stderr,
      env: { CALMDESK_PORT: '-1', CALMDESK_STORE: 'nope' },
    });
    expect(code).toBe(2);
    expect(err).toMatch(/calmdesk cannot start: 2 configuration problems/);
    expect(err.match(/calmdesk cannot start/g)).toHaveLength(1);
  });
});
