import { describe, expect, it } from 'vitest';
import { Engine, fitTemperature, trainEngine } from '../../src/nlu/engine.ts';
import { evaluate, rocAuc } from '../../src/nlu/metrics.ts';
import { choosePrecedence } from '../../src/nlu/precedence.ts';

/** A small synthetic shop: each intent has its own words, sentences vary around them. */
function synthetic(seed: number): { text: string; intent: string }[] {
  const topics: Record<string, string[]> = {
    weather: ['rain', 'sunny', 'forecast', 'umbrella', 'cloudy'],
    food: ['pizza', 'noodles', 'dinner', 'recipe', 'spicy'],
    travel: ['flight', 'hotel', 'passport', 'airport', 'luggage'],
    music: ['song', 'playlist', 'guitar', 'concert', 'album'],
  };
  const fillers = ['please', 'tell me about', 'i like', 'what about', 'any news on', 'my'];
  const out: { text: string; intent: string }[] = [];
  let r = seed;
  const next = (n: number): number => {
    r = (r * 1103515245 + 12345) % 2147483648;
    return r % n;
  };
  for (let i = 0; i < 240; i++) {
    const intent = Object.keys(topics)[i % 4]!;
    const words = topics[intent]!;
    out.push({
      text: `${fillers[next(fillers.length)]} ${words[next(5)]} ${words[next(5)]} ${fillers[next(fillers.length)]}`,
      intent,
    });
  }
  return out;
}

describe('the intent engine', () => {
  it('learns a small synthetic dataset and generalises to new sentences', () => {
    const engine = trainEngine(synthetic(1));
    const test = synthetic(7);
    const report = evaluate(
      test.map((t) => t.intent),
      test.map((t) => engine.classify(t.text).intent),
    );
    expect(report.accuracy).toBeGreaterThan(0.95);
    expect(engine.classify('will it rain, do I need an umbrella').intent).toBe('weather');
    expect(engine.classify('play that song from the album').intent).toBe('music');
  });

  it('gives calibrated probabilities, ranked, summing to at most one', () => {
    const engine = trainEngine(synthetic(1), { temperature: 0.3 });
    const result = engine.classify('spicy noodles recipe');
    expect(result.intent).toBe('food');
    expect(result.ranking).toHaveLength(3);
    expect(result.ranking[0]!.confidence).toBeGreaterThanOrEqual(result.ranking[1]!.confidence);
    expect(result.ranking.reduce((s, r) => s + r.confidence, 0)).toBeLessThanOrEqual(1.0000001);
  });

  it('falls back to the out-of-scope label under the threshold', () => {
    const engine = trainEngine(synthetic(1), { temperature: 0.3, threshold: 0.9, fallback: 'other' });
    expect(engine.classify('zzz qqq').intent).toBe('other');
    expect(engine.classify('flight hotel passport airport').intent).toBe('travel');
  });

  it('survives a round trip through its JSON form', () => {
    const engine = trainEngine(synthetic(1), { temperature: 0.25 });
    const copy = Engine.fromJSON(JSON.parse(JSON.stringify(engine.toJSON())));
    for (const text of ['guitar concert', 'hotel luggage', 'sunny forecast']) {
      const a = engine.classify(text);
      const b = copy.classify(text);
      expect(b.intent).toBe(a.intent);
      expect(b.confidence).toBeCloseTo(a.confidence, 2);
    }
  });

  it('fits a temperature that sharpens confident, correct scores', () => {
    const scores = [
      Float64Array.from([2, -1, -1]),
      Float64Array.from([-1, 2, -1]),
      Float64Array.from([-1, -1, 2]),
    ];
    expect(fitTemperature(scores, [0, 1, 2])).toBeLessThan(0.5);
  });

  it('applies INTENTS.md precedence among labels whose detectors fire', () => {
    const labels = ['complaint', 'damaged_item', 'greeting'];
    const scores = Float64Array.from([0.9, 0.3, -1]);
    expect(choosePrecedence(labels, scores, Number.POSITIVE_INFINITY)).toBe(0);
    expect(choosePrecedence(labels, scores, 0.2)).toBe(1);
    expect(choosePrecedence(labels, scores, 0.5)).toBe(0);
  });

  it('a detector the message gives almost no probability does not fire', () => {
    const labels = ['affirm', 'cancel_order'];
    const scores = Float64Array.from([2, 0.1]);
    expect(choosePrecedence(labels, scores, 0, Float64Array.from([0.7, 0.3]))).toBe(1);
    expect(choosePrecedence(labels, scores, 0, Float64Array.from([0.99, 0.01]))).toBe(0);
  });
});

describe('metrics', () => {
  it('computes accuracy, macro-F1 and confusions', () => {
    const report = evaluate(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
    expect(report.accuracy).toBe(0.75);
    expect(report.per_intent.a).toMatchObject({ precision: 1, recall: 0.5 });
    expect(report.confusions).toEqual([{ truth: 'a', predicted: 'b', count: 1 }]);
  });

  it('computes ROC-AUC with ties', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
    expect(rocAuc([0.5, 0.5], [false, true])).toBe(0.5);
  });
});
