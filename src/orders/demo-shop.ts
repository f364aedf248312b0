import type Database from 'better-sqlite3';
import { CalmdeskError } from '../core/errors.ts';
import type { Remedy } from '../nlu/types.ts';
import { DEMO_ORDER_TEMPLATES, type DemoOrderTemplate } from './demo-orders-data.ts';
import { normalizeOrderId } from './order-id.ts';
import { OrderSchema } from './order-schema.ts';
import { orderAfterRemedy } from './remedy-effects.ts';
import type { Order, OrderLookup, OrderSource } from './types.ts';

// Kept importable from here: callers and tests know the demo shop as one module.
export { DEMO_ORDER_TEMPLATES, type DemoOrderTemplate } from './demo-orders-data.ts';
export { orderAfterRemedy } from './remedy-effects.ts';

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

/** An item as stored, in its order's position. */
interface ItemRow {
  sku: string;
  name: string;
  quantity: number;
  price: number;
}

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
  /** Buyers known to have their orders; a buyer is never forgotten, so this only saves a query a turn. */
  readonly #known = new Set<string>();
  // Prepared once: every buyer turn reads the recent orders, and preparing is most of a small query.
  readonly #recent: Database.Statement;
  readonly #recentItems: Database.Statement;
  readonly #byId: Database.Statement;
  readonly #itemsOf: Database.Statement;

  constructor(db: Database.Database, options: { now?: () => Date } = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
    createDemoShopTables(db);
    this.#recent = db.prepare(
      'SELECT * FROM demo_orders WHERE buyer_id = ? ORDER BY ordered_at DESC, id DESC LIMIT ?',
    );
    // The items of those orders in one query, not one query an order.
    this.#recentItems = db.prepare(
      `SELECT order_id, sku, name, quantity, price FROM demo_order_items WHERE order_id IN (
         SELECT id FROM demo_orders WHERE buyer_id = ? ORDER BY ordered_at DESC, id DESC LIMIT ?)
       ORDER BY order_id, position`,
    );
    this.#byId = db.prepare('SELECT * FROM demo_orders WHERE id = ?');
    this.#itemsOf = db.prepare(
      'SELECT sku, name, quantity, price FROM demo_order_items WHERE order_id = ? ORDER BY position',
    );
    const seeded = db.prepare('SELECT 1 FROM demo_buyers LIMIT 1').get();
    if (!seeded) {
      const now = this.#now();
      for (const buyerId of DEMO_SEED_BUYERS) ensureDemoBuyer(db, buyerId, now);
    }
  }

  async find(buyerId: string, orderId: string): Promise<OrderLookup> {
    this.#ensure(buyerId);
    const order = this.get(orderId);
    // Another buyer's order gets the same answer as an unknown id: nothing leaks.
    if (!order || order.buyer_id !== buyerId) return { status: 'not_found' };
    return { status: 'found', order };
  }

  async recent(buyerId: string, limit: number): Promise<Order[]> {
    this.#ensure(buyerId);
    const count = Math.max(0, Math.floor(limit));
    const rows = this.#recent.all(buyerId, count) as OrderRow[];
    const items = new Map<string, ItemRow[]>();
    for (const item of this.#recentItems.all(buyerId, count) as (ItemRow & { order_id: string })[]) {
      const { order_id, ...rest } = item;
      const list = items.get(order_id) ?? [];
      list.push(rest);
      items.set(order_id, list);
    }
    return rows.map((row) => this.#toOrder(row, items.get(row.id) ?? []));
  }

  /** Any buyer's order by id, for calmdesk's own jobs; never answer a buyer with it. */
  get(orderId: string): Order | null {
    const row = this.#byId.get(normalizeOrderId(orderId)) as OrderRow | undefined;
    return row ? this.#toOrder(row, this.#itemsOf.all(row.id) as ItemRow[]) : null;
  }

  #ensure(buyerId: string): void {
    if (this.#known.has(buyerId)) return;
    ensureDemoBuyer(this.#db, buyerId, this.#now());
    this.#known.add(buyerId);
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
   * as it is afterwards; see {@link orderAfterRemedy} for what each remedy does to each state.
   */
  async applyRemedy(buyerId: string, orderId: string, remedy: Remedy): Promise<OrderLookup> {
    const lookup = await this.find(buyerId, orderId);
    if (lookup.status === 'not_found') return lookup;
    const now = this.#now();
    const updated = orderAfterRemedy(lookup.order, remedy, now);
    if (updated !== lookup.order) writeOrder(this.#db, updated, now);
    return { status: 'found', order: this.get(updated.id) ?? updated };
  }

  #toOrder(row: OrderRow, items: ItemRow[]): Order {
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
