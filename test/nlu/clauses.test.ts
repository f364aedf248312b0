import { describe, expect, it } from 'vitest';
import { splitClauses } from '../../src/nlu/clauses.ts';
import { type Example, trainEngine } from '../../src/nlu/engine.ts';
import { normalizeText } from '../../src/nlu/normalize.ts';

const clauses = (text: string): string[] => splitClauses(normalizeText(text));

describe('clauses of a message', () => {
  it('a message of one sentence is one clause', () => {
    expect(clauses('我的快递到哪了')).toEqual(['我的快递到哪了']);
    expect(clauses('where is my parcel?')).toEqual(['where is my parcel?']);
  });

  it('ends a clause at sentence punctuation, full-width or not, and keeps it', () => {
    expect(clauses('客服半天不回。杯子碎了！')).toEqual(['客服半天不回.', '杯子碎了!']);
    expect(clauses('The support was slow. The mug arrived cracked!')).toEqual([
      'the support was slow.',
      'the mug arrived cracked!',
    ]);
  });

  it('ends a Chinese clause at a space between two Han characters, as chat buyers write', () => {
    expect(clauses('买错了 这个灯没有开关')).toEqual(['买错了', '这个灯没有开关']);
  });

  it('keeps decimals, web addresses and a lone word with their neighbours', () => {
    expect(clauses('it costs 3.5 dollars, see www.example.com for it')).toHaveLength(1);
    expect(clauses('ok. where is my parcel?')).toEqual(['ok. where is my parcel?']);
  });
});

/** A few examples per intent, in words of their own (labels from INTENTS.md, so precedence applies). */
function shop(): Example[] {
  const words: Record<string, string[]> = {
    damaged_item: ['cracked', 'shattered', 'smashed', 'dented', 'broken glass'],
    complaint: ['rude staff', 'terrible service', 'nobody answers', 'slow support', 'awful attitude'],
    thanks: ['thanks a lot', 'thank you', 'many thanks', 'cheers', 'bye now'],
  };
  const frames = ['the mug is {}', '{} again', 'honestly {}', '{} today', 'so {}', 'just {}'];
  const out: Example[] = [];
  for (const [intent, list] of Object.entries(words)) {
    for (const w of list) for (const f of frames) out.push({ text: f.replace('{}', w), intent });
  }
  return out;
}

describe('reading clauses for precedence', () => {
  const examples = shop();

  it('a confident problem clause wins over a grumble that fills the rest of the message', () => {
    const text = 'terrible service, rude staff, nobody answers, awful attitude. the mug is cracked.';
    const reading = trainEngine(examples, { temperature: 0.3, clauseMin: 0.5 });
    expect(reading.classify(text).intent).toBe('damaged_item');
    const whole = trainEngine(examples, { temperature: 0.3 });
    expect(whole.classify(text).intent).toBe('complaint');
  });

  it('a clause of thanks does not displace what the whole message says', () => {
    const engine = trainEngine(examples, { temperature: 0.3, clauseMin: 0.5 });
    expect(engine.classify('the mug is smashed. thanks a lot').intent).toBe('damaged_item');
  });
});
