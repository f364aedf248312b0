import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/storage/sqlite-store.ts';
import { createDeskFixture, mei, openCase, tom } from './fakes.ts';

describe('the desk across a restart', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'calmdesk-restart-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the queue, the holder, notes and approvals when the server restarts mid-handoff', async () => {
    const path = join(dir, 'calmdesk.db');
    const before = createDeskFixture({ store: createSqliteStore(path) });
    await before.store.start();
    await openCase(before, 'web:normal', 'normal');
    before.advance(2);
    const held = await openCase(before, 'web:held', 'high', ['anger']);
    before.advance(2);
    await openCase(before, 'web:urgent', 'urgent', ['health_safety']);
    await before.desk.claim(held.record.id, mei);
    await before.desk.note(held.record.id, mei, 'Buyer calmer after the apology.');
    await before.desk.requestApproval(held.record.id, mei, { amount: 200, reason: 'Second broken parcel' });
    const queueBefore = await before.desk.queue();
    await before.store.stop();

    const after = createDeskFixture({ store: createSqliteStore(path), start: before.now() });
    await after.store.start();
    try {
      expect(await after.desk.queue()).toEqual(queueBefore);
      expect(
        queueBefore.map((e) => [e.record.conversation_id, e.record.status, e.record.holder?.name ?? null]),
      ).toEqual([
        ['web:urgent', 'queued', null],
        ['web:held', 'claimed', 'Mei'],
        ['web:normal', 'queued', null],
      ]);
      expect((await after.desk.held('web:held'))?.holder?.id).toBe(mei.id);
      expect(await after.desk.claim(held.record.id, tom)).toMatchObject({
        code: 'already_claimed',
        holder: { name: 'Mei' },
      });
      const file = await after.desk.caseFile(held.record.id);
      expect(file?.notes.map((n) => n.text)).toEqual(['Buyer calmer after the apology.']);
      expect(file?.approvals.map((a) => [a.amount, a.status])).toEqual([[200, 'pending']]);
      expect(await after.desk.handBack(held.record.id, mei, { outcome_note: 'Reship agreed' })).toMatchObject(
        {
          ok: true,
          value: { status: 'returned_to_bot' },
        },
      );
    } finally {
      await after.store.stop();
    }
  });
});
