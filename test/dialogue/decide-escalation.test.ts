import { describe, expect, it } from 'vitest';
import { decide, renderHandoffNotice, resume } from '../../src/dialogue/index.ts';
import { chat, text } from './chat.ts';
import { analysis, NOW, ORDERS, turn } from './fixtures.ts';

/* decide: every way a conversation goes to a person, and how the bot takes it back. */

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
