import { describe, expect, it } from 'vitest';
import { decide } from '../../src/dialogue/index.ts';
import { chat, eventTypes, text } from './chat.ts';
import { analysis, NOW, ORDERS, order, turn } from './fixtures.ts';

describe('decide: listen', () => {
  it('asks which order, offering the recent ones as buttons whose value is the order id', () => {
    const d = turn(
      null,
      {
        analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
        text: '杯子碎了',
        recent: [ORDERS.glasses, ORDERS.jeans],
      },
      decide,
    );
    expect(d.trace.step).toBe('listen');
    expect(d.replies[0]?.options?.map((o) => o.value)).toEqual(['CD10005', 'CD10006']);
    expect(text(d)).toMatch(/订单/);
    // The problem is acknowledged already, in the buyer's terms, with an apology.
    expect(text(d)).toMatch(/坏|破损/);
    expect(text(d)).toMatch(/抱歉/);
  });

  it('asks for the order number when the buyer has no recent orders', () => {
    const d = turn(
      null,
      { analysis: analysis('refund_request', { language: 'en' }), text: 'I want a refund please' },
      decide,
    );
    expect(d.replies[0]?.options).toBeUndefined();
    expect(text(d)).toMatch(/order number/);
  });

  it('says so when the named order does not exist', () => {
    const d = turn(
      null,
      { analysis: analysis('refund_request'), text: '订单 CD99999 退款', asked_id: 'CD99999' },
      decide,
    );
    expect(text(d)).toContain('CD99999');
    expect(d.state.step).toBe('listen');
  });

  it('a tapped order button continues the case', () => {
    const c = chat();
    c.say({
      analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
      text: '杯子碎了',
      recent: [ORDERS.glasses, ORDERS.jeans],
    });
    const d = c.say({
      analysis: analysis('provide_info'),
      text: 'CD10005',
      recent: [ORDERS.glasses, ORDERS.jeans],
    });
    expect(d.state.order_id).toBe('CD10005');
    expect(d.trace.policy_rule).toBe('delivered.shop_fault.damaged');
  });

  it('asks for a photo when the policy needs evidence, then offers', () => {
    const c = chat();
    const first = c.say({
      analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
      text: '玻璃杯碎了',
      order: ORDERS.glasses,
    });
    expect(first.state.pending).toBe('photo');
    expect(first.trace.remedies_offered).toEqual([]);
    const second = c.say({
      analysis: analysis('provide_info'),
      text: '',
      order: ORDERS.glasses,
      photo: true,
    });
    expect(second.trace).toMatchObject({
      step: 'offer',
      remedies_offered: ['reship', 'partial_refund', 'return_refund'],
      policy_rule: 'delivered.shop_fault.damaged',
    });
    expect(second.replies[0]?.options).toHaveLength(3);
    expect(text(second)).toMatch(/回复 1、2、3/);
    expect(eventTypes(second)).toContain('remedy_offered');
  });

  it('asks what went wrong for a delivered order with no reason, with buttons', () => {
    const d = turn(
      null,
      {
        analysis: analysis('refund_request', { slots: { wants: 'refund_only' } }),
        text: '我要退款',
        order: ORDERS.glasses,
      },
      decide,
    );
    expect(d.state.pending).toBe('problem');
    expect(d.replies[0]?.options?.length).toBeGreaterThanOrEqual(4);
    expect(d.trace.policy_rule).toBe('delivered.ask_reason');
  });

  it('asks the resale condition for a no-reason return', () => {
    const d = turn(
      null,
      {
        analysis: analysis('return_request', { slots: { wants: 'return_refund', problem: 'changed_mind' } }),
        text: '不喜欢，想退货',
        order: ORDERS.jeans,
      },
      decide,
    );
    expect(d.state.pending).toBe('condition');
    expect(text(d)).toMatch(/吊牌/);
  });
});

describe('decide: offer and confirm', () => {
  it('refund-only before shipping: straight to a confirmation, then settled with a promise', () => {
    const c = chat();
    const offer = c.say({
      analysis: analysis('refund_request', { slots: { wants: 'refund_only' } }),
      text: '还没发货，我要退款',
      order: ORDERS.paid,
    });
    expect(offer.trace).toMatchObject({
      step: 'confirm',
      remedies_offered: ['refund_only'],
      policy_rule: 'not_shipped.refund_at_once',
    });
    expect(text(offer)).toContain('¥159');
    const done = c.say({ analysis: analysis('affirm'), text: '确认', order: ORDERS.paid });
    expect(done.trace.step).toBe('follow_up');
    expect(eventTypes(done)).toEqual(expect.arrayContaining(['case_outcome', 'promise_made']));
    expect(done.promises).toHaveLength(1);
    expect(done.promises[0]).toMatchObject({
      kind: 'refund_only',
      order_id: 'CD10002',
      remedy: 'refund_only',
    });
    expect(Date.parse(done.promises[0]!.due_at) - NOW.getTime()).toBe(24 * 3_600_000);
    expect(done.actions).toEqual([
      { type: 'apply_remedy', order_id: 'CD10002', remedy: 'refund_only', amount: 159 },
    ]);
    expect(text(done)).toMatch(/24小时内/);
  });

  it('in transit: tracking and a suggestion to wait; insisting leads to an intercept', () => {
    const c = chat();
    const first = c.say({
      analysis: analysis('refund_request', { slots: { wants: 'refund_only' } }),
      text: '我要退款',
      order: ORDERS.shipped,
    });
    expect(first.trace).toMatchObject({
      step: 'offer',
      policy_rule: 'in_transit.wait_or_intercept',
      remedies_offered: ['intercept'],
    });
    expect(text(first)).toContain('杭州转运中心');
    const second = c.say({ analysis: analysis('deny'), text: '不等了', order: ORDERS.shipped });
    expect(second.trace).toMatchObject({ step: 'confirm', remedies_offered: ['intercept'] });
    const third = c.say({ analysis: analysis('affirm'), text: '好', order: ORDERS.shipped });
    expect(third.actions?.[0]?.remedy).toBe('intercept');
  });

  it('in transit: agreeing to wait closes the case without a remedy', () => {
    const c = chat();
    c.say({ analysis: analysis('refund_request'), text: '退款', order: ORDERS.shipped });
    const d = c.say({ analysis: analysis('affirm'), text: '1', order: ORDERS.shipped });
    expect(d.trace.step).toBe('closed');
    expect(d.events[0]?.data.outcome).toBe('buyer_waits');
    expect(d.actions).toBeUndefined();
  });

  it('the buyer picks by number, full-width number or by naming the remedy', () => {
    for (const [answer, remedy] of [
      ['2', 'partial_refund'],
      ['２', 'partial_refund'],
      ['第三个', 'return_refund'],
      ['补发吧', 'reship'],
    ] as const) {
      const c = chat();
      c.say({
        analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
        text: '碎了',
        order: ORDERS.glasses,
        photo: true,
      });
      const d = c.say({ analysis: analysis('provide_info'), text: answer, order: ORDERS.glasses });
      expect(d.state.chosen, answer).toBe(remedy);
      expect(d.trace.step).toBe('confirm');
    }
  });

  it('changed mind and worn: refused with the rule, exchange or coupon offered', () => {
    const c = chat();
    c.say({
      analysis: analysis('refund_request', { slots: { wants: 'refund_only', problem: 'changed_mind' } }),
      text: '不想要了',
      order: ORDERS.jeans,
    });
    const d = c.say({
      analysis: analysis('provide_info', { slots: { condition: 'used' } }),
      text: '洗过一次',
      order: ORDERS.jeans,
    });
    expect(d.trace).toMatchObject({
      policy_rule: 'no_reason_return.not_resaleable',
      remedies_offered: ['exchange', 'coupon'],
    });
    expect(text(d)).toMatch(/二次销售/);
  });

  it('tags on: a return where the buyer pays shipping', () => {
    const c = chat();
    c.say({
      analysis: analysis('return_request', { slots: { wants: 'return_refund', problem: 'changed_mind' } }),
      text: '想退货',
      order: ORDERS.jeans,
    });
    const d = c.say({ analysis: analysis('affirm'), text: '是的', order: ORDERS.jeans });
    expect(d.trace).toMatchObject({
      step: 'confirm',
      policy_rule: 'no_reason_return.within_window',
      remedies_offered: ['return_refund'],
    });
    expect(text(d)).toMatch(/运费由您承担/);
  });

  it('excluded category: the rule said plainly', () => {
    const d = turn(
      null,
      {
        analysis: analysis('return_request', {
          language: 'en',
          slots: { wants: 'return_refund', problem: 'changed_mind' },
        }),
        text: "I don't like the sofa, I want to return it",
        order: ORDERS.sofa,
      },
      decide,
    );
    expect(d.trace.policy_rule).toBe('no_reason_return.excluded_category');
    expect(text(d)).toMatch(/large furniture can't be returned without a reason/i);
  });

  it('refusing one remedy offers the others; a second refusal goes to a person', () => {
    const c = chat();
    c.say({
      analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
      text: '碎了',
      order: ORDERS.glasses,
      photo: true,
    });
    c.say({ analysis: analysis('provide_info'), text: '1', order: ORDERS.glasses });
    const first = c.say({ analysis: analysis('deny'), text: '不要补发', order: ORDERS.glasses });
    expect(eventTypes(first)).toContain('remedy_refused');
    expect(first.trace.step).toBe('offer');
    expect(first.state.allowed_remedies).toEqual(['partial_refund', 'return_refund']);
    const second = c.say({ analysis: analysis('deny'), text: '都不要', order: ORDERS.glasses });
    expect(second.handoff).toMatchObject({ reasons: ['remedies_refused'], priority: 'normal' });
    expect(second.state.step).toBe('handoff');
  });
});

describe('decide: bad input', () => {
  it('a photo without text and without context asks what happened', () => {
    const d = turn(
      null,
      {
        analysis: analysis('provide_info', { confidence: 0.4 }),
        text: '',
        photo: true,
        recent: [ORDERS.glasses],
      },
      decide,
    );
    expect(d.replies).toHaveLength(1);
    expect(d.state.photo).toBe(true);
  });

  it('an empty message gets a sensible reply', () => {
    const d = turn(null, { analysis: analysis('out_of_scope', { confidence: 0 }), text: '' }, decide);
    expect(d.replies).toHaveLength(1);
  });

  it('an order in another currency goes to a person', () => {
    const d = turn(
      null,
      {
        analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
        text: 'broken',
        order: order('USD1', { currency: 'USD' }),
        photo: true,
      },
      decide,
    );
    expect(d.handoff?.reasons).toEqual(['outside_policy']);
  });
});
