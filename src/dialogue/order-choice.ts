import type { Intent, Problem, Remedy } from '../nlu/types.ts';
import type { Order, OrderState } from '../orders/types.ts';

/*
 * "Which order?": of the buyer's recent orders, the ones that can be what the buyer is talking about.
 * A broken glass is in a delivered parcel, a late parcel is shipped or not shipped yet, a cancellation
 * is for an order not shipped yet, a refund for an order not refunded yet. Offering a mug not yet paid
 * to a buyer whose glass arrived broken makes the buyer hunt for the right one.
 */

/** What the case needs of the order it is about. */
export type OrderNeed = 'received' | 'delivery' | 'cancel' | 'refund' | 'any';

/** Problems with goods the buyer has in hand. */
const RECEIVED_PROBLEMS: readonly Problem[] = [
  'damaged',
  'wrong_item',
  'missing',
  'quality',
  'health',
  'changed_mind',
  'ordered_wrong',
];
/** Wishes that need the goods in hand. */
const RECEIVED_WISHES: readonly Remedy[] = ['return_refund', 'exchange', 'reship', 'partial_refund'];

/**
 * How well an order in each state fits a need: 2 is a first choice, 1 is possible (listed after the
 * first choices), absent is not at all. A parcel may be in the buyer's hands before the carrier says
 * so, a "delivered" parcel may never have reached the buyer, a shipped order may still be cancelled
 * by intercepting it: those are the 1s.
 */
const FIT: Record<OrderNeed, Partial<Record<OrderState, 1 | 2>>> = {
  received: { delivered: 2, shipped: 1 },
  delivery: { shipped: 2, paid: 2, delivered: 1 },
  cancel: { unpaid: 2, paid: 2, shipped: 1 },
  refund: { paid: 2, shipped: 2, delivered: 2 },
  any: { unpaid: 2, paid: 2, shipped: 2, delivered: 2, cancelled: 2, refunded: 2 },
};

/** What the case needs of its order, from what the buyer said so far. */
export function orderNeed(
  problem: Problem | undefined,
  wants: Remedy | undefined,
  intent: Intent,
): OrderNeed {
  if (intent === 'case_status') return 'any';
  if (wants === 'cancel_order' || intent === 'cancel_order' || intent === 'change_order') return 'cancel';
  if (wants === 'intercept' || problem === 'delivery') return 'delivery';
  // "不想要了，退款" may be an order not shipped yet as well as one delivered.
  if ((problem === 'changed_mind' || problem === 'ordered_wrong') && wants === 'refund_only') return 'refund';
  if (problem && RECEIVED_PROBLEMS.includes(problem)) return 'received';
  if (wants && RECEIVED_WISHES.includes(wants)) return 'received';
  if (wants === 'refund_only' || intent === 'refund_request') return 'refund';
  return 'any';
}

/**
 * How strongly the buyer's words name an order's goods: shared Chinese character pairs and English
 * words between the text and the item names ("牛仔裤" in 直筒牛仔裤, "jeans" in Straight-leg jeans).
 */
export function mentionScore(order: Order, text: string): number {
  const said = wordsOf(text);
  if (said.size === 0) return 0;
  let score = 0;
  for (const word of wordsOf(order.items.map((i) => i.name).join(' '))) if (said.has(word)) score += 1;
  return score;
}

function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) words.add(run.slice(i, i + 2));
  }
  for (const word of text.toLowerCase().match(/[a-z]{3,}/g) ?? []) words.add(word.replace(/(es|s)$/, ''));
  return words;
}

/**
 * The orders to offer as buttons, at most `max`: orders whose goods the buyer named first, then those that
 * fit the need, first choices first, each group newest first (as `recent` comes); the newest ones when none
 * fits.
 */
export function ordersToOffer(
  recent: Order[],
  need: OrderNeed,
  exclude?: string,
  max = 5,
  said = '',
): Order[] {
  const candidates = recent.filter((o) => o.id !== exclude);
  const fit = FIT[need];
  const ranked = candidates
    .map((order, index) => ({ order, index, named: mentionScore(order, said), score: fit[order.state] ?? 0 }))
    // A named order is offered even when its state looks unlikely: the buyer knows which goods they mean.
    .filter((x) => x.score > 0 || x.named > 0)
    .sort((x, y) => y.named - x.named || y.score - x.score || x.index - y.index)
    .map((x) => x.order);
  return (ranked.length > 0 ? ranked : candidates).slice(0, max);
}
