import { describe, expect, it } from 'vitest';
import { decide } from '../../src/dialogue/index.ts';
import { mentionScore, orderNeed, ordersToOffer } from '../../src/dialogue/order-choice.ts';
import type { Decision } from '../../src/dialogue/types.ts';
import type { Order } from '../../src/orders/types.ts';
import { createTestBot } from '../helpers/test-bot.ts';
import { analysis, ORDERS, order, turn } from './fixtures.ts';

/*
 * "Which order?": the buttons are the buyer's recent orders that can be the one the problem is about.
 */

const mug = order('CD10001', {
  state: 'unpaid',
  amount: 78,
  items: [{ sku: 'KW-MUG-WHT', name: '白瓷马克杯 White porcelain mug', quantity: 2, price: 39 }],
});
const laptopOnItsWay = order('CD10020', {
  state: 'shipped',
  category: 'electronics',
  amount: 4999,
  items: [{ sku: 'EL-LAPTOP-13', name: '13英寸笔记本电脑 13-inch laptop', quantity: 1, price: 4999 }],
});
delete (laptopOnItsWay as Partial<Order>).delivered_at;
const refundedWok = order('CD10016', {
  state: 'refunded',
  amount: 199,
  items: [{ sku: 'KW-WOK-28', name: '不粘炒锅 Non-stick wok', quantity: 1, price: 199 }],
});
const cancelledKettle = order('CD10017', { state: 'cancelled' });

/** Newest first, as the pipeline hands them over: the glass (delivered two days ago) is fourth. */
const RECENT = [mug, laptopOnItsWay, ORDERS.paid, ORDERS.glasses, refundedWok, ORDERS.jeans, cancelledKettle];

const buttons = (d: Decision) => d.replies[0]?.options?.map((o) => o.value) ?? [];

describe('which order: the buttons fit the problem', () => {
  it('a broken glass: the delivered orders first, never the unpaid mug', () => {
    const d = turn(
      null,
      {
        analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
        text: '杯子碎了',
        recent: RECENT,
      },
      decide,
    );
    expect(d.state.pending).toBe('order');
    // Delivered first; a parcel the carrier still shows in transit may already be in hand.
    expect(buttons(d)).toEqual(['CD10005', 'CD10006', 'CD10020']);
    expect(d.replies[0]?.text).toMatch(/哪笔订单|哪一笔订单/);
  });

  it('a late parcel: the shipped and the not-yet-shipped orders', () => {
    const d = turn(
      null,
      {
        analysis: analysis('delivery_problem', { language: 'en', slots: { problem: 'delivery' } }),
        text: 'where is my parcel',
        recent: RECENT,
      },
      decide,
    );
    expect(buttons(d).slice(0, 2)).toEqual(['CD10020', 'CD10002']);
    expect(buttons(d)).not.toContain('CD10001');
    expect(buttons(d)).not.toContain('CD10016');
  });

  it('a cancellation: the orders not shipped yet, the unpaid mug first', () => {
    const d = turn(
      null,
      {
        analysis: analysis('cancel_order', { language: 'en', slots: { wants: 'cancel_order' } }),
        text: 'please cancel my order',
        recent: RECENT,
      },
      decide,
    );
    expect(buttons(d).slice(0, 2)).toEqual(['CD10001', 'CD10002']);
    expect(buttons(d)).not.toContain('CD10005');
  });

  it('a refund: no refunded, cancelled or unpaid order among the buttons', () => {
    const d = turn(
      null,
      {
        analysis: analysis('refund_request', { slots: { wants: 'refund_only' } }),
        text: '我要退款',
        recent: RECENT,
      },
      decide,
    );
    expect(buttons(d)).toEqual(['CD10020', 'CD10002', 'CD10005', 'CD10006']);
  });

  it('none fits: the newest orders, at most five', () => {
    const d = turn(
      null,
      {
        analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
        text: '碎了',
        recent: [mug, refundedWok, cancelledKettle, ORDERS.paid, order('CD10030', { state: 'unpaid' }), mug],
      },
      decide,
    );
    expect(buttons(d)).toEqual(['CD10001', 'CD10016', 'CD10017', 'CD10002', 'CD10030']);
  });

  it('"not this order" asks again among the orders that fit, without the wrong one', () => {
    const first = turn(
      null,
      {
        analysis: analysis('missing_item', { slots: { problem: 'missing' } }),
        text: '少了一件',
        order: ORDERS.glasses,
      },
      decide,
    );
    const d = turn(
      first.state,
      { analysis: analysis('complaint'), text: '不是这个订单', recent: RECENT },
      decide,
    );
    expect(buttons(d)).toEqual(['CD10006', 'CD10020']);
  });

  it('the need of a case, by what the buyer said', () => {
    expect(orderNeed('damaged', undefined, 'damaged_item')).toBe('received');
    expect(orderNeed('changed_mind', 'return_refund', 'return_request')).toBe('received');
    expect(orderNeed(undefined, 'exchange', 'exchange_request')).toBe('received');
    expect(orderNeed('changed_mind', 'cancel_order', 'cancel_order')).toBe('cancel');
    expect(orderNeed('changed_mind', 'refund_only', 'refund_request')).toBe('refund');
    expect(orderNeed('delivery', undefined, 'delivery_problem')).toBe('delivery');
    expect(orderNeed(undefined, undefined, 'case_status')).toBe('any');
    expect(orderNeed(undefined, undefined, 'provide_info')).toBe('any');
  });

  it('keeps the newest-first order inside each group and stops at five', () => {
    const delivered = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'].map((id) => order(id));
    const offered = ordersToOffer([laptopOnItsWay, ...delivered], 'received');
    expect(offered.map((o) => o.id)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
  });
});

describe('orders the buyer names', () => {
  const order = (id: string, state: Order['state'], name: string): Order => ({
    id,
    buyer_id: 'b',
    state,
    category: 'apparel',
    amount: 100,
    currency: 'CNY',
    ordered_at: '2026-11-01T00:00:00Z',
    items: [{ sku: id, name, quantity: 1, price: 100 }],
  });
  const recent = [
    order('CD1', 'delivered', '妃子笑荔枝 Fresh lychees'),
    order('CD2', 'delivered', '保湿面霜 Moisturising face cream'),
    order('CD3', 'delivered', '直筒牛仔裤 Straight-leg jeans, W30'),
  ];

  it('puts the order whose goods the buyer named first, in either language', () => {
    expect(ordersToOffer(recent, 'received', undefined, 5, '我买的牛仔裤尺码不对')[0]!.id).toBe('CD3');
    expect(ordersToOffer(recent, 'received', undefined, 5, 'the jeans are the wrong size')[0]!.id).toBe(
      'CD3',
    );
    expect(mentionScore(recent[1]!, '面霜用了过敏')).toBeGreaterThan(0);
  });

  it('keeps the newest first when nothing is named', () => {
    expect(ordersToOffer(recent, 'received', undefined, 5, '东西坏了').map((o) => o.id)).toEqual([
      'CD1',
      'CD2',
      'CD3',
    ]);
  });
});

describe('which order, in a conversation', () => {
  it('finds the goods the buyer names behind ten newer orders', async () => {
    const now = new Date('2026-11-20T10:00:00+08:00');
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
    const newer = Array.from({ length: 12 }, (_, i) =>
      order(`CD2${String(i).padStart(2, '0')}`, {
        ordered_at: daysAgo(1 + i * 0.1),
        items: [{ sku: `BOOK-${i}`, name: `图书第${i}册 Book ${i}`, quantity: 1, price: 30 }],
      }),
    );
    const glasses = order('CD100', { ordered_at: daysAgo(6) });
    const buyer = await createTestBot({ orders: [...newer, glasses], now, buyerId: 'buyer:1' });
    try {
      await buyer.say('玻璃杯收到就碎了两个');
      const offered = buyer.lastResult!.replies.flatMap((r) => r.options ?? []).map((o) => o.value);
      expect(offered[0]).toBe('CD100');
    } finally {
      await buyer.stop();
    }
  });
});
