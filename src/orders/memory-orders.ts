import { normalizeOrderId } from './order-id.ts';
import type { Order, OrderLookup, OrderSource } from './types.ts';

/**
 * The reference OrderSource: orders held in memory. Used by tests and by `calmdesk replay`, where
 * the orders come inline. Every answer is a copy, so callers can never change the stored orders.
 */
export class MemoryOrderSource implements OrderSource {
  readonly #orders = new Map<string, Order>();

  constructor(orders: Order[] = []) {
    for (const order of orders) this.upsert(order);
  }

  /** Adds the order, or replaces the one with the same (normalised) id. */
  upsert(order: Order): void {
    this.#orders.set(normalizeOrderId(order.id), structuredClone(order));
  }

  async find(buyerId: string, orderId: string): Promise<OrderLookup> {
    const order = this.#orders.get(normalizeOrderId(orderId));
    // Another buyer's order gets the same answer as an unknown id: nothing leaks.
    if (!order || order.buyer_id !== buyerId) return { status: 'not_found' };
    return { status: 'found', order: structuredClone(order) };
  }

  async recent(buyerId: string, limit: number): Promise<Order[]> {
    return newestFirst([...this.#orders.values()].filter((order) => order.buyer_id === buyerId))
      .slice(0, Math.max(0, Math.floor(limit)))
      .map((order) => structuredClone(order));
  }
}

/** Newest order first; ties broken by id (descending) so the order is always the same. */
export function newestFirst(orders: Order[]): Order[] {
  return [...orders].sort(
    (a, b) => Date.parse(b.ordered_at) - Date.parse(a.ordered_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
}
