import type Database from 'better-sqlite3';
import { CalmdeskError } from '../core/errors.ts';
import type { Remedy } from '../nlu/types.ts';
import { normalizeOrderId } from './order-id.ts';
import { OrderSchema } from './order-schema.ts';
import type { Order, OrderItem, OrderLookup, OrderSource, OrderState } from './types.ts';

/**
 * One order of the demo set. Every demo buyer gets a personal copy of each, with times computed
 * back from the moment the copy is made, so "delivered 2 days ago" stays true for a new visitor.
 */
export interface DemoOrderTemplate {
  /** Last two digits of the order id: `CD100NN` for the first seeded buyer, `CDbbbNN` for later ones. */
  no: number;
  state: OrderState;
  category: string;
  ordered_hours_ago: number;
  shipped_hours_ago?: number;
  delivered_hours_ago?: number;
  /** Carrier prefix of the tracking number (SF 顺丰, YT 圆通, JD 京东, DB 德邦 freight). */
  carrier?: 'SF' | 'YT' | 'JD' | 'DB';
  tracking_status?: { zh: string; en: string };
  items: OrderItem[];
  /** What the order is there to try, for the demo-orders table. */
  try: string;
}

const DELIVERED = { zh: '已签收，签收人：本人', en: 'Delivered, signed for by the buyer' };
const DAY = 24;

/** The demo set, in id order. src/orders/demo-orders.md documents it; a test keeps the two in step. */
export const DEMO_ORDER_TEMPLATES: readonly DemoOrderTemplate[] = [
  {
    no: 1,
    state: 'unpaid',
    category: 'kitchenware',
    ordered_hours_ago: 2,
    items: [{ sku: 'KW-MUG-WHT', name: '白瓷马克杯 White porcelain mug', quantity: 2, price: 39 }],
    try: 'cancel before paying',
  },
  {
    no: 2,
    state: 'paid',
    category: 'apparel',
    ordered_hours_ago: 20,
    items: [{ sku: 'AP-LINEN-M', name: '亚麻衬衫 Linen shirt, size M', quantity: 1, price: 159 }],
    try: 'not shipped yet: refund at once, or change the size',
  },
  {
    no: 3,
    state: 'shipped',
    category: 'shoes',
    ordered_hours_ago: 3 * DAY,
    shipped_hours_ago: 2 * DAY,
    carrier: 'SF',
    tracking_status: {
      zh: '快件已到达【杭州转运中心】，正发往【上海】',
      en: 'Arrived at the Hangzhou sorting centre, on its way to Shanghai',
    },
    items: [{ sku: 'SH-RUN-42', name: '跑步鞋 Running shoes, EU 42', quantity: 1, price: 399 }],
    try: 'in transit: where is my parcel, intercept',
  },
  {
    no: 4,
    state: 'shipped',
    category: 'electronics',
    ordered_hours_ago: 44,
    shipped_hours_ago: 30,
    carrier: 'JD',
    tracking_status: { zh: '运输中，预计明天送达', en: 'In transit, expected tomorrow' },
    items: [{ sku: 'EL-LAPTOP-14', name: '14英寸轻薄笔记本电脑 14-inch laptop', quantity: 1, price: 8999 }],
    try: 'high value in transit: cancel or intercept',
  },
  {
    no: 5,
    state: 'delivered',
    category: 'kitchenware',
    ordered_hours_ago: 5 * DAY,
    shipped_hours_ago: 4 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'YT',
    tracking_status: DELIVERED,
    items: [{ sku: 'KW-GLASS-6', name: '玻璃杯六只装 Glass tumblers, set of 6', quantity: 1, price: 89 }],
    try: 'arrived broken 2 days ago: photo, reship or refund',
  },
  {
    no: 6,
    state: 'delivered',
    category: 'apparel',
    ordered_hours_ago: 118,
    shipped_hours_ago: 4 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'YT',
    tracking_status: DELIVERED,
    items: [{ sku: 'AP-JEANS-W30', name: '直筒牛仔裤 Straight-leg jeans, W30', quantity: 1, price: 229 }],
    try: 'wrong size or changed mind within 7 days: exchange, return',
  },
  {
    no: 7,
    state: 'delivered',
    category: 'shoes',
    ordered_hours_ago: 600,
    shipped_hours_ago: 23 * DAY,
    delivered_hours_ago: 20 * DAY,
    carrier: 'SF',
    tracking_status: DELIVERED,
    items: [{ sku: 'SH-CANVAS-39', name: '帆布鞋 Canvas sneakers, EU 39', quantity: 1, price: 189 }],
    try: 'delivered 20 days ago: past the 7-day no-reason return',
  },
  {
    no: 8,
    state: 'delivered',
    category: 'electronics',
    ordered_hours_ago: 610,
    shipped_hours_ago: 24 * DAY,
    delivered_hours_ago: 20 * DAY,
    carrier: 'JD',
    tracking_status: DELIVERED,
    items: [{ sku: 'EL-EARBUDS', name: '蓝牙耳机 Bluetooth earbuds', quantity: 1, price: 299 }],
    try: 'stopped working after 20 days: quality problem',
  },
  {
    no: 9,
    state: 'delivered',
    category: 'books',
    ordered_hours_ago: 116,
    shipped_hours_ago: 4 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'YT',
    tracking_status: DELIVERED,
    items: [
      { sku: 'BK-PRINCE-HC', name: '《小王子》精装 The Little Prince, hardcover', quantity: 1, price: 48 },
      { sku: 'BK-NOTEBOOK', name: '笔记本 Notebook', quantity: 2, price: 12 },
    ],
    try: 'an item missing from a two-item parcel',
  },
  {
    no: 10,
    state: 'delivered',
    category: 'large_furniture',
    ordered_hours_ago: 10 * DAY,
    shipped_hours_ago: 7 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'DB',
    tracking_status: DELIVERED,
    items: [{ sku: 'LF-SOFA-3', name: '三人布艺沙发 Three-seat fabric sofa', quantity: 1, price: 4999 }],
    try: 'high value, excluded from no-reason return; damaged on arrival',
  },
  {
    no: 11,
    state: 'delivered',
    category: 'custom_made',
    ordered_hours_ago: 14 * DAY,
    shipped_hours_ago: 4 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'SF',
    tracking_status: DELIVERED,
    items: [
      { sku: 'CM-FRAME-ENGR', name: '定制刻字木质相框 Engraved wooden photo frame', quantity: 1, price: 128 },
    ],
    try: 'custom-made: no no-reason return; engraving wrong',
  },
  {
    no: 12,
    state: 'delivered',
    category: 'fresh_food',
    ordered_hours_ago: 50,
    shipped_hours_ago: 46,
    delivered_hours_ago: 26,
    carrier: 'SF',
    tracking_status: DELIVERED,
    items: [{ sku: 'FF-LYCHEE-2.5KG', name: '妃子笑荔枝 Fresh lychees, 2.5 kg', quantity: 1, price: 139 }],
    try: 'fresh food arrived spoiled yesterday',
  },
  {
    no: 13,
    state: 'delivered',
    category: 'cosmetics',
    ordered_hours_ago: 100,
    shipped_hours_ago: 3 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'YT',
    tracking_status: DELIVERED,
    items: [{ sku: 'CO-CREAM-50', name: '保湿面霜 Moisturising face cream, 50 ml', quantity: 1, price: 329 }],
    try: 'opened cosmetics: excluded; allergy goes to a human',
  },
  {
    no: 14,
    state: 'delivered',
    category: 'digital_goods',
    ordered_hours_ago: 74,
    delivered_hours_ago: 74,
    items: [{ sku: 'DG-EBOOK-CODE', name: '电子书兑换码 E-book gift code', quantity: 1, price: 30 }],
    try: 'digital goods: code already delivered, not returnable',
  },
  {
    no: 15,
    state: 'cancelled',
    category: 'apparel',
    ordered_hours_ago: 150,
    items: [{ sku: 'AP-DRESS-S', name: '针织连衣裙 Knit dress, size S', quantity: 1, price: 269 }],
    try: 'already cancelled',
  },
  {
    no: 16,
    state: 'refunded',
    category: 'kitchenware',
    ordered_hours_ago: 300,
    shipped_hours_ago: 11 * DAY,
    delivered_hours_ago: 9 * DAY,
    carrier: 'JD',
    tracking_status: DELIVERED,
    items: [{ sku: 'KW-WOK-28', name: '不粘炒锅 Non-stick wok, 28 cm', quantity: 1, price: 199 }],
    try: 'already refunded: where is my money',
  },
  {
    no: 17,
    state: 'shipped',
    category: 'books',
    ordered_hours_ago: 52,
    shipped_hours_ago: 40,
    carrier: 'YT',
    tracking_status: { zh: '派送中，快递员正在为您派件', en: 'Out for delivery with the courier' },
    items: [
      { sku: 'BK-3BODY-SET', name: '《三体》全三册 The Three-Body Problem trilogy', quantity: 1, price: 93 },
    ],
    try: 'out for delivery today: please wait',
  },
  {
    no: 18,
    state: 'delivered',
    category: 'apparel',
    ordered_hours_ago: 650,
    shipped_hours_ago: 25 * DAY,
    delivered_hours_ago: 20 * DAY,
    carrier: 'SF',
    tracking_status: DELIVERED,
    items: [{ sku: 'AP-COAT-WOOL-L', name: '羊毛大衣 Wool coat, size L', quantity: 1, price: 599 }],
    try: 'changed mind after 20 days: outside the 7-day window',
  },
];

/** Buyers created on the first start; `demo:alice` owns CD10001–CD10018, `demo:bob` CD10101–CD10118. */
export const DEMO_SEED_BUYERS = ['demo:alice', 'demo:bob'] as const;
const FIRST_BLOCK = 100;

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS demo_buyers (
  buyer_id TEXT PRIMARY KEY,
  -- The block of order numbers the buyer's demo copies use; NULL for buyers whose orders were upserted.
  block INTEGER UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS demo_orders (
  id TEXT PRIMARY KEY,
  buyer_id TEXT NOT NULL REFERENCES demo_buyers (buyer_id),
  state TEXT NOT NULL CHECK (state IN ('unpaid', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
  category TEXT NOT NULL,
  amount REAL NOT NULL,
  currency TEXT NOT NULL,
  ordered_at TEXT NOT NULL,
  shipped_at TEXT,
  delivered_at TEXT,
  tracking_number TEXT,
  tracking_status_zh TEXT,
  tracking_status_en TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS demo_orders_by_buyer ON demo_orders (buyer_id, ordered_at DESC);
CREATE TABLE IF NOT EXISTS demo_order_items (
  order_id TEXT NOT NULL REFERENCES demo_orders (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  sku TEXT NOT NULL,
  name TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  price REAL NOT NULL,
  PRIMARY KEY (order_id, position)
);
`;

interface OrderRow {
  id: string;
  buyer_id: string;
  state: string;
  category: string;
  amount: number;
  currency: string;
  ordered_at: string;
  shipped_at: string | null;
  delivered_at: string | null;
  tracking_number: string | null;
  tracking_status_zh: string | null;
  tracking_status_en: string | null;
}

/** Creates the demo shop's tables if missing. */
export function createDemoShopTables(db: Database.Database): void {
  db.exec(SCHEMA_SQL);
}

/** The demo copy of one template for the buyer owning `block`, with times counted back from `now`. */
export function demoOrderFromTemplate(
  template: DemoOrderTemplate,
  buyerId: string,
  block: number,
  now: Date,
): Order {
  const orderNumber = block * 100 + template.no;
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();
  const order: Order = {
    id: `CD${orderNumber}`,
    buyer_id: buyerId,
    state: template.state,
    category: template.category,
    amount: template.items.reduce((sum, item) => sum + item.price * item.quantity, 0),
    currency: 'CNY',
    ordered_at: hoursAgo(template.ordered_hours_ago),
    items: template.items.map((item) => ({ ...item })),
  };
  if (template.shipped_hours_ago !== undefined) order.shipped_at = hoursAgo(template.shipped_hours_ago);
  if (template.delivered_hours_ago !== undefined) order.delivered_at = hoursAgo(template.delivered_hours_ago);
  if (template.carrier) order.tracking_number = `${template.carrier}${3_100_000_000_000 + orderNumber}`;
  if (template.tracking_status) order.tracking_status = { ...template.tracking_status };
  return order;
}

/**
 * Gives a buyer seen for the first time a personal copy of the demo set, under a block of order
 * numbers of their own (`CD` + block + two digits), so every web-chat visitor has orders in every
 * state and nobody sees anyone else's. Returns true when the copies were made now, false when the
 * buyer already existed. The tables must exist (see {@link createDemoShopTables}).
 */
export function ensureDemoBuyer(db: Database.Database, buyerId: string, now: Date): boolean {
  const known = db.prepare('SELECT 1 FROM demo_buyers WHERE buyer_id = ?').get(buyerId);
  if (known) return false;
  // IMMEDIATE: two processes sharing the database file must not allocate the same block.
  return db
    .transaction(() => {
      if (db.prepare('SELECT 1 FROM demo_buyers WHERE buyer_id = ?').get(buyerId)) return false;
      const row = db.prepare('SELECT MAX(block) AS block FROM demo_buyers').get() as { block: number | null };
      let block = Math.max(FIRST_BLOCK, (row.block ?? FIRST_BLOCK - 1) + 1);
      // An upserted order may already use an id of the next block; skip such blocks.
      while (blockIsTaken(db, block)) block += 1;
      db.prepare('INSERT INTO demo_buyers (buyer_id, block, created_at) VALUES (?, ?, ?)').run(
        buyerId,
        block,
        now.toISOString(),
      );
      for (const template of DEMO_ORDER_TEMPLATES) {
        writeOrder(db, demoOrderFromTemplate(template, buyerId, block, now), now);
      }
      return true;
    })
    .immediate();
}

function blockIsTaken(db: Database.Database, block: number): boolean {
  const ids = DEMO_ORDER_TEMPLATES.map((template) => `CD${block * 100 + template.no}`);
  const taken = db
    .prepare(`SELECT 1 FROM demo_orders WHERE id IN (${ids.map(() => '?').join(', ')}) LIMIT 1`)
    .get(...ids);
  return taken !== undefined;
}

function writeOrder(db: Database.Database, order: Order, now: Date): void {
  // Inside another transaction this becomes a savepoint, so callers can compose it.
  db.transaction(() => writeOrderRows(db, order, now))();
}

function writeOrderRows(db: Database.Database, order: Order, now: Date): void {
  db.prepare(
    `INSERT INTO demo_orders (id, buyer_id, state, category, amount, currency, ordered_at, shipped_at,
       delivered_at, tracking_number, tracking_status_zh, tracking_status_en, updated_at)
     VALUES (@id, @buyer_id, @state, @category, @amount, @currency, @ordered_at, @shipped_at,
       @delivered_at, @tracking_number, @tracking_status_zh, @tracking_status_en, @updated_at)
     ON CONFLICT (id) DO UPDATE SET buyer_id = excluded.buyer_id, state = excluded.state,
       category = excluded.category, amount = excluded.amount, currency = excluded.currency,
       ordered_at = excluded.ordered_at, shipped_at = excluded.shipped_at,
       delivered_at = excluded.delivered_at, tracking_number = excluded.tracking_number,
       tracking_status_zh = excluded.tracking_status_zh, tracking_status_en = excluded.tracking_status_en,
       updated_at = excluded.updated_at`,
  ).run({
    id: order.id,
    buyer_id: order.buyer_id,
    state: order.state,
    category: order.category,
    amount: order.amount,
    currency: order.currency,
    // UTC ISO strings sort as text, which recent() relies on.
    ordered_at: utc(order.ordered_at),
    shipped_at: order.shipped_at === undefined ? null : utc(order.shipped_at),
    delivered_at: order.delivered_at === undefined ? null : utc(order.delivered_at),
    tracking_number: order.tracking_number ?? null,
    tracking_status_zh: order.tracking_status?.zh ?? null,
    tracking_status_en: order.tracking_status?.en ?? null,
    updated_at: now.toISOString(),
  });
  db.prepare('DELETE FROM demo_order_items WHERE order_id = ?').run(order.id);
  const insertItem = db.prepare(
    'INSERT INTO demo_order_items (order_id, position, sku, name, quantity, price) VALUES (?, ?, ?, ?, ?, ?)',
  );
  order.items.forEach((item, position) => {
    insertItem.run(order.id, position, item.sku, item.name, item.quantity, item.price);
  });
}

function utc(time: string): string {
  return new Date(time).toISOString();
}

/**
 * The demo shop: orders kept in calmdesk's own SQLite database (tables `demo_buyers`, `demo_orders`,
 * `demo_order_items`), seeded on the first start with {@link DEMO_SEED_BUYERS}. Any other buyer gets
 * a personal copy of the demo set on their first `find()` or `recent()` (see {@link ensureDemoBuyer}).
 */
export class DemoShop implements OrderSource {
  readonly #db: Database.Database;
  readonly #now: () => Date;

  constructor(db: Database.Database, options: { now?: () => Date } = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
    createDemoShopTables(db);
    const seeded = db.prepare('SELECT 1 FROM demo_buyers LIMIT 1').get();
    if (!seeded) {
      const now = this.#now();
      for (const buyerId of DEMO_SEED_BUYERS) ensureDemoBuyer(db, buyerId, now);
    }
  }

  async find(buyerId: string, orderId: string): Promise<OrderLookup> {
    ensureDemoBuyer(this.#db, buyerId, this.#now());
    const order = this.get(orderId);
    // Another buyer's order gets the same answer as an unknown id: nothing leaks.
    if (!order || order.buyer_id !== buyerId) return { status: 'not_found' };
    return { status: 'found', order };
  }

  async recent(buyerId: string, limit: number): Promise<Order[]> {
    ensureDemoBuyer(this.#db, buyerId, this.#now());
    const rows = this.#db
      .prepare('SELECT * FROM demo_orders WHERE buyer_id = ? ORDER BY ordered_at DESC, id DESC LIMIT ?')
      .all(buyerId, Math.max(0, Math.floor(limit))) as OrderRow[];
    return rows.map((row) => this.#toOrder(row));
  }

  /** Any buyer's order by id, for calmdesk's own jobs; never answer a buyer with it. */
  get(orderId: string): Order | null {
    const row = this.#db.prepare('SELECT * FROM demo_orders WHERE id = ?').get(normalizeOrderId(orderId)) as
      | OrderRow
      | undefined;
    return row ? this.#toOrder(row) : null;
  }

  /**
   * Adds or replaces an order (id normalised, times stored in UTC). Its buyer is recorded as known,
   * so a buyer whose orders come this way is never given demo copies.
   */
  upsert(order: Order): void {
    const now = this.#now();
    this.#db
      .transaction(() => {
        this.#db
          .prepare('INSERT OR IGNORE INTO demo_buyers (buyer_id, block, created_at) VALUES (?, NULL, ?)')
          .run(order.buyer_id, now.toISOString());
        writeOrder(this.#db, { ...order, id: normalizeOrderId(order.id) }, now);
      })
      .immediate();
  }

  /**
   * Carries out a remedy the buyer accepted, as the demo's follow-up job does, and returns the order
   * as it is afterwards. A remedy that does not fit the order's state leaves it unchanged:
   * - `refund_only`, `return_refund`: paid, shipped or delivered → refunded; unpaid → cancelled
   * - `cancel_order`: unpaid or paid → cancelled
   * - `intercept`: shipped → refunded, the parcel on its way back
   * - `reship`, `exchange`: shipped or delivered → shipped again with a new tracking number
   * - `partial_refund`, `coupon`: the buyer keeps the goods; the order does not change
   */
  async applyRemedy(buyerId: string, orderId: string, remedy: Remedy): Promise<OrderLookup> {
    const lookup = await this.find(buyerId, orderId);
    if (lookup.status === 'not_found') return lookup;
    const now = this.#now();
    const updated = orderAfterRemedy(lookup.order, remedy, now);
    if (updated !== lookup.order) writeOrder(this.#db, updated, now);
    return { status: 'found', order: this.get(updated.id) ?? updated };
  }

  #toOrder(row: OrderRow): Order {
    const items = this.#db
      .prepare('SELECT sku, name, quantity, price FROM demo_order_items WHERE order_id = ? ORDER BY position')
      .all(row.id);
    const parsed = OrderSchema.safeParse({
      id: row.id,
      buyer_id: row.buyer_id,
      state: row.state,
      category: row.category,
      amount: row.amount,
      currency: row.currency,
      ordered_at: row.ordered_at,
      ...(row.shipped_at === null ? {} : { shipped_at: row.shipped_at }),
      ...(row.delivered_at === null ? {} : { delivered_at: row.delivered_at }),
      ...(row.tracking_number === null ? {} : { tracking_number: row.tracking_number }),
      ...(row.tracking_status_zh === null || row.tracking_status_en === null
        ? {}
        : { tracking_status: { zh: row.tracking_status_zh, en: row.tracking_status_en } }),
      items,
    });
    if (!parsed.success) {
      // No closer code exists for "a row does not match this version's schema".
      throw new CalmdeskError(
        'CALMDESK_MIGRATION_FAILED',
        `demo order ${row.id} is malformed: ${parsed.error.message}`,
      );
    }
    return parsed.data;
  }
}

/** The order after a remedy (see {@link DemoShop.applyRemedy}); the same object when nothing changes. */
export function orderAfterRemedy(order: Order, remedy: Remedy, now: Date): Order {
  const at = now.toISOString();
  const { state } = order;
  switch (remedy) {
    case 'refund_only':
    case 'return_refund':
      if (state === 'unpaid') return { ...order, state: 'cancelled' };
      if (state === 'paid' || state === 'shipped' || state === 'delivered')
        return { ...order, state: 'refunded' };
      return order;
    case 'cancel_order':
      return state === 'unpaid' || state === 'paid' ? { ...order, state: 'cancelled' } : order;
    case 'intercept':
      if (state !== 'shipped') return order;
      return {
        ...order,
        state: 'refunded',
        tracking_status: {
          zh: '快件已拦截，正在退回商家',
          en: 'Intercepted; the parcel is on its way back to the shop',
        },
      };
    case 'reship':
    case 'exchange': {
      if (state !== 'shipped' && state !== 'delivered') return order;
      const { delivered_at: _deliveredAt, ...undelivered } = order;
      return {
        ...undelivered,
        state: 'shipped',
        shipped_at: at,
        tracking_number: `SF${now.getTime()}`,
        tracking_status:
          remedy === 'reship'
            ? {
                zh: '补发的包裹已交给快递，等待揽收',
                en: 'The replacement parcel is with the carrier, awaiting pickup',
              }
            : {
                zh: '换货包裹已交给快递，等待揽收',
                en: 'The exchange parcel is with the carrier, awaiting pickup',
              },
      };
    }
    case 'partial_refund':
    case 'coupon':
      return order;
  }
}
