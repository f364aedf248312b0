import { describe, expect, it } from 'vitest';
import { angerScore, detectThreats } from '../../src/nlu/emotion.ts';
import { foldText } from '../../src/nlu/normalize.ts';
import { extractSlots } from '../../src/nlu/slots.ts';

const anger = (text: string): number => angerScore(foldText(text).text);
const threats = (text: string): string[] => detectThreats(foldText(text).text);

describe('threats', () => {
  it('names each kind of threat in both languages', () => {
    expect(threats('再不处理我就给差评')).toEqual(['bad_review']);
    expect(threats('我要打12315，还要去消协')).toEqual(['regulator']);
    expect(threats('不退款我就曝光你们，再找律师')).toEqual(['exposure', 'lawyer']);
    expect(threats('我要报警')).toEqual(['police']);
    expect(threats("I'll leave a bad review and report you")).toEqual(['bad_review', 'platform_complaint']);
    expect(threats('my lawyer will hear about this, and I will file a chargeback')).toEqual([
      'lawyer',
      'chargeback',
    ]);
  });

  it('does not count a threat said as a negation, nor numbers that only contain 12315', () => {
    expect(threats('放心，我不会给差评的')).toEqual([]);
    expect(threats("don't worry, I won't leave a bad review")).toEqual([]);
    expect(threats('订单2026123150001')).toEqual([]);
  });

  it('a review explaining its rating, or a photo that is over-exposed, threatens nobody', () => {
    expect(threats('给一星的原因是包装太简陋')).toEqual([]);
    expect(threats('晚上拍照曝光严重')).toEqual([]);
    expect(threats('再不退款就给你们一星')).toEqual(['bad_review']);
    expect(threats('我要曝光你们')).toEqual(['exposure']);
  });
});

describe('anger', () => {
  it('orders calm < annoyed < furious in Chinese', () => {
    const calm = anger('你好，请问我的快递到哪了？');
    const annoyed = anger('怎么还没发货？都三天了，到底什么时候发');
    const furious = anger('你们这群骗子！！！垃圾店，气死我了，什么玩意？？？');
    expect(calm).toBeLessThan(annoyed);
    expect(annoyed).toBeLessThan(furious);
    expect(calm).toBeLessThan(0.2);
    expect(furious).toBeGreaterThanOrEqual(0.7);
  });

  it('orders calm < annoyed < furious in English, with capitals and sarcasm', () => {
    const calm = anger('Hi, could you tell me where my parcel is? Thanks');
    const annoyed = anger('Still no update on my order. This is frustrating.');
    const furious = anger('THIS IS A SCAM!!! Great, just great. Worst shop ever, you idiots');
    expect(calm).toBeLessThan(annoyed);
    expect(annoyed).toBeLessThan(furious);
    expect(furious).toBeGreaterThanOrEqual(0.7);
  });

  it('hears everyday annoyance and swearing, not the words they are made of', () => {
    expect(anger('好烦啊，打印机又卡纸了')).toBeGreaterThan(anger('打印机又卡纸了'));
    expect(anger('这个柚子一整个没法吃，大爷的')).toBeGreaterThan(0.4);
    expect(anger('以前有大爷的日子，垃圾桶天天干干净净')).toBeLessThan(0.2);
  });

  it('hears sarcasm markers', () => {
    expect(anger('呵呵，真是服了你们')).toBeGreaterThan(anger('好的，知道了'));
  });
});

describe('slots', () => {
  it('keeps the problem and the wanted remedy of one message', () => {
    expect(extractSlots('杯子碎了,我要退款', 'damaged_item')).toEqual({
      problem: 'damaged',
      wants: 'refund_only',
    });
    expect(extractSlots('发错货了,给我换货', 'wrong_item')).toEqual({
      problem: 'wrong_item',
      wants: 'exchange',
    });
    expect(extractSlots('i want to return it for a refund', 'return_request')).toMatchObject({
      wants: 'return_refund',
    });
    expect(extractSlots('能补发吗,少了一件', 'missing_item')).toEqual({
      problem: 'missing',
      wants: 'reship',
    });
  });

  it('reads the resale condition and respects negation', () => {
    expect(extractSlots('不想要了,吊牌还在没穿过', 'return_request').condition).toBe('resaleable');
    expect(extractSlots('已经洗过了', 'return_request').condition).toBe('used');
    expect(extractSlots('tags still on, never worn', 'return_request').condition).toBe('resaleable');
    expect(extractSlots('我不要退款,换一个吧', 'exchange_request').wants).toBe('exchange');
  });
});
