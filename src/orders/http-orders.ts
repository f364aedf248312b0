import { z } from 'zod';
import { CalmdeskError } from '../core/errors.ts';
import { newestFirst } from './memory-orders.ts';
import { normalizeOrderId } from './order-id.ts';
import { OrderSchema } from './order-schema.ts';
import type { Order, OrderLookup, OrderSource } from './types.ts';

export { OrderSchema } from './order-schema.ts';

export interface HttpOrderSourceOptions {
  /** The shop's order API, e.g. `https://shop.example/api/calmdesk` (no trailing slash needed). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer TOKEN`. */
  token: string;
  /** Time allowed for one attempt, response body included. */
  timeoutMs: number;
  /** Pause before the one retry; 200 ms unless given. */
  retryDelayMs?: number;
}

const OrderListSchema = z.object({ orders: z.array(OrderSchema) });

/**
 * An OrderSource backed by the shop's own order API. A shop implements two endpoints:
 *
 * ```
 * GET {baseUrl}/buyers/{buyerId}/orders/{orderId}
 *   200 → the Order as JSON: {"id": "CD10001", "buyer_id": "web:alice-3f2a", "state": "delivered",
 *         "category": "kitchenware", "amount": 78, "currency": "CNY",
 *         "ordered_at": "2025-01-02T03:04:05.000Z", "shipped_at"?: …, "delivered_at"?: …,
 *         "tracking_number"?: "SF…", "tracking_status"?: {"zh": "…", "en": "…"},
 *         "items": [{"sku": "…", "name": "…", "quantity": 2, "price": 39}]}
 *   404 → no such order for this buyer (403 is read the same way)
 * GET {baseUrl}/buyers/{buyerId}/orders?limit=N
 *   200 → {"orders": [Order, …]}: the buyer's N newest orders (an empty list when there are none;
 *         404 and 403 read the same)
 * ```
 * - Every request carries `Authorization: Bearer TOKEN` and `Accept: application/json`.
 * - `buyerId` is calmdesk's buyer id (`telegram:123`, `web:alice-3f2a`), URL-encoded; `orderId` is
 *   normalised first (upper case, no spaces, ASCII: see normalizeOrderId).
 * - `state` is one of unpaid, paid, shipped, delivered, cancelled, refunded; times are ISO 8601
 *   with a zone; `amount` and `price` are in the currency's main unit (yuan, not fen).
 * - `category` is matched against the policy's excluded categories (large_furniture, custom_made,
 *   fresh_food, cosmetics, digital_goods…); use the same words.
 * - Unknown fields are ignored. calmdesk drops any order whose `buyer_id` is not the buyer asked
 *   about, so a mistake in the API never shows one buyer another's order.
 * - A timeout, network error or 5xx is retried once; after that, and on any other status or a body
 *   that does not match, calmdesk raises CALMDESK_ORDER_API_FAILED (the conversation goes on without
 *   the order).
 */
export class HttpOrderSource implements OrderSource {
  readonly #baseUrl: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #retryDelayMs: number;

  constructor(options: HttpOrderSourceOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs;
    this.#retryDelayMs = options.retryDelayMs ?? 200;
  }

  async find(buyerId: string, orderId: string): Promise<OrderLookup> {
    const id = normalizeOrderId(orderId);
    if (id === '') return { status: 'not_found' };
    const answer = await this.#get(`/buyers/${encodeURIComponent(buyerId)}/orders/${encodeURIComponent(id)}`);
    if (answer === 'not_found') return { status: 'not_found' };
    const order = parse(OrderSchema, answer, 'an order');
    // Never trust the API with ownership: a foreign order reads exactly like an unknown one.
    if (order.buyer_id !== buyerId || normalizeOrderId(order.id) !== id) return { status: 'not_found' };
    return { status: 'found', order };
  }

  async recent(buyerId: string, limit: number): Promise<Order[]> {
    const count = Math.floor(limit);
    if (!(count > 0)) return [];
    const answer = await this.#get(`/buyers/${encodeURIComponent(buyerId)}/orders?limit=${count}`);
    if (answer === 'not_found') return [];
    const { orders } = parse(OrderListSchema, answer, 'an order list');
    return newestFirst(orders.filter((order) => order.buyer_id === buyerId)).slice(0, count);
  }

  /** The parsed JSON body of a 200, or "not_found" for 404/403; one retry on timeout, network or 5xx. */
  async #get(path: string): Promise<unknown> {
    const url = this.#baseUrl + path;
    let lastProblem = '';
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      if (attempt === 2) await sleep(this.#retryDelayMs);
      const outcome = await this.#attempt(url);
      if (outcome.kind === 'retry') {
        lastProblem = outcome.problem;
        continue;
      }
      return outcome.kind === 'not_found' ? 'not_found' : outcome.body;
    }
    throw new CalmdeskError('CALMDESK_ORDER_API_FAILED', `GET ${url} failed twice; last: ${lastProblem}`);
  }

  async #attempt(
    url: string,
  ): Promise<{ kind: 'ok'; body: unknown } | { kind: 'not_found' } | { kind: 'retry'; problem: string }> {
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${this.#token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      return {
        kind: 'retry',
        problem: timedOut ? `no answer within ${this.#timeoutMs} ms` : `network error: ${describe(error)}`,
      };
    }
    if (status === 404 || status === 403) return { kind: 'not_found' };
    if (status >= 500) return { kind: 'retry', problem: `HTTP ${status}` };
    if (status !== 200) {
      const hint = status === 401 ? ' (the token was refused)' : '';
      throw new CalmdeskError('CALMDESK_ORDER_API_FAILED', `GET ${url} answered HTTP ${status}${hint}`);
    }
    try {
      return { kind: 'ok', body: JSON.parse(text) };
    } catch {
      throw new CalmdeskError(
        'CALMDESK_ORDER_API_FAILED',
        `GET ${url} answered 200 with a body that is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
      );
    }
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new CalmdeskError(
      'CALMDESK_ORDER_API_FAILED',
      `the order API answered with ${what} that does not match the contract:\n${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch wraps the real reason (ECONNREFUSED, …) in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error.message + cause;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
