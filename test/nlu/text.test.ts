import { describe, expect, it } from 'vitest';
import { parseChineseNumber } from '../../src/nlu/chinese-numbers.ts';
import { conceptsOf } from '../../src/nlu/concepts.ts';
import { DEFAULT_FEATURES, extractFeatures, FeatureBag } from '../../src/nlu/features.ts';
import { detectLanguage } from '../../src/nlu/language.ts';
import { capText, foldText, normalizeText } from '../../src/nlu/normalize.ts';
import { segmentHan } from '../../src/nlu/segment.ts';

describe('normalisation', () => {
  it('folds full-width letters, digits and punctuation to half-width', () => {
    expect(foldText('ＯＲＤＥＲ　１２３４！？').text).toBe('ORDER 1234!?');
  });

  it('folds Traditional Chinese to Simplified, so 退貨 and 退货 are one word', () => {
    expect(normalizeText('我要退貨，換貨也行')).toBe('我要退货,换货也行');
    expect(normalizeText('退貨')).toBe(normalizeText('退货'));
  });

  it('drops zero-width and bidi characters but keeps offsets into the original text', () => {
    const raw = 're\u200bfu\u202end\ufeff!!';
    const folded = foldText(raw);
    expect(folded.text).toBe('refund!!');
    expect(folded.offsets[2]).toBe(3);
    expect(folded.offsets[folded.text.length]).toBe(raw.length);
  });

  it('keeps case and repeated punctuation as signals, lower-cases for the classifier', () => {
    expect(foldText('WHERE IS IT？？？').text).toBe('WHERE IS IT???');
    expect(normalizeText('WHERE IS IT？？？')).toBe('where is it???');
  });

  it('caps long text without splitting an emoji', () => {
    const long = `${'a'.repeat(1999)}😀rest`;
    const capped = capText(long);
    expect(capped.truncated).toBe(true);
    expect(capped.text.length).toBe(1999);
    expect(capText('short').truncated).toBe(false);
  });

  it('reads Chinese numerals as buyers write them', () => {
    expect(parseChineseNumber('两')).toBe(2);
    expect(parseChineseNumber('三十五')).toBe(35);
    expect(parseChineseNumber('一千五')).toBe(1500);
    expect(parseChineseNumber('一千零五')).toBe(1005);
    expect(parseChineseNumber('十二')).toBe(12);
    expect(parseChineseNumber('好')).toBeUndefined();
  });
});

describe('segmentation of the domain words', () => {
  it('keeps remedies, problems and threats whole', () => {
    expect(segmentHan('我要仅退款')).toContain('仅退款');
    expect(segmentHan('退货退款还是换货')).toEqual(expect.arrayContaining(['退货退款', '换货']));
    expect(segmentHan('七天无理由可以吗')).toContain('七天无理由');
    expect(segmentHan('你们发错货了')).toContain('发错货');
    expect(segmentHan('我要去消协投诉')).toEqual(expect.arrayContaining(['消协', '投诉']));
  });

  it('cuts ordinary text with the dictionary', () => {
    expect(segmentHan('今天天气不错').join('|')).not.toBe('今|天|天|气|不|错');
  });
});

describe('features', () => {
  const featuresOf = (text: string): number => {
    const bag = new FeatureBag();
    extractFeatures(normalizeText(text), DEFAULT_FEATURES, bag);
    return bag.size;
  };

  it('never leaves a message without features', () => {
    for (const text of ['', '😀😀😀', '12345678', '好', '?', 'x'])
      expect(featuresOf(text)).toBeGreaterThan(0);
  });

  it('maps synonyms in both languages to one concept', () => {
    expect(conceptsOf(normalizeText('I want a reimbursement'))).toContain('refund');
    expect(conceptsOf(normalizeText('把钱退给我'))).toContain('refund');
    expect(conceptsOf(normalizeText('hi there'))).toContain('greeting');
    expect(conceptsOf(normalizeText('this is his order'))).not.toContain('greeting');
  });
});

describe('language', () => {
  it('tells Chinese, English and mixed messages apart', () => {
    expect(detectLanguage('杯子碎了，我要退款')).toBe('zh');
    expect(detectLanguage('The mug arrived broken')).toBe('en');
    expect(detectLanguage('我要refund please，太慢了')).toBe('mixed');
    expect(detectLanguage('iPhone坏了')).toBe('zh');
    expect(detectLanguage('订单CD10482坏了')).toBe('zh');
    expect(detectLanguage('😀 12345')).toBe('mixed');
  });
});
