import type { Remedy } from '../nlu/types.ts';
import type { Order } from './types.ts';

/**
 * The order after a remedy the buyer accepted, as the demo's follow-up job carries it out; the same
 * object when nothing changes. A remedy that does not fit the order's state leaves it unchanged:
 * - `refund_only`, `return_refund`: paid, shipped or delivered → refunded; unpaid → cancelled
 * - `cancel_order`: unpaid or paid → cancelled
 * - `intercept`: shipped → refunded, the parcel on its way back
 * - `reship`, `exchange`: shipped or delivered → shipped again with a new tracking number
 * - `partial_refund`, `coupon`: the buyer keeps the goods; the order does not change
 */
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
