import { describe, expect, it } from 'vitest';
import type { ItemCondition, Problem, Remedy } from '../../src/nlu/types.ts';
import type { Order } from '../../src/orders/types.ts';
import { defaultPolicy, evaluatePolicy } from '../../src/policy/index.ts';
import { NOW, ORDERS, order } from '../dialogue/fixtures.ts';

const policy = defaultPolicy();

interface Row {
  name: string;
  order: Order | null;
  problem?: Problem;
  wants?: Remedy;
  condition?: ItemCondition;
  rule: string;
  remedies?: Remedy[];
  payer?: 'shop' | 'buyer' | null;
  evidence?: 'photo' | null;
  needs_human?: boolean;
  missing?: 'order' | 'problem' | 'condition' | null;
  wants_refused?: boolean;
}

const table: Row[] = [
  { name: 'no order yet', order: null, rule: 'order.unknown', missing: 'order' },
  {
    name: 'paid, not shipped, refund wanted → refund at once',
    order: ORDERS.paid,
    wants: 'refund_only',
    rule: 'not_shipped.refund_at_once',
    remedies: ['refund_only', 'cancel_order'],
  },
  {
    name: 'paid, not shipped, cancel wanted → the cancel comes first',
    order: ORDERS.paid,
    wants: 'cancel_order',
    rule: 'not_shipped.refund_at_once',
    remedies: ['cancel_order', 'refund_only'],
  },
  {
    name: 'unpaid → only a cancel, nothing to refund',
    order: order('U1', { state: 'unpaid' }),
    wants: 'refund_only',
    rule: 'not_shipped.refund_at_once',
    remedies: ['cancel_order'],
    wants_refused: true,
  },
  {
    name: 'paid, asking where it is → urge shipping',
    order: ORDERS.paid,
    problem: 'delivery',
    rule: 'not_shipped.urge_shipping',
    remedies: [],
  },
  {
    name: 'in transit, refund wanted → wait or intercept',
    order: ORDERS.shipped,
    wants: 'refund_only',
    rule: 'in_transit.wait_or_intercept',
    remedies: ['intercept'],
  },
  {
    name: 'in transit, where is it → tracking',
    order: ORDERS.shipped,
    problem: 'delivery',
    rule: 'in_transit.tracking',
  },
  {
    name: 'delivered, damaged → reship, partial refund or return, shop pays, photo needed',
    order: ORDERS.glasses,
    problem: 'damaged',
    rule: 'delivered.shop_fault.damaged',
    remedies: ['reship', 'partial_refund', 'return_refund'],
    payer: 'shop',
    evidence: 'photo',
  },
  {
    name: 'delivered, wrong item → exchange first, shop pays',
    order: ORDERS.jeans,
    problem: 'wrong_item',
    rule: 'delivered.shop_fault.wrong_item',
    remedies: ['exchange', 'return_refund'],
    payer: 'shop',
    evidence: 'photo',
  },
  {
    name: 'delivered, missing → reship or refund the missing part, no photo needed',
    order: ORDERS.books,
    problem: 'missing',
    rule: 'delivered.shop_fault.missing',
    remedies: ['reship', 'partial_refund'],
    evidence: null,
  },
  {
    name: 'delivered, no reason given → ask',
    order: ORDERS.glasses,
    wants: 'refund_only',
    rule: 'delivered.ask_reason',
    missing: 'problem',
  },
  {
    name: 'changed mind, condition unknown → ask it',
    order: ORDERS.jeans,
    problem: 'changed_mind',
    rule: 'no_reason_return.within_window',
    missing: 'condition',
    payer: 'buyer',
  },
  {
    name: 'changed mind, tags on → return (buyer pays), exchange or coupon',
    order: ORDERS.jeans,
    problem: 'changed_mind',
    condition: 'resaleable',
    rule: 'no_reason_return.within_window',
    remedies: ['return_refund', 'exchange', 'coupon'],
    payer: 'buyer',
  },
  {
    name: 'changed mind, refund-only demanded → refused, alternatives offered',
    order: ORDERS.jeans,
    problem: 'changed_mind',
    wants: 'refund_only',
    condition: 'resaleable',
    rule: 'no_reason_return.within_window',
    remedies: ['return_refund', 'exchange', 'coupon'],
    wants_refused: true,
  },
  {
    name: 'changed mind, worn → not resaleable, exchange or coupon',
    order: ORDERS.jeans,
    problem: 'changed_mind',
    condition: 'used',
    rule: 'no_reason_return.not_resaleable',
    remedies: ['exchange', 'coupon'],
  },
  {
    name: 'large furniture, changed mind → excluded category',
    order: ORDERS.sofa,
    problem: 'changed_mind',
    rule: 'no_reason_return.excluded_category',
    remedies: ['coupon'],
  },
  {
    name: 'cosmetics, unopened → not excluded',
    order: order('C1', { category: 'cosmetics' }),
    problem: 'changed_mind',
    condition: 'resaleable',
    rule: 'no_reason_return.within_window',
  },
  {
    name: 'cosmetics, opened → excluded',
    order: order('C2', { category: 'cosmetics' }),
    problem: 'changed_mind',
    condition: 'used',
    rule: 'no_reason_return.excluded_category',
  },
  {
    name: 'past the window, quality → what the shop fault still allows',
    order: ORDERS.old,
    problem: 'quality',
    rule: 'past_window.shop_fault',
    remedies: ['exchange', 'return_refund'],
  },
  {
    name: 'past the window, changed mind → a human',
    order: ORDERS.coat,
    problem: 'changed_mind',
    rule: 'past_window.buyer_reason',
    needs_human: true,
  },
  {
    name: 'delivered long ago, damaged → beyond the shop-fault limit, a human',
    order: order('X1', { delivered_at: new Date(NOW.getTime() - 200 * 86_400_000).toISOString() }),
    problem: 'damaged',
    rule: 'past_window.beyond_limit',
    needs_human: true,
  },
  {
    name: 'refund beyond the bot authority → authority.exceeded',
    order: order('X2', { state: 'paid', amount: 2999 }),
    wants: 'refund_only',
    rule: 'authority.exceeded',
    needs_human: true,
  },
  {
    name: 'expensive damaged item: refunds beyond authority drop out, reship stays',
    order: order('X3', { amount: 2999 }),
    problem: 'damaged',
    rule: 'delivered.shop_fault.damaged',
    remedies: ['reship', 'partial_refund'],
  },
  {
    name: 'delivered but not received → a human checks with the carrier',
    order: ORDERS.glasses,
    problem: 'delivery',
    rule: 'delivered.not_received',
    needs_human: true,
  },
  { name: 'already cancelled', order: ORDERS.cancelled, wants: 'refund_only', rule: 'order.closed' },
  {
    name: 'health → a human',
    order: ORDERS.glasses,
    problem: 'health',
    rule: 'escalation.health_safety',
    needs_human: true,
  },
];

describe('evaluatePolicy', () => {
  for (const row of table) {
    it(row.name, () => {
      const verdict = evaluatePolicy(policy, {
        order: row.order,
        problem: row.problem,
        wants: row.wants,
        condition: row.condition,
        now: NOW,
      });
      expect(verdict.rule).toBe(row.rule);
      if (row.remedies) expect(verdict.remedies).toEqual(row.remedies);
      if (row.payer !== undefined) expect(verdict.shipping_payer).toBe(row.payer);
      if (row.evidence !== undefined) expect(verdict.evidence_needed).toBe(row.evidence);
      expect(verdict.needs_human).toBe(row.needs_human ?? false);
      if (row.missing !== undefined) expect(verdict.missing).toBe(row.missing);
      if (row.wants_refused !== undefined) expect(verdict.wants_refused).toBe(row.wants_refused);
    });
  }

  it('prices a partial refund as a percentage, and a missing part by its price', () => {
    const damaged = evaluatePolicy(policy, { order: ORDERS.glasses, problem: 'damaged', now: NOW });
    expect(damaged.amounts.partial_refund).toBe(17.8);
    expect(damaged.partial_percent).toBe(20);
    const missing = evaluatePolicy(policy, {
      order: ORDERS.books,
      problem: 'missing',
      missing_quantity: 1,
      now: NOW,
    });
    expect(missing.amounts.partial_refund).toBe(48);
    expect(missing.amounts.reship).toBe(0);
  });

  it('is pure: the same question gets the same answer', () => {
    const q = {
      order: ORDERS.jeans,
      problem: 'changed_mind' as const,
      condition: 'resaleable' as const,
      now: NOW,
    };
    expect(evaluatePolicy(policy, q)).toEqual(evaluatePolicy(policy, q));
  });
});
