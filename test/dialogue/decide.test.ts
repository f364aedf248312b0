import { describe, expect, it } from 'vitest';
import { decide, renderHandoffNotice, resume } from '../../src/dialogue/index.ts';
import type { Decision, DialogueState } from '../../src/dialogue/types.ts';
import { analysis, NOW, ORDERS, order, type Turn, turn } from './fixtures.ts';

/** A conversation: each call is one buyer turn, the state carried over. */
function chat(initial: DialogueState | null = null) {
  let state = initial;
  const say = (t: Turn): Decision => {
    const d = turn(state, t, decide);
    state = d.state;
    return d;
  };
  return { say, state: () => state };
}

const text = (d: Decision) => d.replies.map((r) => r.text).join('\n');
const eventTypes = (d: Decision) => d.events.map((e) => e.type);

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

describe('decide: escalation', () => {
  it('health: urgent, with what to do meanwhile', () => {
    const d = turn(
      null,
      {
        analysis: analysis('health_safety', { slots: { problem: 'health' } }),
        text: '用了面霜脸过敏了',
        order: ORDERS.glasses,
      },
      decide,
    );
    expect(d.handoff).toMatchObject({ reasons: ['health_safety'], priority: 'urgent' });
    expect(text(d)).toMatch(/停止使用/);
    expect(text(d)).toMatch(/就医/);
    expect(d.state.step).toBe('handoff');
  });

  it('threat: high', () => {
    const d = turn(
      null,
      {
        analysis: analysis('complaint', { threats: ['regulator'], anger: 0.8 }),
        text: '不处理我就打12315',
        order: ORDERS.glasses,
      },
      decide,
    );
    expect(d.handoff).toMatchObject({ reasons: ['threat'], priority: 'high' });
  });

  it('human requested: normal', () => {
    const d = turn(
      null,
      { analysis: analysis('human_agent', { language: 'en' }), text: 'let me talk to a real person' },
      decide,
    );
    expect(d.handoff).toMatchObject({ reasons: ['human_requested'], priority: 'normal' });
    expect(text(d)).toMatch(/colleague|person/);
  });

  it('compensation beyond the agent limit needs a supervisor', () => {
    const d = turn(
      null,
      {
        analysis: analysis('compensation_demand', { slots: { problem: 'quality' } }),
        text: '假货！假一赔三',
        order: ORDERS.laptop,
      },
      decide,
    );
    expect(d.handoff).toMatchObject({
      reasons: ['compensation_beyond_authority', 'high_value_order'],
      priority: 'high',
      needs_approval: true,
    });
    expect(d.trace.policy_rule).toBe('authority.exceeded');
  });

  it('compensation within the agent limit goes to an agent without approval', () => {
    const d = turn(
      null,
      {
        analysis: analysis('compensation_demand', {
          entities: [{ type: 'amount', value: '200', raw: '200块', start: 2, end: 6 }],
        }),
        text: '赔我200块',
        order: ORDERS.glasses,
      },
      decide,
    );
    expect(d.handoff?.reasons).toEqual(['compensation_beyond_authority']);
    expect(d.handoff?.needs_approval).toBeUndefined();
    expect(d.handoff?.priority).toBe('normal');
  });

  it('a small compensation the bot may grant is offered as a coupon', () => {
    const d = turn(
      null,
      {
        analysis: analysis('compensation_demand', {
          entities: [{ type: 'amount', value: '10', raw: '10元', start: 0, end: 3 }],
        }),
        text: '补偿我10元吧',
        order: ORDERS.glasses,
      },
      decide,
    );
    expect(d.handoff).toBeNull();
    expect(d.trace).toMatchObject({
      step: 'confirm',
      remedies_offered: ['coupon'],
      policy_rule: 'authority.within_limit',
    });
  });

  it('anger at the threshold for two turns', () => {
    const c = chat();
    const first = c.say({
      analysis: analysis('damaged_item', { anger: 0.8, slots: { problem: 'damaged' } }),
      text: '气死了！碎了',
      order: ORDERS.glasses,
    });
    expect(first.handoff).toBeNull();
    const second = c.say({
      analysis: analysis('complaint', { anger: 0.85 }),
      text: '你们到底管不管！！',
      order: ORDERS.glasses,
    });
    expect(second.handoff).toMatchObject({ reasons: ['anger_sustained'], priority: 'high' });
  });

  it('anger rising across the conversation', () => {
    const c = chat();
    c.say({
      analysis: analysis('damaged_item', { anger: 0.2, slots: { problem: 'damaged' } }),
      text: '碎了',
      order: ORDERS.glasses,
    });
    c.say({
      analysis: analysis('provide_info', { anger: 0.4 }),
      text: '怎么又要照片',
      order: ORDERS.glasses,
    });
    const d = c.say({
      analysis: analysis('complaint', { anger: 0.6 }),
      text: '太慢了吧',
      order: ORDERS.glasses,
    });
    expect(d.handoff?.reasons).toEqual(['anger_rising']);
  });

  it('two turns not understood', () => {
    const c = chat();
    const first = c.say({ analysis: analysis('out_of_scope', { confidence: 0.2 }), text: 'asdfgh' });
    expect(first.handoff).toBeNull();
    expect(text(first)).toMatch(/didn't quite get|not sure what you mean/);
    const second = c.say({ analysis: analysis('out_of_scope', { confidence: 0.2 }), text: 'qwerty zxc' });
    expect(second.handoff?.reasons).toEqual(['not_understood']);
  });

  it('understanding in between resets the count', () => {
    const c = chat();
    c.say({ analysis: analysis('out_of_scope', { confidence: 0.2 }), text: 'asdfgh' });
    c.say({ analysis: analysis('greeting'), text: '你好' });
    const d = c.say({ analysis: analysis('out_of_scope', { confidence: 0.2 }), text: 'zzz' });
    expect(d.handoff).toBeNull();
  });

  it('a high-value order goes to a person', () => {
    const d = turn(
      null,
      {
        analysis: analysis('quality_issue', { slots: { problem: 'quality' } }),
        text: '电脑开不了机',
        order: ORDERS.laptop,
      },
      decide,
    );
    expect(d.handoff).toMatchObject({ reasons: ['high_value_order'], priority: 'high' });
  });

  it('the summary tells the agent the problem, the order and why', () => {
    const d = turn(
      null,
      {
        analysis: analysis('complaint', { threats: ['bad_review'], slots: { problem: 'damaged' } }),
        text: '碎了，差评',
        order: ORDERS.glasses,
      },
      decide,
    );
    expect(d.handoff?.summary).toMatch(/商品破损/);
    expect(d.handoff?.summary).toContain('CD10005');
    expect(d.handoff?.summary).toContain('threat');
  });

  it('while a person holds the case: short holding replies, no new handoff, unless danger appears', () => {
    const c = chat();
    c.say({ analysis: analysis('human_agent'), text: '转人工' });
    const held = c.say({ analysis: analysis('greeting'), text: '在吗' });
    expect(held.handoff).toBeNull();
    expect(held.state.step).toBe('handoff');
    expect(held.replies).toHaveLength(1);
    const danger = c.say({
      analysis: analysis('health_safety', { slots: { problem: 'health' } }),
      text: '孩子吃了拉肚子',
    });
    expect(danger.handoff).toMatchObject({
      reasons: ['health_safety', 'human_requested'],
      priority: 'urgent',
    });
  });
});

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

describe('resume and the handoff notice', () => {
  it('after the agent agreed a remedy: says so, promises, asks 1–5; decide records the score', () => {
    const c = chat();
    c.say({ analysis: analysis('human_agent'), text: '转人工', order: ORDERS.glasses });
    const held = c.state()!;
    const back = resume(held, { remedy: 'reship', resolved: true, outcome_note: '已安排顺丰' }, 'zh', NOW);
    expect(back.state.step).toBe('follow_up');
    expect(back.replies.map((r) => r.text).join('')).toMatch(/补发/);
    expect(back.replies.at(-1)?.options).toHaveLength(5);
    expect(back.promises[0]).toMatchObject({ kind: 'reship', order_id: 'CD10005' });
    expect(back.events.map((e) => e.type)).toEqual(['case_outcome', 'promise_made']);
    const rated = turn(
      back.state,
      { analysis: analysis('provide_info'), text: '4', order: ORDERS.glasses },
      decide,
    );
    expect(rated.events).toEqual([{ type: 'satisfaction_rated', data: { score: 4 } }]);
    expect(rated.handoff).toBeNull();
  });

  it('handed back unresolved: the bot offers to carry on, no rating yet', () => {
    const back = resume({ version: 1, step: 'handoff' }, { resolved: false }, 'en', NOW);
    expect(back.state.step).toBe('listen');
    expect(back.replies).toHaveLength(1);
    expect(back.replies[0]?.options).toBeUndefined();
  });

  it('renders the handoff notice with the wait, the opening time and health advice', () => {
    expect(
      renderHandoffNotice('zh', {
        priority: 'normal',
        agentsOnline: 2,
        expectedWaitMinutes: 6,
        health: false,
      }),
    ).toMatch(/6 分钟/);
    expect(
      renderHandoffNotice('en', {
        priority: 'normal',
        agentsOnline: 0,
        expectedWaitMinutes: 600,
        opensAt: new Date('2025-06-11T01:00:00Z'),
        health: false,
      }),
    ).toMatch(/11 Jun, 09:00/);
    expect(
      renderHandoffNotice('en', {
        priority: 'urgent',
        agentsOnline: 1,
        expectedWaitMinutes: 1,
        health: true,
      }),
    ).toMatch(/see a doctor/);
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
