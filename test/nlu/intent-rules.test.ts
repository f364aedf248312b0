import { describe, expect, it } from 'vitest';
import { detectThreats } from '../../src/nlu/emotion.ts';
import { applyIntentRules, textForClassifier } from '../../src/nlu/intent-rules.ts';
import { normalizeText } from '../../src/nlu/normalize.ts';
import type { Intent } from '../../src/nlu/types.ts';

/** What the rules decide when the classifier read `text` as `intent` (runner-up `second`). */
function decided(text: string, intent: Intent, second: Intent = 'out_of_scope', confidence = 0.6): Intent {
  const lower = normalizeText(text);
  return applyIntentRules({
    lower,
    intent,
    confidence,
    ranking: [
      { intent, confidence },
      { intent: second, confidence: 0.2 },
    ],
    threats: detectThreats(lower),
    entities: [],
    hasPhoto: false,
  }).intent;
}

describe('INTENTS.md precedence after the classifier', () => {
  it('a grumble about the service that names a defect is that problem report', () => {
    expect(decided('客服爱理不理的，手机用两天就死机', 'complaint')).toBe('quality_issue');
    expect(decided('support never answers and the kettle stopped working', 'complaint')).toBe(
      'quality_issue',
    );
  });

  it('with a threat it stays a complaint', () => {
    expect(decided('手机用两天就死机，不处理就给差评', 'quality_issue')).toBe('complaint');
  });

  it('a complaint already made is told, not threatened: the problem stays the report', () => {
    expect(decided('快递五天才到，投诉了也没用', 'delivery_problem')).toBe('delivery_problem');
    expect(decided('快递五天才到，再不送我就投诉', 'delivery_problem')).toBe('complaint');
  });

  it('a problem named in a question about the rules or a supposed case is no report', () => {
    expect(decided('只要坏了就可以换新吗？', 'policy_question', 'quality_issue')).toBe('policy_question');
    expect(decided('杯子坏了，可以换新吗？', 'exchange_request', 'quality_issue')).toBe('quality_issue');
  });

  it('a request names the problem among the model’s top intents before the problem wins', () => {
    expect(decided('杯子碎了，我要退款', 'refund_request', 'damaged_item')).toBe('damaged_item');
    expect(decided('杯子碎了，我要退款', 'refund_request', 'return_request')).toBe('refund_request');
  });

  it('a refund that has not arrived is no delivery problem, and damage the buyer caused is no report', () => {
    expect(decided('退款怎么还没到', 'case_status', 'delivery_problem')).toBe('case_status');
    expect(decided('我自己摔坏的，能修吗', 'exchange_request', 'damaged_item')).toBe('exchange_request');
  });

  it('a long message the model took for small talk still reports its problem', () => {
    const review = '收到以后用了一个星期，每天晚上都会自动重启好几次，真的很影响使用';
    expect(decided(review, 'out_of_scope')).toBe('quality_issue');
    expect(decided('好的，自动重启', 'affirm')).toBe('affirm');
  });
});

describe('what is not after-sales, and what is asked instead', () => {
  it('a price that dropped after the purchase is out of scope unless a defect is named too', () => {
    expect(decided('刚买三天就降价了一百，太坑了', 'complaint')).toBe('out_of_scope');
    expect(decided('刚买就降价了，而且还死机', 'quality_issue')).toBe('quality_issue');
  });

  it('an event that was called off makes the money for it a refund request', () => {
    expect(decided('the concert was postponed, how can I get my money?', 'case_status')).toBe(
      'refund_request',
    );
  });

  it('asking about the rules of refunds is a policy question; wanting one now is not', () => {
    expect(decided("what's your money back guarantee?", 'refund_request')).toBe('policy_question');
    expect(decided('I want a refund, your policy says 30 days', 'refund_request')).toBe('refund_request');
  });

  it('the money of a refund is tracked as a case, a parcel as a delivery', () => {
    expect(decided('track my reimbursement please', 'delivery_problem')).toBe('case_status');
    expect(decided('track the parcel with my refund papers', 'delivery_problem')).toBe('delivery_problem');
  });
});

describe('compensation asked about, demanded, or already claimed', () => {
  it('whether the shop compensates is a question about the rules; a demand stays a demand', () => {
    expect(decided('坏果包赔吗', 'compensation_demand')).toBe('policy_question');
    expect(decided('万一路上摔坏了怎么赔', 'compensation_demand')).toBe('policy_question');
    expect(decided('do you offer compensation for late orders?', 'compensation_demand')).toBe(
      'policy_question',
    );
    expect(decided('必须赔我三倍', 'compensation_demand')).toBe('compensation_demand');
    expect(decided('我这个是假货，能赔吗', 'compensation_demand')).toBe('compensation_demand');
  });

  it('keeps the probability the classifier gave the intent a rule chooses', () => {
    const lower = normalizeText('坏果赔吗');
    const result = applyIntentRules({
      lower,
      intent: 'compensation_demand',
      confidence: 0.13,
      ranking: [
        { intent: 'policy_question', confidence: 0.86 },
        { intent: 'compensation_demand', confidence: 0.13 },
      ],
      threats: [],
      entities: [],
      hasPhoto: false,
    });
    expect(result).toEqual({ intent: 'policy_question', confidence: 0.86 });
  });

  it('a problem said with the question is the report, and a claim filed is a case', () => {
    expect(decided('赔吗？杯子碎了', 'compensation_demand')).toBe('damaged_item');
    expect(decided('丢件的赔偿到账了吗', 'compensation_demand')).toBe('case_status');
  });
});

describe('questions that are wants, and wants that are questions', () => {
  it('asking what a word of the rules covers is a policy question, not the problem', () => {
    expect(decided('质量问题指哪方面呢？', 'quality_issue')).toBe('policy_question');
    expect(decided('what counts as damaged?', 'damaged_item')).toBe('policy_question');
    expect(decided('质量太差了', 'quality_issue')).toBe('quality_issue');
  });

  it('asking whether this item of one’s own can go back is the request', () => {
    expect(decided('我买的音箱不合适，可以退吗', 'policy_question')).toBe('return_request');
    expect(decided('这件能不能换个大码', 'policy_question')).toBe('exchange_request');
    expect(decided('七天无理由能退吗', 'policy_question')).toBe('policy_question');
    expect(decided('如果我的不合适，可以退吗', 'policy_question')).toBe('policy_question');
  });

  it('stopping a parcel to get the money back is a refund, not a late delivery', () => {
    expect(decided('还没收到货，拦截退款吧', 'delivery_problem')).toBe('refund_request');
    expect(decided('等了好几天还没到，拦截退款', 'delivery_problem')).toBe('delivery_problem');
  });
});

describe('a weak guess at a dialogue act or at data', () => {
  /** The rules on a guess of `intent` at confidence 0.3. */
  const weak = (text: string, intent: Intent): Intent => decided(text, intent, 'out_of_scope', 0.3);

  it('is not understood when nothing in it says yes, hello or looks like data', () => {
    expect(weak('阿巴阿巴', 'provide_info')).toBe('out_of_scope');
    expect(weak('asdf', 'affirm')).toBe('out_of_scope');
  });

  it('stands when the message has the word or the shape', () => {
    expect(weak('好吧', 'affirm')).toBe('affirm');
    expect(weak('手机充电器', 'provide_info')).toBe('provide_info');
    expect(weak('朝阳区建国路88号', 'provide_info')).toBe('provide_info');
  });
});

describe('the text the classifier reads', () => {
  it('leaves out links and a greeting in front, unless that is all there is', () => {
    expect(textForClassifier(normalizeText('您好，我想退货 https://item.example.com/1.html')).trim()).toBe(
      '我想退货',
    );
    expect(textForClassifier(normalizeText('你好 在吗'))).toBe(normalizeText('你好 在吗'));
    expect(textForClassifier(normalizeText('hi there, where is my parcel?'))).toBe('where is my parcel?');
  });

  it('leaves out praise of the delivery, but not an urging', () => {
    expect(textForClassifier(normalizeText('物流很快，但是赠品没有'))).not.toContain('物流很快');
    expect(textForClassifier(normalizeText('能不能发货快点'))).toBe(normalizeText('能不能发货快点'));
    expect(textForClassifier(normalizeText('物流很快'))).toBe(normalizeText('物流很快'));
  });
});
