import { describe, expect, it } from 'vitest';
import { decide } from '../../src/dialogue/index.ts';
import type { Decision } from '../../src/dialogue/types.ts';
import { chat, text } from './chat.ts';
import { analysis, NOW, ORDERS, type Turn, turn } from './fixtures.ts';

/* decide: the rest of a conversation — questions, corrections, status, rating, language, state. */

describe('decide: the rest of a conversation', () => {
  it('"?" repeats the pending question in other words, with its buttons', () => {
    const c = chat();
    c.say({
      analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
      text: '碎了',
      order: ORDERS.glasses,
      photo: true,
    });
    const d = c.say({
      analysis: analysis('out_of_scope', { confidence: 0.1 }),
      text: '？',
      order: ORDERS.glasses,
    });
    expect(d.replies[0]?.options).toHaveLength(3);
    expect(d.state.not_understood).toBe(0);
  });

  it('"not this order": the bot drops it and asks again without it', () => {
    const c = chat();
    c.say({
      analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
      text: '碎了',
      order: ORDERS.glasses,
    });
    const d = c.say({
      analysis: analysis('deny'),
      text: '不是这个订单',
      order: ORDERS.glasses,
      recent: [ORDERS.glasses, ORDERS.jeans],
    });
    expect(d.state.order_id).toBeUndefined();
    expect(d.state.problem).toBe('damaged');
    expect(d.replies[0]?.options?.map((o) => o.value)).toEqual(['CD10006']);
  });

  it('naming another order mid-case switches to it and re-evaluates', () => {
    const c = chat();
    c.say({
      analysis: analysis('missing_item', { slots: { problem: 'missing' } }),
      text: '少发了',
      order: ORDERS.glasses,
    });
    const d = c.say({
      analysis: analysis('provide_info'),
      text: 'CD10009',
      order: ORDERS.books,
      asked_id: 'CD10009',
    });
    expect(d.state.order_id).toBe('CD10009');
    expect(d.trace.remedies_offered).toEqual(['reship', 'partial_refund']);
  });

  it('a topic switch at the offer resets the offer for the new problem', () => {
    const c = chat();
    c.say({
      analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
      text: '碎了',
      order: ORDERS.books,
      photo: true,
    });
    const d = c.say({
      analysis: analysis('missing_item', { slots: { problem: 'missing' } }),
      text: '而且还少了一本',
      order: ORDERS.books,
    });
    expect(d.trace.policy_rule).toBe('delivered.shop_fault.missing');
  });

  it('refund status: the promise and its deadline', () => {
    const c = chat();
    c.say({ analysis: analysis('refund_request'), text: '退款', order: ORDERS.paid });
    c.say({ analysis: analysis('affirm'), text: '确认', order: ORDERS.paid });
    const d = c.say({
      analysis: analysis('case_status'),
      text: '钱什么时候到',
      order: ORDERS.paid,
      now: new Date(NOW.getTime() + 3_600_000),
    });
    expect(d.trace.policy_rule).toBe('case.status');
    expect(text(d)).toContain('¥159');
    expect(text(d)).toMatch(/6月11日 10:00/);
  });

  it('refund status past the deadline: an apology, said as overdue', () => {
    const c = chat();
    c.say({ analysis: analysis('refund_request'), text: '退款', order: ORDERS.paid });
    c.say({ analysis: analysis('affirm'), text: '确认', order: ORDERS.paid });
    const d = c.say({
      analysis: analysis('case_status'),
      text: '钱呢',
      order: ORDERS.paid,
      now: new Date(NOW.getTime() + 30 * 3_600_000),
    });
    expect(text(d)).toMatch(/超时/);
  });

  it('policy questions are answered from the policy file', () => {
    const shipping = turn(null, { analysis: analysis('policy_question'), text: '退货运费谁出？' }, decide);
    expect(shipping.trace.policy_rule).toBe('policy.shipping');
    expect(text(shipping)).toMatch(/运费/);
    const window = turn(
      null,
      {
        analysis: analysis('policy_question', { language: 'en' }),
        text: 'How many days do I have to return something?',
      },
      decide,
    );
    expect(window.trace.policy_rule).toBe('policy.window');
    expect(text(window)).toMatch(/7 days/);
  });

  it('thanks after a settlement asks for a 1–5 rating; the rating is recorded', () => {
    const c = chat();
    c.say({ analysis: analysis('refund_request'), text: '退款', order: ORDERS.paid });
    c.say({ analysis: analysis('affirm'), text: '确认', order: ORDERS.paid });
    const thanks = c.say({ analysis: analysis('thanks'), text: '谢谢', order: ORDERS.paid });
    expect(thanks.replies[0]?.options?.map((o) => o.value)).toEqual(['1', '2', '3', '4', '5']);
    const rated = c.say({ analysis: analysis('provide_info'), text: '5', order: ORDERS.paid });
    expect(rated.events).toEqual([{ type: 'satisfaction_rated', data: { score: 5 } }]);
    expect(rated.state.step).toBe('closed');
  });

  it('a closed case reopens for a new problem on the same order', () => {
    const c = chat();
    c.say({ analysis: analysis('refund_request'), text: '退款', order: ORDERS.paid });
    c.say({ analysis: analysis('affirm'), text: '确认', order: ORDERS.paid });
    const d = c.say({
      analysis: analysis('wrong_item', { slots: { problem: 'wrong_item' } }),
      text: '另外上次发错货了',
      order: ORDERS.jeans,
      asked_id: 'CD10006',
    });
    expect(d.state.case_no).toBe(2);
    expect(d.state.promises).toHaveLength(1);
    expect(d.trace.policy_rule).toBe('delivered.shop_fault.wrong_item');
  });

  it('answers in the buyer language; mixed with Han characters is zh', () => {
    const en = turn(
      null,
      { analysis: analysis('greeting', { language: 'en' }), text: 'hello there' },
      decide,
    );
    expect(text(en)).toMatch(/[A-Za-z]/);
    expect(text(en)).not.toMatch(/[\u4e00-\u9fff]/);
    const mixed = turn(
      null,
      { analysis: analysis('refund_request', { language: 'mixed' }), text: '我要refund', order: ORDERS.paid },
      decide,
    );
    expect(text(mixed)).toMatch(/[\u4e00-\u9fff]/);
    // An order number alone does not switch a Chinese conversation to English.
    const c = chat();
    c.say({
      analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
      text: '碎了',
      recent: [ORDERS.glasses],
    });
    const d = c.say({
      analysis: analysis('provide_info', {
        language: 'en',
        entities: [{ type: 'order_id', value: 'CD10005', raw: 'CD10005', start: 0, end: 7 }],
      }),
      text: 'CD10005',
      order: ORDERS.glasses,
    });
    expect(d.state.language).toBe('zh');
  });

  it('is pure and deterministic, yet varies its phrasing across turns', () => {
    const t: Turn = { analysis: analysis('greeting'), text: '在吗' };
    expect(turn(null, t, decide)).toEqual(turn(null, t, decide));
    const c = chat();
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add(text(c.say({ analysis: analysis('greeting'), text: '你好' })));
    expect(seen.size).toBeGreaterThan(1);
  });

  it('survives twenty messages in a row without losing the case', () => {
    const c = chat();
    c.say({
      analysis: analysis('missing_item', { slots: { problem: 'missing' } }),
      text: '少了一本书',
      order: ORDERS.books,
    });
    let last: Decision | null = null;
    for (let i = 0; i < 20; i++)
      last = c.say({ analysis: analysis('greeting'), text: '在吗', order: ORDERS.books });
    expect(last?.replies).toHaveLength(1);
    expect(last?.state.problem).toBe('missing');
    expect(last?.state.pending).toBe('choose');
    expect(last?.state.turn).toBe(21);
  });

  it('reads an unreadable stored state as a fresh case, keeping the order', () => {
    const d = turn(
      { version: 0, step: 'offer', order_id: 'CD10005', weird: true },
      { analysis: analysis('greeting'), text: '你好', order: ORDERS.glasses },
      decide,
    );
    expect(d.state.order_id).toBe('CD10005');
    expect(d.replies).toHaveLength(1);
  });
});
