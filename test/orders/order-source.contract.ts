import { describe, expect, it } from 'vitest';
import type { Order, OrderSource } from '../../src/orders/types.ts';

/** What a contract run needs: a source holding exactly the given orders, and a way to close it. */
export type OpenOrderSource = (
  orders: Order[],
) => Promise<{ source: OrderSource; close?: () => Promise<void> | void }>;

const ANN = 'web:ann-1a2b';
const BEN = 'telegram:777';

/** Ann's orders, deliberately not in time order, plus one of Ben's. */
export const CONTRACT_ORDERS: Order[] = [
  {
    id: 'CD90001',
    buyer_id: ANN,
    state: 'delivered',
    category: 'kitchenware',
    amount: 59.9,
    currency: 'CNY',
    ordered_at: '2025-03-01T08:00:00.000Z',
    shipped_at: '2025-03-02T08:00:00.000Z',
    delivered_at: '2025-03-04T08:00:00.000Z',
    tracking_number: 'SF1234567890123',
    tracking_status: { zh: '已签收', en: 'Delivered' },
    items: [{ sku: 'MUG-1', name: '马克杯 Mug', quantity: 1, price: 59.9 }],
  },
  {
    id: 'CD90002',
    buyer_id: ANN,
    state: 'paid',
    category: 'apparel',
    amount: 318,
    currency: 'CNY',
    ordered_at: '2025-03-09T08:00:00.000Z',
    items: [{ sku: 'TEE-M', name: 'T恤 T-shirt, size M', quantity: 2, price: 159 }],
  },
  {
    id: 'CD90003',
    buyer_id: ANN,
    state: 'shipped',
    category: 'books',
    amount: 48,
    currency: 'CNY',
    ordered_at: '2025-03-05T08:00:00.000Z',
    shipped_at: '2025-03-06T08:00:00.000Z',
    tracking_number: 'YT9876543210987',
    tracking_status: { zh: '运输中', en: 'In transit' },
    items: [{ sku: 'BOOK-1', name: '书 Book', quantity: 1, price: 48 }],
  },
  {
    id: 'CD90004',
    buyer_id: ANN,
    state: 'cancelled',
    category: 'shoes',
    amount: 399,
    currency: 'CNY',
    ordered_at: '2025-02-20T08:00:00.000Z',
    items: [{ sku: 'SHOE-42', name: '跑鞋 Running shoes, EU 42', quantity: 1, price: 399 }],
  },
  {
    id: 'CD90005',
    buyer_id: BEN,
    state: 'delivered',
    category: 'large_furniture',
    amount: 4999,
    currency: 'CNY',
    ordered_at: '2025-03-10T08:00:00.000Z',
    delivered_at: '2025-03-15T08:00:00.000Z',
    items: [{ sku: 'SOFA-3', name: '沙发 Sofa', quantity: 1, price: 4999 }],
  },
];

function fixture(id: string): Order {
  const order = CONTRACT_ORDERS.find((candidate) => candidate.id === id);
  if (!order) throw new Error(`no contract order ${id}`);
  return order;
}

/** The OrderSource contract; every implementation runs it unchanged. */
export function orderSourceContract(name: string, open: OpenOrderSource): void {
  describe(`OrderSource contract: ${name}`, () => {
    async function withSource(run: (source: OrderSource) => Promise<void>): Promise<void> {
      const { source, close } = await open(structuredClone(CONTRACT_ORDERS));
      try {
        await run(source);
      } finally {
        await close?.();
      }
    }

    it('finds the order Ann asks about, with every field', async () => {
      await withSource(async (source) => {
        expect(await source.find(ANN, 'CD90001')).toStrictEqual({
          status: 'found',
          order: fixture('CD90001'),
        });
        expect(await source.find(ANN, 'CD90002')).toStrictEqual({
          status: 'found',
          order: fixture('CD90002'),
        });
      });
    });

    it('answers not_found for an order number nobody has', async () => {
      await withSource(async (source) => {
        expect(await source.find(ANN, 'CD99999')).toStrictEqual({ status: 'not_found' });
        expect(await source.find(ANN, '')).toStrictEqual({ status: 'not_found' });
      });
    });

    it("gives Ben the same answer for Ann's order as for an unknown one", async () => {
      await withSource(async (source) => {
        const foreign = await source.find(BEN, 'CD90001');
        const unknown = await source.find(BEN, 'CD99999');
        expect(foreign).toStrictEqual({ status: 'not_found' });
        expect(foreign).toStrictEqual(unknown);
        expect(await source.find(ANN, 'CD90005')).toStrictEqual({ status: 'not_found' });
      });
    });

    it('finds the order however the buyer types the number', async () => {
      await withSource(async (source) => {
        for (const typed of ['cd90001', 'CD 90001', 'ＣＤ９０００１', ' #Cd９0001 ', 'CD\u300090001']) {
          const lookup = await source.find(ANN, typed);
          expect(lookup.status === 'found' && lookup.order.id, typed).toBe('CD90001');
        }
      });
    });

    it("lists Ann's recent orders newest first, and only hers", async () => {
      await withSource(async (source) => {
        const recent = await source.recent(ANN, 10);
        expect(recent.map((order) => order.id)).toEqual(['CD90002', 'CD90003', 'CD90001', 'CD90004']);
        expect(recent[2]).toStrictEqual(fixture('CD90001'));
        expect((await source.recent(BEN, 10)).map((order) => order.id)).toEqual(['CD90005']);
      });
    });

    it('keeps to the limit it is given', async () => {
      await withSource(async (source) => {
        expect((await source.recent(ANN, 2)).map((order) => order.id)).toEqual(['CD90002', 'CD90003']);
        expect(await source.recent(ANN, 0)).toEqual([]);
      });
    });

    it('hands out copies: changing an answer changes nothing stored', async () => {
      await withSource(async (source) => {
        const first = await source.find(ANN, 'CD90002');
        if (first.status !== 'found') throw new Error('expected CD90002');
        first.order.state = 'refunded';
        first.order.items[0]!.quantity = 99;
        expect(await source.find(ANN, 'CD90002')).toStrictEqual({
          status: 'found',
          order: fixture('CD90002'),
        });
      });
    });
  });
}
