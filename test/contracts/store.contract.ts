import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/store.ts';

const T0 = new Date('2026-11-20T02:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/**
 * The one contract every Store implementation passes. It never asks which implementation it runs on.
 */
export function storeContract(name: string, open: () => Promise<Store>) {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
      await store.start();
    });
    afterEach(async () => {
      await store.stop();
    });

    describe('conversations', () => {
      it('creates a conversation once and returns it unchanged on later ensures', async () => {
        const first = await store.conversations.ensure('web:abc', 'web', 'web:abc', 'Alice', at(0));
        const again = await store.conversations.ensure('web:abc', 'web', 'web:abc', 'Someone else', at(5));
        expect(first).toMatchObject({
          id: 'web:abc',
          platform: 'web',
          buyer_name: 'Alice',
          state: null,
          version: 0,
        });
        expect(again).toEqual(first);
        expect(await store.conversations.get('web:nope')).toBeNull();
      });

      it('saves state only over the version it was read at', async () => {
        await store.conversations.ensure('web:abc', 'web', 'web:abc', 'Alice', at(0));
        expect(await store.conversations.saveState('web:abc', { version: 1, step: 'listen' }, 0, at(1))).toBe(
          1,
        );
        // A writer still holding version 0 lost the race.
        expect(
          await store.conversations.saveState('web:abc', { version: 1, step: 'offer' }, 0, at(2)),
        ).toBeNull();
        expect(
          await store.conversations.saveState(
            'web:abc',
            { version: 1, step: 'confirm', nested: { a: [1, 2] } },
            1,
            at(3),
          ),
        ).toBe(2);
        const saved = await store.conversations.get('web:abc');
        expect(saved).toMatchObject({
          version: 2,
          state: { step: 'confirm', nested: { a: [1, 2] } },
          updated_at: at(3).toISOString(),
        });
        expect(await store.conversations.saveState('web:missing', { version: 1 }, 0, at(3))).toBeNull();
      });

      it('hands out copies: changing a returned state does not change the stored one', async () => {
        await store.conversations.ensure('web:abc', 'web', 'web:abc', 'Alice', at(0));
        await store.conversations.saveState('web:abc', { version: 1, step: 'listen' }, 0, at(1));
        const read = await store.conversations.get('web:abc');
        (read!.state as { step: string }).step = 'tampered';
        expect((await store.conversations.get('web:abc'))!.state).toEqual({ version: 1, step: 'listen' });
      });

      it('lists conversations most recently updated first', async () => {
        await store.conversations.ensure('web:a', 'web', 'web:a', 'A', at(0));
        await store.conversations.ensure('telegram:42', 'telegram', 'telegram:42', 'B', at(1));
        await store.conversations.saveState('web:a', { version: 1 }, 0, at(2));
        expect((await store.conversations.list()).map((c) => c.id)).toEqual(['web:a', 'telegram:42']);
        expect(await store.conversations.list({ limit: 1 })).toHaveLength(1);
      });
    });

    describe('event log', () => {
      it('appends in order with increasing sequence numbers and keeps the data', async () => {
        const stored = await store.events.append([
          { conversationId: 'web:a', type: 'message_received', at: at(0), data: { text: '杯子碎了', n: 1 } },
          { conversationId: 'web:b', type: 'message_received', at: at(0), data: { text: 'hi' } },
          { conversationId: 'web:a', type: 'reply_sent', at: at(1), data: { text: '很抱歉' } },
        ]);
        expect(stored.map((e) => e.seq)).toEqual([...stored.map((e) => e.seq)].sort((x, y) => x - y));
        const a = await store.events.list('web:a');
        expect(a.map((e) => [e.type, e.data.text])).toEqual([
          ['message_received', '杯子碎了'],
          ['reply_sent', '很抱歉'],
        ]);
        expect(a[0]!.at.toISOString()).toBe(at(0).toISOString());
      });

      it('lists after a sequence number, by type, and up to a limit', async () => {
        const [first] = await store.events.append([
          { conversationId: 'web:a', type: 'message_received', at: at(0), data: {} },
          { conversationId: 'web:a', type: 'intent_classified', at: at(0), data: { intent: 'damaged_item' } },
          { conversationId: 'web:a', type: 'reply_sent', at: at(0), data: {} },
          { conversationId: 'web:a', type: 'message_received', at: at(1), data: {} },
        ]);
        expect((await store.events.list('web:a', { afterSeq: first!.seq })).length).toBe(3);
        expect((await store.events.list('web:a', { types: ['message_received'] })).length).toBe(2);
        expect(
          (await store.events.list('web:a', { types: ['message_received', 'reply_sent'], limit: 2 })).map(
            (e) => e.type,
          ),
        ).toEqual(['message_received', 'reply_sent']);
        expect(await store.events.list('web:none')).toEqual([]);
      });
    });

    describe('dedupe', () => {
      it('claims a platform message id exactly once, even when claimed concurrently', async () => {
        const claims = await Promise.all(
          Array.from({ length: 20 }, () => store.dedupe.claim('telegram', '1001', at(0))),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        // The same id on another platform is another message.
        expect(await store.dedupe.claim('discord', '1001', at(0))).toBe(true);
      });
    });

    describe('promises', () => {
      const promise = (id: string, due: number) => ({
        id,
        conversation_id: 'web:a',
        kind: 'refund',
        text: '退款将在24小时内原路退回',
        due_at: at(due).toISOString(),
        order_id: 'CD10001',
        remedy: 'refund_only',
      });

      it('finds open promises by conversation and by due time, and settles each once', async () => {
        await store.promises.add(promise('p1', 60), at(0));
        await store.promises.add(promise('p2', 10), at(0));
        expect((await store.promises.open('web:a')).map((p) => p.id).sort()).toEqual(['p1', 'p2']);
        expect((await store.promises.due(at(30), 10)).map((p) => p.id)).toEqual(['p2']);
        expect((await store.promises.allOpen(10)).map((p) => p.id)).toEqual(['p2', 'p1']);
        expect(await store.promises.settle('p2', 'kept', at(31))).toBe(true);
        expect(await store.promises.settle('p2', 'overdue', at(32))).toBe(false);
        expect((await store.promises.due(at(90), 10)).map((p) => p.id)).toEqual(['p1']);
        expect((await store.promises.open('web:a')).map((p) => p.status)).toEqual(['open']);
      });
    });

    it('refuses to work after stop, with a code that says why', async () => {
      await store.stop();
      await expect(Promise.resolve().then(() => store.events.list('web:a'))).rejects.toMatchObject({
        code: 'CALMDESK_STORE_CLOSED',
      });
      store = await open();
      await store.start();
    });
  });
}
