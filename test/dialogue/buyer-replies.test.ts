import { describe, expect, it } from 'vitest';
import { decide, followUp } from '../../src/dialogue/index.ts';
import type { Decision, DialogueState } from '../../src/dialogue/types.ts';
import type { Order } from '../../src/orders/types.ts';
import type { PromiseRecord } from '../../src/storage/store.ts';
import { analysis, NOW, ORDERS, order, type Turn, turn } from './fixtures.ts';

/*
 * Replies read as a buyer reads them: one question at a time, one acknowledgement at a time, nothing
 * promised "within 24 hours" that is done now, no answer taken for one the buyer did not give.
 */

function chat(initial: DialogueState | null = null) {
  let state = initial;
  return (t: Turn): Decision => {
    const d = turn(state, t, decide);
    state = d.state;
    return d;
  };
}

const text = (d: Decision) => d.replies.map((r) => r.text).join('\n');
const count = (s: string, pattern: RegExp) => (s.match(new RegExp(pattern, 'g')) ?? []).length;
const outcomes = (d: Decision) =>
  d.events.filter((e) => e.type === 'case_outcome').map((e) => e.data.outcome);

const mug = order('CD10001', {
  state: 'unpaid',
  amount: 78,
  items: [{ sku: 'KW-MUG-WHT', name: '白瓷马克杯 White porcelain mug', quantity: 2, price: 39 }],
});
delete (mug as Partial<Order>).delivered_at;
delete (mug as Partial<Order>).shipped_at;

describe('in transit: wait or intercept, asked with two buttons', () => {
  for (const [lang, words] of [
    ['zh', '不想等了，直接退款'],
    ['en', "I don't want to wait, refund me"],
  ] as const) {
    it(`"${words}" goes straight to the intercept confirmation`, () => {
      const d = turn(
        null,
        {
          analysis: analysis('refund_request', { language: lang, slots: { wants: 'refund_only' } }),
          text: words,
          order: ORDERS.shipped,
        },
        decide,
      );
      expect(d.trace).toMatchObject({ step: 'confirm', remedies_offered: ['intercept'] });
      expect(d.state.pending).toBe('confirm');
      // Why refund-only is refused is beside the point here: the refund they want is the intercept.
      expect(text(d)).not.toMatch(/仅退款|without returning/);
    });
  }

  it('a bare "好的" is no answer to "wait or intercept?": asked again, with the two buttons', () => {
    const say = chat();
    const first = say({ analysis: analysis('refund_request'), text: '我要退款', order: ORDERS.shipped });
    expect(first.replies[0]?.options?.map((o) => o.label)).toEqual(['再等等', '拦截并退款']);
    expect(text(first)).toMatch(/还是/);
    const again = say({ analysis: analysis('affirm'), text: '好的', order: ORDERS.shipped });
    expect(outcomes(again)).toEqual([]);
    expect(again.state.pending).toBe('wait_or_intercept');
    expect(again.replies[0]?.options).toHaveLength(2);
    expect(text(again)).toMatch(/再等等.*还是.*拦截|还是/);
    const chosen = say({ analysis: analysis('provide_info'), text: '拦截并退款', order: ORDERS.shipped });
    expect(chosen.trace).toMatchObject({ step: 'confirm', remedies_offered: ['intercept'] });
  });

  it('"yes" in English too; "I\'ll wait" closes the case', () => {
    const say = chat();
    say({
      analysis: analysis('refund_request', { language: 'en' }),
      text: 'refund please',
      order: ORDERS.shipped,
    });
    const again = say({
      analysis: analysis('affirm', { language: 'en' }),
      text: 'yes',
      order: ORDERS.shipped,
    });
    expect(outcomes(again)).toEqual([]);
    expect(text(again)).toMatch(/wait.*or.*intercept/i);
    const waits = say({
      analysis: analysis('affirm', { language: 'en' }),
      text: "ok, I'll wait",
      order: ORDERS.shipped,
    });
    expect(outcomes(waits)).toEqual(['buyer_waits']);
  });
});

describe('cancelling an unpaid order is done at once', () => {
  it('says it is cancelled now: no "24 hours", nothing refunded, the promise due at once', () => {
    const say = chat();
    const offer = say({
      analysis: analysis('cancel_order', { slots: { wants: 'cancel_order' } }),
      text: '帮我取消订单',
      order: mug,
    });
    expect(offer.trace.remedies_offered).toEqual(['cancel_order']);
    // Nothing was paid, so there is no "全额退款" to announce.
    expect(text(offer)).not.toMatch(/退款/);
    const done = say({ analysis: analysis('affirm'), text: '确认', order: mug });
    expect(outcomes(done)).toEqual(['settled']);
    expect(text(done)).toMatch(/已经取消/);
    expect(text(done)).not.toMatch(/小时|有进展|到时/);
    expect(done.promises[0]?.due_at).toBe(NOW.toISOString());
    expect(done.actions?.[0]).toMatchObject({ remedy: 'cancel_order', order_id: 'CD10001' });
  });

  it('in English: "the order is cancelled", not "will be cancelled within 24 hours"', () => {
    const say = chat();
    say({ analysis: analysis('cancel_order', { language: 'en' }), text: 'cancel my order', order: mug });
    const done = say({ analysis: analysis('affirm', { language: 'en' }), text: 'confirm', order: mug });
    expect(text(done)).toMatch(/is cancelled/);
    expect(text(done)).not.toMatch(/within|hours|keep you posted/);
  });

  it('the follow-up job keeps that promise silently (the buyer heard it done)', () => {
    const promise: PromiseRecord = {
      id: 'pr-1',
      conversation_id: 'web:c1' as PromiseRecord['conversation_id'],
      kind: 'cancel_order',
      text: '订单已经取消，不会产生任何费用',
      due_at: NOW.toISOString(),
      order_id: 'CD10001',
      remedy: 'cancel_order',
      status: 'open',
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
    };
    const result = followUp(promise, { ...mug, state: 'cancelled' }, new Date(NOW.getTime() + 60_000));
    expect(result).toEqual({ status: 'kept', message: null });
  });

  it('a paid order still gets its refund deadline', () => {
    const say = chat();
    say({
      analysis: analysis('cancel_order', { slots: { wants: 'cancel_order' } }),
      text: '取消',
      order: ORDERS.paid,
    });
    const done = say({ analysis: analysis('affirm'), text: '确认', order: ORDERS.paid });
    expect(text(done)).toMatch(/24小时内/);
  });

  it('"取消了吗？" afterwards asks how it went: a status answer, not the offer again', () => {
    const say = chat();
    say({
      analysis: analysis('cancel_order', { slots: { wants: 'cancel_order' } }),
      text: '取消订单',
      order: mug,
    });
    say({ analysis: analysis('affirm'), text: '确认', order: mug });
    const d = say({
      analysis: analysis('cancel_order', { slots: { wants: 'cancel_order' } }),
      text: '取消了吗？',
      order: { ...mug, state: 'cancelled' },
    });
    expect(d.trace.policy_rule).toBe('case.status');
    expect(d.state.pending).toBeNull();
    expect(text(d)).toMatch(/办好/);
    // Nothing was paid: no word about banks.
    expect(text(d)).not.toMatch(/银行/);
  });
});

describe('one acknowledgement per reply', () => {
  it('an angry threat: one sympathy sentence, then the supervisor', () => {
    const d = turn(
      null,
      {
        analysis: analysis('complaint', { anger: 0.95, threats: ['regulator'] }),
        text: '你们这什么垃圾店，气死我了，我要投诉到12315',
        order: ORDERS.glasses,
      },
      decide,
    );
    expect(d.handoff?.reasons).toContain('threat');
    expect(count(text(d), /理解|心情/)).toBe(1);
    expect(text(d)).toMatch(/主管/);
  });

  it('in English too, after the problem was acknowledged: the anger is heard once', () => {
    const say = chat();
    say({
      analysis: analysis('damaged_item', { language: 'en', slots: { problem: 'damaged' } }),
      text: 'my glasses arrived broken',
      order: ORDERS.glasses,
    });
    const d = say({
      analysis: analysis('complaint', { language: 'en', anger: 0.8, threats: ['bad_review'] }),
      text: "fix it today or I'm leaving a 1 star review everywhere",
      order: ORDERS.glasses,
    });
    expect(count(text(d), /understand|hear/gi)).toBe(1);
    expect(text(d)).toMatch(/supervisor/);
  });

  it('the strongest sympathy and the apology do not both promise to handle it', () => {
    const d = turn(
      null,
      { analysis: analysis('refund_request', { anger: 0.9 }), text: '气死了，退款！', order: ORDERS.paid },
      decide,
    );
    expect(count(text(d), /处理/)).toBeLessThanOrEqual(1);
  });

  it('an angry complaint while a photo is awaited is heard before the photo is asked again', () => {
    const say = chat();
    say({
      analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
      text: '碎了',
      order: ORDERS.glasses,
    });
    const d = say({
      analysis: analysis('complaint', { anger: 0.6 }),
      text: '太气人了，怎么做事的',
      order: ORDERS.glasses,
    });
    expect(d.handoff).toBeNull();
    expect(text(d)).toMatch(/理解|心情|着急|心烦/);
    expect(text(d)).toMatch(/照片/);
  });
});

describe('not understood while a question is pending: that question only', () => {
  it('at the confirmation: "didn\'t get it", the summary and its two buttons, no other question', () => {
    const say = chat();
    say({
      analysis: analysis('refund_request', { slots: { wants: 'refund_only' } }),
      text: '退款',
      order: ORDERS.paid,
    });
    const d = say({
      analysis: analysis('out_of_scope', { confidence: 0.2 }),
      text: '阿巴阿巴',
      order: ORDERS.paid,
    });
    expect(text(d)).toMatch(/没看懂|没太明白/);
    expect(text(d)).not.toMatch(/查物流|换个说法/);
    expect(text(d)).toMatch(/¥159/);
    expect(count(text(d), /[？?]/g)).toBeLessThanOrEqual(1);
    expect(d.replies[0]?.options?.map((o) => o.label)).toEqual(['确认', '换一个方案']);
    expect(d.state.pending).toBe('confirm');
  });

  it('in English, at the list of remedies: the list again with its buttons', () => {
    const say = chat();
    say({
      analysis: analysis('damaged_item', { language: 'en', slots: { problem: 'damaged' } }),
      text: 'broken',
      order: ORDERS.glasses,
      photo: true,
    });
    const d = say({
      analysis: analysis('out_of_scope', { language: 'en', confidence: 0.2 }),
      text: 'blah blah',
      order: ORDERS.glasses,
    });
    expect(text(d)).not.toMatch(/refund, a return or exchange, or a delivery|put it another way/);
    expect(text(d)).toMatch(/1\. /);
    expect(d.replies[0]?.options).toHaveLength(3);
  });
});

describe('more replies read aloud', () => {
  it('no photo: the buyer hears once that a colleague takes over', () => {
    const say = chat();
    say({
      analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
      text: '碎了',
      order: ORDERS.glasses,
    });
    const d = say({ analysis: analysis('provide_info'), text: '我没有拍照，扔了', order: ORDERS.glasses });
    expect(d.handoff?.reasons).toEqual(['outside_policy']);
    expect(count(text(d), /同事/g)).toBe(1);
  });

  it('a bare "ok" to a list of remedies: which one? — not the whole offer again', () => {
    const say = chat();
    say({
      analysis: analysis('damaged_item', { slots: { problem: 'damaged' } }),
      text: '碎了',
      order: ORDERS.glasses,
      photo: true,
    });
    const d = say({ analysis: analysis('affirm'), text: '好的', order: ORDERS.glasses });
    expect(text(d)).toMatch(/哪一个/);
    expect(d.replies[0]?.options).toHaveLength(3);
    expect(d.events.filter((e) => e.type === 'remedy_offered')).toEqual([]);
  });

  it('asking for a remedy not on the list: why not, the list once, and no refusal counted', () => {
    const say = chat();
    say({
      analysis: analysis('quality_issue', { slots: { problem: 'quality' } }),
      text: '开线了',
      order: ORDERS.jeans,
      photo: true,
    });
    const d = say({
      analysis: analysis('refund_request', { slots: { wants: 'refund_only' } }),
      text: '我要退款',
      order: ORDERS.jeans,
    });
    expect(d.state.refusals).toBe(0);
    expect(d.events.map((e) => e.type)).not.toContain('remedy_refused');
    // One sentence leads into the list, not three ("按规则…" + "换个方式：" + "有这几种…").
    expect(count(text(d), /[：:]\n|方式。|处理方式，/g)).toBeLessThanOrEqual(1);
    expect(text(d)).not.toMatch(/换个方式|看看这个|挑一个|哪种更合适|选一个/);
    expect(d.replies[0]?.options).toHaveLength(3);
  });

  it('a reship done: no word about banks, and not "will ship" as if still to come', () => {
    const say = chat();
    say({
      analysis: analysis('damaged_item', { language: 'en', slots: { problem: 'damaged' } }),
      text: 'broken',
      order: ORDERS.glasses,
      photo: true,
    });
    say({ analysis: analysis('provide_info', { language: 'en' }), text: '1', order: ORDERS.glasses });
    say({ analysis: analysis('affirm', { language: 'en' }), text: 'yes', order: ORDERS.glasses });
    const shippedAgain = { ...ORDERS.glasses, state: 'shipped' as const, shipped_at: NOW.toISOString() };
    const d = say({
      analysis: analysis('case_status', { language: 'en' }),
      text: 'any news?',
      order: shippedAgain,
      now: new Date(NOW.getTime() + 3_600_000),
    });
    expect(text(d)).toMatch(/done/);
    expect(text(d)).not.toMatch(/bank/i);
  });

  it('an unknown order number: said plainly, then one question — which order', () => {
    for (const [lang, words, recent] of [
      ['zh', '订单CD99999的杯子碎了', [ORDERS.glasses]],
      ['en', 'order CD99999 arrived damaged', []],
    ] as const) {
      const d = turn(
        null,
        {
          analysis: analysis('damaged_item', { language: lang, slots: { problem: 'damaged' } }),
          text: words,
          asked_id: 'CD99999',
          recent: [...recent],
        },
        decide,
      );
      expect(text(d)).toContain('CD99999');
      expect(count(text(d), /[？?]/g), text(d)).toBeLessThanOrEqual(1);
    }
  });

  it('the only remedy turned down ("那算了"): not pushed again, the door left open', () => {
    const say = chat();
    const first = say({
      analysis: analysis('return_request', { slots: { wants: 'return_refund', problem: 'changed_mind' } }),
      text: '不想要了，可以退吗',
      order: order('CD10011', { category: 'custom_made', amount: 128 }),
    });
    expect(first.trace.remedies_offered).toEqual(['coupon']);
    const d = say({
      analysis: analysis('deny'),
      text: '那算了',
      order: order('CD10011', { category: 'custom_made' }),
    });
    expect(d.handoff).toBeNull();
    expect(d.state.pending).toBeNull();
    expect(text(d)).not.toMatch(/确认一下|这几个方案/);
    expect(text(d)).toMatch(/改主意/);
  });
});
