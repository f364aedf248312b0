import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEMO_ORDER_TEMPLATES, DemoShop, ensureDemoBuyer } from '../../src/orders/demo-shop.ts';
import type { Order } from '../../src/orders/types.ts';
import { ORDER_STATES } from '../../src/orders/types.ts';
import { orderSourceContract } from './order-source.contract.ts';

orderSourceContract('demo shop (SQLite)', async (orders) => {
  const db = new Database(':memory:');
  const shop = new DemoShop(db);
  for (const order of orders) shop.upsert(order);
  return { source: shop, close: () => void db.close() };
});

const NOW = new Date('2025-06-10T12:00:00.000Z');
const daysBefore = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

function openShop(): { db: Database.Database; shop: DemoShop } {
  const db = new Database(':memory:');
  return { db, shop: new DemoShop(db, { now: () => NOW }) };
}

async function mustFind(shop: DemoShop, buyerId: string, orderId: string): Promise<Order> {
  const lookup = await shop.find(buyerId, orderId);
  if (lookup.status !== 'found') throw new Error(`${buyerId} cannot see ${orderId}`);
  return lookup.order;
}

describe('the demo shop on its first start', () => {
  it('seeds demo:alice with an order in every state', async () => {
    const { shop } = openShop();
    const orders = await shop.recent('demo:alice', 100);
    expect(orders.map((order) => order.id).sort()).toEqual(
      DEMO_ORDER_TEMPLATES.map((template) => `CD${10000 + template.no}`),
    );
    expect(new Set(orders.map((order) => order.state))).toEqual(new Set(ORDER_STATES));
  });

  it('has everyday goods and every excluded category', async () => {
    const { shop } = openShop();
    const categories = new Set((await shop.recent('demo:alice', 100)).map((order) => order.category));
    for (const category of ['kitchenware', 'apparel', 'shoes', 'electronics', 'books']) {
      expect(categories).toContain(category);
    }
    for (const category of ['large_furniture', 'custom_made', 'fresh_food', 'cosmetics', 'digital_goods']) {
      expect(categories).toContain(category);
    }
  });

  it('has a ¥4,999 sofa delivered 2 days ago and a ¥8,999 laptop on its way', async () => {
    const { shop } = openShop();
    const sofa = await mustFind(shop, 'demo:alice', 'CD10010');
    expect(sofa).toMatchObject({ category: 'large_furniture', amount: 4999, state: 'delivered' });
    expect(sofa.delivered_at).toBe(daysBefore(2));
    const laptop = await mustFind(shop, 'demo:alice', 'CD10004');
    expect(laptop).toMatchObject({ category: 'electronics', amount: 8999, state: 'shipped' });
  });

  it('counts times back from the seeding: delivered 2 days ago, and 20 days ago', async () => {
    const { shop } = openShop();
    expect((await mustFind(shop, 'demo:alice', 'CD10005')).delivered_at).toBe(daysBefore(2));
    expect((await mustFind(shop, 'demo:alice', 'CD10007')).delivered_at).toBe(daysBefore(20));
  });

  it('gives every parcel in transit a tracking number and a status in zh and en', async () => {
    const { shop } = openShop();
    const inTransit = (await shop.recent('demo:alice', 100)).filter((order) => order.state === 'shipped');
    expect(inTransit.length).toBeGreaterThanOrEqual(2);
    for (const order of inTransit) {
      expect(order.tracking_number).toMatch(/^[A-Z]{2}\d{13}$/);
      expect(order.tracking_status?.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(order.tracking_status?.en).toMatch(/[a-z]/);
    }
  });

  it('seeds only once, however often it starts', async () => {
    const { db } = openShop();
    new DemoShop(db, { now: () => new Date('2026-01-01T00:00:00.000Z') });
    new DemoShop(db);
    const count = (table: string) =>
      (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect(count('demo_buyers')).toBe(2);
    expect(count('demo_orders')).toBe(2 * DEMO_ORDER_TEMPLATES.length);
    const shop = new DemoShop(db);
    expect((await mustFind(shop, 'demo:alice', 'CD10005')).delivered_at).toBe(daysBefore(2));
  });

  it('is documented: demo-orders.md lists every seeded order with its state and category', async () => {
    const { shop } = openShop();
    const doc = readFileSync(new URL('../../src/orders/demo-orders.md', import.meta.url), 'utf8');
    const rows = doc
      .split('\n')
      .filter((line) => line.startsWith('| `CD'))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    const documented = rows.map(([, id, state, category]) => [id, state, category]);
    const seeded = (await shop.recent('demo:alice', 100)).map((order) => [
      `\`${order.id}\``,
      order.state,
      order.category,
    ]);
    expect(documented).toEqual(seeded.sort((a, b) => a[0]!.localeCompare(b[0]!)));
  });
});

describe('a new visitor to the demo shop', () => {
  it('gets a personal copy of every demo order on the first question', async () => {
    const { shop } = openShop();
    const mine = await shop.recent('web:alice-3f2a', 100);
    expect(mine).toHaveLength(DEMO_ORDER_TEMPLATES.length);
    expect(new Set(mine.map((order) => order.state))).toEqual(new Set(ORDER_STATES));
    expect(mine.every((order) => order.buyer_id === 'web:alice-3f2a')).toBe(true);
    expect(mine.map((order) => order.id)).toContain('CD10205');
    expect(await shop.find('web:alice-3f2a', 'cd10205')).toMatchObject({ status: 'found' });
  });

  it("cannot see the seeded buyer's orders or another visitor's", async () => {
    const { shop } = openShop();
    expect(await shop.find('web:alice-3f2a', 'CD10005')).toEqual({ status: 'not_found' });
    await shop.find('web:bruno-77aa', 'CD10305');
    expect(await shop.find('web:alice-3f2a', 'CD10305')).toEqual({ status: 'not_found' });
    expect(await shop.find('web:bruno-77aa', 'CD10205')).toEqual({ status: 'not_found' });
    const ids = (buyer: string) => shop.recent(buyer, 100).then((orders) => orders.map((order) => order.id));
    const [alices, brunos] = await Promise.all([ids('web:alice-3f2a'), ids('web:bruno-77aa')]);
    expect(alices.filter((id) => brunos.includes(id))).toEqual([]);
  });

  it('keeps the copy: asking again changes nothing', async () => {
    const { db, shop } = openShop();
    const first = await shop.recent('web:alice-3f2a', 100);
    expect(ensureDemoBuyer(db, 'web:alice-3f2a', new Date())).toBe(false);
    expect(await shop.recent('web:alice-3f2a', 100)).toEqual(first);
  });

  it('skips a block of numbers an upserted order already uses', async () => {
    const { db, shop } = openShop();
    shop.upsert({ ...(await mustFind(shop, 'demo:bob', 'CD10101')), id: 'CD10207', buyer_id: 'shop:carol' });
    expect(ensureDemoBuyer(db, 'web:dan-0001', NOW)).toBe(true);
    expect((await shop.recent('web:dan-0001', 1))[0]?.id).toMatch(/^CD103\d\d$/);
  });
});

describe('the demo follow-up job carrying out remedies', () => {
  it('refunds a paid order and keeps it refunded', async () => {
    const { shop } = openShop();
    const result = await shop.applyRemedy('demo:alice', 'CD10002', 'refund_only');
    expect(result).toMatchObject({ status: 'found', order: { id: 'CD10002', state: 'refunded' } });
    expect(shop.get('CD10002')?.state).toBe('refunded');
  });

  it('cancels an unpaid order, but not a delivered one', async () => {
    const { shop } = openShop();
    expect(await shop.applyRemedy('demo:alice', 'CD10001', 'cancel_order')).toMatchObject({
      order: { state: 'cancelled' },
    });
    const before = shop.get('CD10005');
    expect(await shop.applyRemedy('demo:alice', 'CD10005', 'cancel_order')).toEqual({
      status: 'found',
      order: before,
    });
  });

  it('sends a broken glass set again: shipped, new tracking number, no longer delivered', async () => {
    const { shop } = openShop();
    const before = await mustFind(shop, 'demo:alice', 'CD10005');
    const result = await shop.applyRemedy('demo:alice', 'CD10005', 'reship');
    if (result.status !== 'found') throw new Error('expected the order');
    expect(result.order.state).toBe('shipped');
    expect(result.order.shipped_at).toBe(NOW.toISOString());
    expect(result.order.delivered_at).toBeUndefined();
    expect(result.order.tracking_number).not.toBe(before.tracking_number);
    expect(result.order.tracking_status?.en).toMatch(/replacement/);
  });

  it("will not touch another buyer's order", async () => {
    const { shop } = openShop();
    expect(await shop.applyRemedy('demo:bob', 'CD10002', 'refund_only')).toEqual({ status: 'not_found' });
    expect(shop.get('CD10002')?.state).toBe('paid');
  });
});
