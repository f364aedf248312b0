import type { ItemCondition, Problem, Remedy } from '../nlu/types.ts';
import type { Order } from '../orders/types.ts';
import type { Party, Policy } from './schema.ts';

/** What the dialogue knows about a case when it asks the policy. */
export interface PolicyQuestion {
  problem?: Problem | undefined;
  wants?: Remedy | undefined;
  order: Order | null;
  condition?: ItemCondition | undefined;
  /** How many items are missing (for a partial refund of the missing part); 1 when unknown. */
  missing_quantity?: number | undefined;
  now: Date;
}

/** The policy's answer: every decision names the rule it used, so an agent can see why. */
export interface PolicyVerdict {
  /** Stable rule id, e.g. `delivered.shop_fault.damaged`, `no_reason_return.excluded_category`. */
  rule: string;
  /** Remedies the bot may offer alone, in offer order (the buyer's wanted remedy first when allowed). */
  remedies: Remedy[];
  /** Money involved per remedy (refund or coupon amount; 0 for reship and exchange). */
  amounts: Partial<Record<Remedy, number>>;
  /** The partial refund's percentage of the order amount, when a percentage applies. */
  partial_percent: number | null;
  responsibility: Party | null;
  /** Who pays the return shipping if goods go back. */
  shipping_payer: Party | null;
  evidence_needed: 'photo' | null;
  /** The bot may not settle this alone: an agent decides. */
  needs_human: boolean;
  /** What the bot must learn before it can offer anything. */
  missing: 'order' | 'problem' | 'condition' | null;
  /** The buyer asked for a remedy this rule does not allow (the bot explains the rule, offers the rest). */
  wants_refused: boolean;
  /** Days since delivery, when delivered. */
  days_since_delivery: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MONEY_REMEDIES: readonly Remedy[] = [
  'refund_only',
  'return_refund',
  'intercept',
  'cancel_order',
  'partial_refund',
];
const SHOP_FAULTS: readonly Problem[] = ['damaged', 'wrong_item', 'missing', 'quality'];

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function verdict(rule: string, patch: Partial<PolicyVerdict> = {}): PolicyVerdict {
  return {
    rule,
    remedies: [],
    amounts: {},
    partial_percent: null,
    responsibility: null,
    shipping_payer: null,
    evidence_needed: null,
    needs_human: false,
    missing: null,
    wants_refused: false,
    days_since_delivery: null,
    ...patch,
  };
}

/** Is the order's category excluded from no-reason returns (given the goods' condition)? */
export function excludedCategory(
  policy: Policy,
  order: Order,
  condition: ItemCondition | undefined,
): Policy['excluded_categories'][number] | null {
  for (const entry of policy.excluded_categories) {
    if (entry.category !== order.category) continue;
    if (entry.when === 'opened' && condition !== 'used') continue;
    return entry;
  }
  return null;
}

function remedyAmount(
  policy: Policy,
  remedy: Remedy,
  order: Order,
  problem: Problem | undefined,
  missingQuantity: number,
): { amount: number; percent: number | null } | null {
  switch (remedy) {
    case 'refund_only':
    case 'return_refund':
    case 'intercept':
      return { amount: order.amount, percent: null };
    case 'cancel_order':
      return { amount: order.state === 'unpaid' ? 0 : order.amount, percent: null };
    case 'coupon':
      return { amount: policy.authority.coupon_amount, percent: null };
    case 'reship':
    case 'exchange':
      return { amount: 0, percent: null };
    case 'partial_refund': {
      const percent = problem ? (policy.authority.partial_refund_percent[problem] ?? 0) : 0;
      if (percent > 0) return { amount: round2((order.amount * percent) / 100), percent };
      // Without a percentage, a partial refund only makes sense for a missing part: its price.
      if (problem === 'missing') {
        const unit = order.items[0]?.price ?? 0;
        const amount = round2(Math.min(order.amount, unit * missingQuantity));
        return amount > 0 ? { amount, percent: null } : null;
      }
      return null;
    }
  }
}

/** Keeps what the bot may grant alone, prices it, and puts the buyer's wanted remedy first. */
function withinAuthority(
  policy: Policy,
  base: PolicyVerdict,
  q: PolicyQuestion,
  list: readonly Remedy[],
): PolicyVerdict {
  const order = q.order as Order;
  const amounts: Partial<Record<Remedy, number>> = {};
  let percent: number | null = null;
  const allowed: Remedy[] = [];
  let beyond: Remedy[] = [];
  for (const remedy of list) {
    const priced = remedyAmount(policy, remedy, order, q.problem, q.missing_quantity ?? 1);
    if (!priced) continue;
    const limit = remedy === 'coupon' ? policy.authority.max_coupon : policy.authority.max_refund;
    const isMoney = remedy === 'coupon' || MONEY_REMEDIES.includes(remedy);
    if (isMoney && priced.amount > limit) {
      beyond = [...beyond, remedy];
      continue;
    }
    if (remedy === 'partial_refund') percent = priced.percent;
    amounts[remedy] = priced.amount;
    allowed.push(remedy);
  }
  const wants = q.wants;
  if (wants && beyond.includes(wants)) {
    return { ...base, rule: 'authority.exceeded', remedies: [], amounts: {}, needs_human: true };
  }
  if (allowed.length === 0 && beyond.length > 0) {
    return { ...base, rule: 'authority.exceeded', remedies: [], amounts: {}, needs_human: true };
  }
  if (wants && allowed.includes(wants)) {
    allowed.splice(allowed.indexOf(wants), 1);
    allowed.unshift(wants);
  }
  const wantsRefused = wants !== undefined && !allowed.includes(wants);
  return { ...base, remedies: allowed, amounts, partial_percent: percent, wants_refused: wantsRefused };
}

/**
 * Applies the shop policy to a case. Pure: the same question always gets the same answer.
 * Order state decides the path: not shipped → refund at once; in transit → wait or intercept;
 * delivered → by problem and responsibility; past the window → only what the shop's fault allows.
 */
export function evaluatePolicy(policy: Policy, q: PolicyQuestion): PolicyVerdict {
  const order = q.order;
  if (!order) return verdict('order.unknown', { missing: 'order' });
  if (order.currency !== policy.currency) return verdict('order.foreign_currency', { needs_human: true });
  if (q.problem === 'health') {
    return verdict('escalation.health_safety', {
      needs_human: true,
      responsibility: 'shop',
      shipping_payer: 'shop',
    });
  }
  if (order.state === 'cancelled' || order.state === 'refunded') return verdict('order.closed');

  if (order.state === 'unpaid' || order.state === 'paid') {
    if (
      q.problem === 'delivery' &&
      (q.wants === undefined || !policy.remedies.not_shipped.includes(q.wants))
    ) {
      return verdict('not_shipped.urge_shipping', { responsibility: 'shop' });
    }
    // Nothing to refund on an unpaid order: cancelling is the whole remedy.
    const list = policy.remedies.not_shipped.filter((r) => order.state === 'paid' || r !== 'refund_only');
    return withinAuthority(policy, verdict('not_shipped.refund_at_once'), q, list);
  }

  // A damaged, wrong or incomplete parcel is in the buyer's hands even if the carrier still says
  // "in transit": treat it as delivered today.
  const inHands = q.problem !== undefined && SHOP_FAULTS.includes(q.problem);
  if (order.state === 'shipped' && !inHands) {
    if (q.problem === 'delivery' && q.wants === undefined) return verdict('in_transit.tracking');
    return withinAuthority(policy, verdict('in_transit.wait_or_intercept'), q, policy.remedies.in_transit);
  }

  const deliveredAt = order.delivered_at ? Date.parse(order.delivered_at) : Number.NaN;
  const days = Number.isNaN(deliveredAt) ? 0 : Math.max(0, (q.now.getTime() - deliveredAt) / DAY_MS);
  const base = { days_since_delivery: Math.floor(days) };

  if (!q.problem) return verdict('delivered.ask_reason', { ...base, missing: 'problem' });
  if (q.problem === 'delivery') return verdict('delivered.not_received', { ...base, needs_human: true });

  const responsibility = policy.responsibility[q.problem];
  const shipping = policy.return_shipping[responsibility];
  const evidence = policy.evidence[q.problem] === 'photo' ? ('photo' as const) : null;
  const common = { ...base, responsibility, shipping_payer: shipping, evidence_needed: evidence };

  if (responsibility === 'shop' && SHOP_FAULTS.includes(q.problem)) {
    const key = q.problem as 'damaged' | 'wrong_item' | 'missing' | 'quality';
    const list = policy.remedies.delivered[key];
    if (days > policy.return_window.shop_fault_days) {
      return verdict('past_window.beyond_limit', { ...common, needs_human: true });
    }
    if (days > policy.return_window.no_reason_days) {
      const still = list.filter((r) => policy.remedies.past_window_shop_fault.includes(r));
      return withinAuthority(policy, verdict('past_window.shop_fault', common), q, still);
    }
    return withinAuthority(policy, verdict(`delivered.shop_fault.${key}`, common), q, list);
  }

  // The buyer's own reason: a no-reason return, if the category and the goods' condition allow it.
  const key = q.problem === 'ordered_wrong' ? 'ordered_wrong' : 'changed_mind';
  const excluded = excludedCategory(policy, order, q.condition);
  if (excluded) {
    return withinAuthority(
      policy,
      verdict('no_reason_return.excluded_category', common),
      q,
      policy.remedies.excluded_category,
    );
  }
  if (days > policy.return_window.no_reason_days) {
    return verdict('past_window.buyer_reason', { ...common, needs_human: true });
  }
  if (!q.condition) return verdict('no_reason_return.within_window', { ...common, missing: 'condition' });
  if (q.condition === 'used') {
    return withinAuthority(
      policy,
      verdict('no_reason_return.not_resaleable', common),
      q,
      policy.remedies.not_resaleable,
    );
  }
  return withinAuthority(
    policy,
    verdict('no_reason_return.within_window', common),
    q,
    policy.remedies.delivered[key],
  );
}
