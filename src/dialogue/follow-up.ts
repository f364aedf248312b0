import type { Order } from '../orders/types.ts';
import type { PromiseRecord } from '../storage/store.ts';
import { BOOKS } from './replies/index.ts';
import { hasHan, hash } from './text.ts';

/** What became of a promise, and what to tell the buyer (null: nothing to say yet). */
export interface FollowUpResult {
  status: 'open' | 'kept' | 'overdue';
  message: string | null;
}

/**
 * Does the order show the promise done? Refunds and cancellations show in the order's state, a reship
 * or exchange as a new shipment after the promise. Partial refunds and coupons leave no trace on the
 * order: they are carried out when the buyer confirms, so they count as done.
 */
export function promiseDone(
  promise: { kind: string; remedy: string | null },
  order: Order | null,
  createdAt: Date | null,
): boolean {
  const what = promise.remedy ?? promise.kind;
  if (what === 'partial_refund' || what === 'coupon') return true;
  if (!order) return false;
  switch (what) {
    case 'refund_only':
    case 'return_refund':
    case 'intercept':
    case 'cancel_order':
      return order.state === 'refunded' || order.state === 'cancelled';
    case 'reship':
    case 'exchange': {
      if (order.state !== 'shipped' && order.state !== 'delivered') return false;
      if (!createdAt || !order.shipped_at) return true;
      return Date.parse(order.shipped_at) >= createdAt.getTime() - 1000;
    }
    case 'ship':
      return order.state === 'shipped' || order.state === 'delivered';
    default:
      return false;
  }
}

/**
 * The pure part of the follow-up job: an open promise is kept when the order shows it done, overdue
 * once its deadline passed without that; the buyer is told either way, in the promise's language,
 * except of a promise done at once (the buyer heard it done when it was made).
 */
export function followUp(promise: PromiseRecord, order: Order | null, now: Date): FollowUpResult {
  if (promise.status !== 'open') return { status: promise.status, message: null };
  const created = Number.isNaN(Date.parse(promise.created_at)) ? null : new Date(promise.created_at);
  const b = BOOKS[hasHan(promise.text) ? 'zh' : 'en'];
  if (promiseDone(promise, order, created)) {
    // Done at once (an unpaid order cancelled): the buyer was told so when it was done.
    if (created && Date.parse(promise.due_at) <= created.getTime() + 60_000) {
      return { status: 'kept', message: null };
    }
    const lines = b.followKept(promise.text);
    return { status: 'kept', message: lines[hash(promise.id) % lines.length]! };
  }
  if (now.getTime() > Date.parse(promise.due_at)) {
    const lines = b.followOverdue(promise.text);
    return { status: 'overdue', message: lines[hash(promise.id) % lines.length]! };
  }
  return { status: 'open', message: null };
}
