import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { type CalmdeskProcess, freePort, startCalmdesk } from '../helpers/calmdesk-process.ts';

describe('a buyer in the web chat, across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'calmdesk-webchat-'));
  const artifacts = join('test-results', 'web-chat');
  let browser: Browser;
  // Whatever happens in the test, no calmdesk process outlives it.
  const running: CalmdeskProcess[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('chats, sees the replies arrive, and finds the conversation again after a restart', async () => {
    const port = String(await freePort());
    const env = {
      CALMDESK_PORT: port,
      CALMDESK_DB_PATH: join(dir, 'calmdesk.db'),
    };
    const first = await startCalmdesk(env);
    running.push(first);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${first.url}/`);

    // The buyer gives a name, then writes; the message box appears only once they have a name.
    expect(await page.locator('#send-form').isVisible()).toBe(false);
    await page.getByLabel(/What should we call you/).fill('小林');
    await page.getByRole('button', { name: /开始/ }).click();
    expect(await page.locator('#name-form').isVisible()).toBe(false);
    await page.getByLabel('Message').fill('你好，我买的杯子收到就碎了');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.msg.bot').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const firstReply = await page.locator('.msg.bot').first().innerText();
    expect(firstReply.length).toBeGreaterThan(5);
    expect(await page.locator('.msg.buyer').first().innerText()).toContain('杯子收到就碎了');
    await page.screenshot({ path: join(artifacts, '1-first-chat.png') });

    // Ctrl-C: the bot stops within 5 s with exit code 0.
    const stopped = await first.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5_000);

    const db = new BetterSqlite3(env.CALMDESK_DB_PATH, { readonly: true });
    const saved = db.prepare("SELECT version, state FROM conversations WHERE id LIKE 'web:%'").get() as {
      version: number;
      state: string;
    };
    db.close();
    expect(saved.version).toBeGreaterThan(0);

    // Restarted on the same file and address: the page shows the whole conversation again.
    const second = await startCalmdesk(env);
    running.push(second);
    await page.reload();
    await expect
      .poll(() => page.locator('.msg.bot').first().innerText(), { timeout: 10_000 })
      .toBe(firstReply);
    await page.getByLabel('Message').fill('谢谢');
    await page.getByRole('button', { name: /发送/ }).click();
    await expect.poll(() => page.locator('.msg.buyer').count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => page.locator('.msg.bot').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    await page.screenshot({ path: join(artifacts, '2-after-restart.png') });

    const db2 = new BetterSqlite3(env.CALMDESK_DB_PATH, { readonly: true });
    const after = db2.prepare("SELECT version, state FROM conversations WHERE id LIKE 'web:%'").get() as {
      version: number;
      state: string;
    };
    db2.close();
    // The state went on from where it was, not from scratch.
    expect(after.version).toBe(saved.version + 1);
    await context.close();
    expect((await second.stop()).code).toBe(0);
  }, 90_000);
});
