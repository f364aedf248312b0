import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { OutboundMessage } from '../../src/core/messages.ts';
import { createFollowUpJob } from '../../src/dialogue/follow-up-job.ts';
import { decide, followUp } from '../../src/dialogue/index.ts';
import { MemoryOrderSource } from '../../src/orders/memory-orders.ts';
import type { Order } from '../../src/orders/types.ts';
import { createMemoryStore } from '../../src/storage/memory-store.ts';
import type { PromiseRecord } from '../../src/storage/store.ts';
import { analysis, NOW, ORDERS, turn } from './fixtures.ts';

const HOUR = 3_600_000;

function promise(patch: Partial<PromiseRecord> = {}): PromiseRecord {
  return {
    id: 'pr-1',
    conversation_id: 'web:c1',
    kind: 'refund_only',
    text: '退款 ¥159 将在24小时内原路退回',
    due_at: new Date(NOW.getTime() + 24 * HOUR).toISOString(),
    order_id: 'CD10002',
    remedy: 'refund_only',
    status: 'open',
    created_at: NOW.toISOString(),
    updated_at: NOW.toISOString(),
    ...patch,
  };
}

describe('followUp (pure)', () => {
  const table: {
    name: string;
    p: PromiseRecord;
    order: Order | null;
    at: Date;
    status: string;
    says?: RegExp;
  }[] = [
    {
      name: 'refund not done, before the deadline',
      p: promise(),
      order: ORDERS.paid,
      at: NOW,
      status: 'open',
    },
    {
      name: 'refund shows in the order → kept',
      p: promise(),
      order: { ...ORDERS.paid, state: 'refunded' },
      at: NOW,
      status: 'kept',
      says: /办好/,
    },
    {
      name: 'refund not done past the deadline → overdue, with an apology',
      p: promise(),
      order: ORDERS.paid,
      at: new Date(NOW.getTime() + 25 * HOUR),
      status: 'overdue',
      says: /抱歉/,
    },
    {
      name: 'reship shows as a new shipment after the promise → kept (in English)',
      p: promise({ kind: 'reship', remedy: 'reship', text: 'your replacement will ship within 48 hours' }),
      order: {
        ...ORDERS.glasses,
        state: 'shipped',
        shipped_at: new Date(NOW.getTime() + HOUR).toISOString(),
      },
      at: new Date(NOW.getTime() + 2 * HOUR),
      status: 'kept',
      says: /Good news/,
    },
    {
      name: 'the old delivery is not the reship',
      p: promise({ kind: 'reship', remedy: 'reship' }),
      order: ORDERS.glasses,
      at: NOW,
      status: 'open',
    },
    {
      name: 'the warehouse shipped as promised',
      p: promise({ kind: 'ship', remedy: null }),
      order: ORDERS.shipped,
      at: NOW,
      status: 'kept',
    },
    {
      name: 'a coupon is done when confirmed',
      p: promise({ kind: 'coupon', remedy: 'coupon' }),
      order: null,
      at: NOW,
      status: 'kept',
    },
    {
      name: 'an unknown order past the deadline → overdue',
      p: promise(),
      order: null,
      at: new Date(NOW.getTime() + 48 * HOUR),
      status: 'overdue',
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const result = followUp(row.p, row.order, row.at);
      expect(result.status).toBe(row.status);
      if (row.says) expect(result.message).toMatch(row.says);
      if (row.status === 'open') expect(result.message).toBeNull();
    });
  }
});

describe('the follow-up job', () => {
  async function setup(orders: Order[]) {
    const store = createMemoryStore();
    await store.start();
    const source = new MemoryOrderSource(orders);
    const sent: OutboundMessage[] = [];
    let now = NOW;
    const job = createFollowUpJob({
      store,
      orders: source,
      deliver: async (m) => {
        sent.push(m);
      },
      clock: () => now,
      intervalMs: 60_000,
      logger: silentLogger,
      idleNudgeMinutes: 30,
    });
    return {
      store,
      source,
      sent,
      job,
      advance(ms: number) {
        now = new Date(now.getTime() + ms);
      },
    };
  }

  it('tells the buyer when the refund is done, once, and records promise_kept', async () => {
    const refunded = { ...ORDERS.paid, buyer_id: 'web:b1', state: 'refunded' as const };
    const t = await setup([refunded]);
    await t.store.conversations.ensure('web:c1', 'web', 'web:b1', 'B', NOW);
    await t.store.promises.add(
      {
        id: 'pr-1',
        conversation_id: 'web:c1',
        kind: 'refund_only',
        text: '退款 ¥159 将在24小时内原路退回',
        due_at: new Date(NOW.getTime() + 24 * HOUR).toISOString(),
        order_id: 'CD10002',
        remedy: 'refund_only',
      },
      NOW,
    );
    expect(await t.job.runOnce()).toMatchObject({ kept: 1, overdue: 0 });
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]?.text).toMatch(/退款 ¥159/);
    expect(await t.job.runOnce()).toMatchObject({ kept: 0 });
    expect(t.sent).toHaveLength(1);
    const events = await t.store.events.list('web:c1');
    expect(events.map((e) => e.type)).toEqual(['promise_kept']);
    await t.store.stop();
  });

  it('says so when a deadline passes without the shop doing it', async () => {
    const t = await setup([{ ...ORDERS.paid, buyer_id: 'web:b1' }]);
    await t.store.conversations.ensure('web:c1', 'web', 'web:b1', 'B', NOW);
    await t.store.promises.add(
      {
        id: 'pr-2',
        conversation_id: 'web:c1',
        kind: 'refund_only',
        text: 'your refund of ¥159 will be back within 24 hours',
        due_at: new Date(NOW.getTime() + 24 * HOUR).toISOString(),
        order_id: 'CD10002',
        remedy: 'refund_only',
      },
      NOW,
    );
    expect(await t.job.runOnce()).toMatchObject({ kept: 0, overdue: 0 });
    t.advance(25 * HOUR);
    expect(await t.job.runOnce()).toMatchObject({ overdue: 1 });
    expect(t.sent[0]?.text).toMatch(/past the time we promised/);
    await t.store.stop();
  });

  it('nudges a silent buyer once, with the pending buttons', async () => {
    const t = await setup([]);
    await t.store.conversations.ensure('web:c2', 'web', 'web:b2', 'B', NOW);
    const d = turn(
      null,
      {
        analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
        text: '碎了',
        order: ORDERS.glasses,
        photo: true,
      },
      decide,
    );
    await t.store.conversations.saveState('web:c2', d.state, 0, NOW);
    t.advance(10 * 60_000);
    expect((await t.job.runOnce()).nudged).toBe(0);
    t.advance(25 * 60_000);
    expect((await t.job.runOnce()).nudged).toBe(1);
    expect(t.sent[0]?.options).toHaveLength(3);
    t.advance(60 * 60_000);
    expect((await t.job.runOnce()).nudged).toBe(0);
    // The buyer's next message clears the mark, so a later silence may be nudged again.
    const saved = await t.store.conversations.get('web:c2');
    const next = turn(
      saved!.state as never,
      { analysis: analysis('greeting'), text: '在', order: ORDERS.glasses },
      decide,
    );
    expect(next.state.nudged).toBe(false);
    await t.store.stop();
  });

  it('start and stop leave no timer behind', async () => {
    const t = await setup([]);
    t.job.start();
    t.job.start();
    t.job.stop();
    t.job.stop();
    await t.store.stop();
  });
});
