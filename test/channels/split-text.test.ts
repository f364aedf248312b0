import { describe, expect, it } from 'vitest';
import { buyerGreeting, greetingLanguage, languageOfText } from '../../src/channels/greeting.ts';
import { OptionButtons } from '../../src/channels/option-buttons.ts';
import { splitText, withOptionsListed } from '../../src/channels/split-text.ts';

describe('splitting a long reply for a platform', () => {
  it('leaves a reply that fits alone', () => {
    expect(splitText('  We will refund you today.  ', 100)).toEqual(['We will refund you today.']);
  });

  it('cuts English at sentence ends, never in a sentence', () => {
    const text =
      'The parcel left our warehouse on Monday. It is with the courier now! Can you wait two more days? Thanks.';
    const parts = splitText(text, 70);
    expect(parts).toEqual([
      'The parcel left our warehouse on Monday. It is with the courier now!',
      'Can you wait two more days? Thanks.',
    ]);
  });

  it('cuts Chinese after 。！？ even without spaces, keeping closing quotes with their sentence', () => {
    const text = '您好，包裹已经发出。快递显示“正在派送。”请您今天留意电话！如有问题随时联系我们。';
    const parts = splitText(text, 24);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(24);
    expect(parts.join('')).toBe(text);
    expect(parts[0]).toBe('您好，包裹已经发出。快递显示“正在派送。”');
  });

  it('prefers a paragraph break when one is in reach', () => {
    const text = `${'First paragraph sentence one. Sentence two.'}\n\n${'Second paragraph. More.'}`;
    expect(splitText(text, 60)).toEqual([
      'First paragraph sentence one. Sentence two.',
      'Second paragraph. More.',
    ]);
  });

  it('falls back to spaces, and cuts an unbroken run hard without splitting an emoji', () => {
    expect(splitText('aaaa bbbb cccc', 9)).toEqual(['aaaa bbbb', 'cccc']);
    const emoji = '😀'.repeat(5); // 10 UTF-16 code units
    const parts = splitText(emoji, 3);
    expect(parts.join('')).toBe(emoji);
    for (const part of parts) expect(part).toMatch(/^(?:😀)+$/u);
  });

  it('always fits the limit and loses nothing but whitespace, whatever the text (seeded fuzz)', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = ['退款', '。', '！', 'word', ' ', '\n', '\n\n', '. ', '😀', '“', '”', 'x'.repeat(30)];
    for (let round = 0; round < 300; round++) {
      const text = Array.from(
        { length: Math.floor(random() * 200) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join('');
      const limit = 2 + Math.floor(random() * 60);
      const parts = splitText(text, limit);
      for (const part of parts) expect(part.length).toBeLessThanOrEqual(limit);
      expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
  });

  it('lists reply options as text for buyers without buttons, unless the text names them all', () => {
    const options = [
      { label: 'Refund', value: 'refund_only' },
      { label: 'Exchange', value: 'exchange' },
    ];
    expect(withOptionsListed('Which would you like?', options)).toBe(
      'Which would you like?\n\n• Refund\n• Exchange',
    );
    expect(withOptionsListed('Refund or exchange?', options)).toBe('Refund or exchange?');
    expect(withOptionsListed('Hello', undefined)).toBe('Hello');
  });
});

describe('option buttons', () => {
  it('carry short values as they are and long values by digest', () => {
    const buttons = new OptionButtons(64);
    expect(buttons.encode('refund_only')).toBe('o:refund_only');
    const long = `order:${'A'.repeat(80)}`;
    const data = buttons.encode(long);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(buttons.decode(data)).toBe(long);
    expect(new OptionButtons(64).decode(data)).toBeNull();
    expect(buttons.decode('cd:claim:abc')).toBeNull();
  });
});

describe('the greeting', () => {
  it('speaks Chinese to any zh locale or Han text, English otherwise', () => {
    expect(['zh', 'zh-hans', 'zh-TW', 'ZH-hk'].map(greetingLanguage)).toEqual(['zh', 'zh', 'zh', 'zh']);
    expect([undefined, null, 'en', 'ja', ''].map(greetingLanguage)).toEqual(['en', 'en', 'en', 'en', 'en']);
    expect(languageOfText('我的快递没到')).toBe('zh');
    expect(languageOfText('where is my parcel')).toBe('en');
    expect(buyerGreeting('zh')).not.toBe(buyerGreeting('en'));
  });
});
