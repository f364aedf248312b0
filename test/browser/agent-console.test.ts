import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, createBot } from '../../src/app.ts';
import { run as agentCli } from '../../src/cli/agent.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { launchChromium } from '../helpers/browser.ts';
import { freePort } from '../helpers/calmdesk-process.ts';

/**
 * The whole story of a hard case, in real browsers against the real bot (NLU, dialogue, SQLite): a buyer reports an
 * allergic reaction in the web chat, the case tops the console as urgent, an agent claims and answers, a
 * supervisor approves the compensation, the agent resolves, and the buyer rates the help.
 */
describe('the agent console, end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'calmdesk-console-'));
  const artifacts = join('test-results', 'agent-console');
  const password = 'desk passphrase 42';
  let browser: Browser;
  let bot: Bot | null = null;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function addAgent(env: Record<string, string>, name: string, role: 'agent' | 'supervisor') {
    let err = '';
    const stderr = new PassThrough();
    stderr.on('data', (c) => {
      err += String(c);
    });
    const code = await agentCli(['add', name, '--role', role], {
      stdin: Readable.from([`${password}\n`]),
      stdout: new PassThrough(),
      stderr,
      env,
    });
    expect(code, err).toBe(0);
  }

  async function buyerPage(url: string, name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.getByLabel(/What should we call you/).fill(name);
    await page.getByRole('button', { name: /开始/ }).click();
    return page;
  }

  async function say(page: Page, text: string) {
    await page.getByLabel('Message').fill(text);
    await page.keyboard.press('Enter');
  }

  async function consolePage(url: string, name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${url}/agent`);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText(/· (agent|supervisor)$/).waitFor();
    return page;
  }

  it('takes a health case from the buyer’s first message to the satisfaction answer', async () => {
    const env = {
      CALMDESK_PORT: String(await freePort()),
      CALMDESK_DB_PATH: join(dir, 'calmdesk.db'),
      CALMDESK_MODEL_CACHE_DIR: join('data', 'models'),
    };
    await addAgent(env, 'Mei', 'agent');
    await addAgent(env, 'Ana', 'supervisor');
    bot = await createBot({
      config: {
        store: 'sqlite',
        dbPath: env.CALMDESK_DB_PATH,
        host: '127.0.0.1',
        port: Number(env.CALMDESK_PORT),
        modelCacheDir: env.CALMDESK_MODEL_CACHE_DIR,
        logLevel: 'silent',
      },
      logger: silentLogger,
    });
    const url = (await bot.listen()).replace(/\/$/, '');

    // Another buyer asked for a person first: a normal case, already waiting.
    const other = await buyerPage(url, 'Sam');
    await say(other, 'Can I talk to a real person please?');
    await expect.poll(() => other.locator('.msg.bot').count(), { timeout: 15_000 }).toBeGreaterThan(0);

    // The agent is logged in before the urgent case arrives: it must appear live, on top.
    const mei = await consolePage(url, 'Mei');
    await expect.poll(() => mei.locator('.queue-item').count(), { timeout: 10_000 }).toBe(1);

    const lin = await buyerPage(url, 'Lin');
    await say(
      lin,
      'I used your face cream last night and now I have an allergic reaction, my cheeks are red and swollen.',
    );
    await expect.poll(() => lin.locator('.msg.bot').count(), { timeout: 15_000 }).toBeGreaterThan(0);

    await expect.poll(() => mei.locator('.queue-item').count(), { timeout: 10_000 }).toBe(2);
    const top = mei.locator('.queue-item').first();
    expect(await top.getAttribute('data-priority')).toBe('urgent');
    expect(await top.locator('.badge').textContent()).toBe('URGENT');
    expect(await top.locator('.buyer').textContent()).toContain('Lin');
    expect(await top.locator('.reasons').textContent()).toContain('health');
    await mei.screenshot({ path: join(artifacts, '1-queue-urgent-on-top.png') });

    // Keyboard: the first case is selected; Enter opens it, c claims it.
    await mei.locator('.case-button').first().focus();
    await mei.keyboard.press('Enter');
    await expect.poll(() => mei.locator('#case-title').textContent()).toContain('Lin');
    await mei.keyboard.press('c');
    await expect.poll(() => mei.locator('#case-status').textContent()).toBe('claimed by Mei');

    // While Mei holds the chat the bot says nothing, and whatever the buyer writes stays text.
    const botLinesBefore = await lin.locator('.msg.bot').count();
    const hostile = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> is this normal?';
    await say(lin, hostile);
    await expect
      .poll(() => mei.locator('#transcript .line.buyer .text').last().textContent(), { timeout: 10_000 })
      .toBe(hostile);
    expect(await mei.locator('#transcript img, #transcript script').count()).toBe(0);
    expect(await mei.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await lin.locator('.msg.bot').count()).toBe(botLinesBefore);

    await mei
      .getByLabel('Reply to the buyer')
      .fill('Hello Lin, I am Mei. Please stop using the cream and rinse with cool water.');
    await mei.getByRole('button', { name: 'Send reply' }).click();
    await expect
      .poll(() => lin.locator('.msg.agent').last().textContent(), { timeout: 10_000 })
      .toContain('Please stop using the cream');

    await mei
      .getByLabel('Private note (the buyer never sees it)')
      .fill('Photo of the rash requested; doctor visit likely.');
    await mei.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => mei.locator('#notes').textContent()).toContain('doctor visit likely');

    // The compensation is above the agent limit: a supervisor decides.
    await mei.getByLabel('Amount', { exact: true }).fill('3600');
    await mei.getByLabel('Reason').fill('Dermatologist visit and medicine');
    await mei.getByRole('button', { name: 'Request approval' }).click();
    await expect.poll(() => mei.locator('#case-approvals').textContent()).toContain('pending');
    await mei.screenshot({ path: join(artifacts, '2-case-file-claimed.png') });

    const ana = await consolePage(url, 'Ana');
    const request = ana.locator('.approval-item').first();
    await request.waitFor();
    expect(await request.textContent()).toContain('3600');
    await request.getByLabel('Comment').fill('Approved: health comes first.');
    await ana.screenshot({ path: join(artifacts, '3-supervisor-approval.png') });
    await request.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => ana.locator('.approval-item').count()).toBe(0);

    // Mei is told, live.
    await expect
      .poll(() => mei.locator('.toast').allTextContents(), { timeout: 10_000 })
      .toContainEqual(expect.stringContaining('Ana approved 3600'));

    await mei.getByLabel('Outcome (what was agreed)').fill('Refund of the cream plus the doctor visit');
    await mei.getByLabel('Remedy').selectOption('partial_refund');
    await mei.getByLabel('Amount (if any)').fill('3600');
    await mei.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => mei.locator('#case-status').textContent(), { timeout: 10_000 }).toBe('resolved');
    await expect.poll(() => mei.locator('.queue-item').count(), { timeout: 10_000 }).toBe(1);
    await mei.screenshot({ path: join(artifacts, '4-resolved.png') });

    // The buyer is asked how it went, and answers.
    await expect.poll(() => lin.locator('.msg.bot .options button').count(), { timeout: 10_000 }).toBe(5);
    await lin.locator('.msg.bot .options button').last().click();
    await expect
      .poll(() => lin.locator('.msg.bot').last().textContent(), { timeout: 10_000 })
      .toMatch(/thank/i);

    const db = new BetterSqlite3(env.CALMDESK_DB_PATH, { readonly: true });
    try {
      const rating = db
        .prepare("SELECT data FROM events WHERE type = 'satisfaction_rated' ORDER BY seq DESC LIMIT 1")
        .get() as { data: string } | undefined;
      expect(JSON.parse(rating?.data ?? '{}')).toMatchObject({ score: 5 });
      const resolved = db
        .prepare("SELECT status, outcome, holder_name FROM handoffs WHERE priority = 'urgent'")
        .get();
      expect(resolved).toEqual({
        status: 'resolved',
        outcome: 'Refund of the cream plus the doctor visit',
        holder_name: 'Mei',
      });
    } finally {
      db.close();
    }
  }, 120_000);
});
