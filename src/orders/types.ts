/**
 * Orders as the dialogue sees them. The field names follow DESIGN.md's replay contract
 * (`{id, state, category, amount, currency, ordered_at, shipped_at?, delivered_at?, items}`).
 */
export const ORDER_STATES = ['unpaid', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  /** Unit price in the order's currency. */
  price: number;
}

export interface Order {
  id: string;
  /** The buyer who owns the order; a buyer only ever sees their own. */
  buyer_id: string;
  state: OrderState;
  /** Product category, matched against the policy's excluded categories (e.g. large_furniture). */
  category: string;
  amount: number;
  currency: string;
  ordered_at: string;
  shipped_at?: string;
  delivered_at?: string;
  tracking_number?: string;
  /** Latest carrier status for parcels in transit, in zh and en. */
  tracking_status?: { zh: string; en: string };
  items: OrderItem[];
}

/** What the order source answered; "not_found" is the same for unknown and foreign orders. */
export type OrderLookup = { status: 'found'; order: Order } | { status: 'not_found' };

/**
 * The OrderSource port: the demo shop (SQLite), an HTTP order API, or an in-memory list for tests.
 * Every method is scoped to one buyer: a buyer can never read another buyer's order.
 */
export interface OrderSource {
  find(buyerId: string, orderId: string): Promise<OrderLookup>;
  recent(buyerId: string, limit: number): Promise<Order[]>;
}
