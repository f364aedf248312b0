import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCalmdeskError } from '../../src/core/errors.ts';
import { createNlu, type Nlu } from '../../src/nlu/index.ts';
import { loadIntents } from '../../src/nlu/intents-file.ts';

const FIXTURE = resolve(import.meta.dirname, 'fixtures/intents');
const now = new Date('2026-11-22T10:00:00Z');
let dir: string;
let nlu: Nlu;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calmdesk-nlu-'));
  nlu = await createNlu({ intentsDir: FIXTURE, cacheDir: join(dir, 'cache'), modelsDir: join(dir, 'none') });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('analyze: a buyer writes', () => {
  it('"杯子碎了，我要退款" → damaged_item, problem damaged, wants refund_only', () => {
    const a = nlu.analyze('杯子碎了，我要退款', { now });
    expect(a).toMatchObject({
      intent: 'damaged_item',
      language: 'zh',
      slots: { problem: 'damaged', wants: 'refund_only' },
      escalate: false,
      truncated: false,
    });
    expect(a.confidence).toBeGreaterThan(0);
    expect(a.ranking[0]?.intent).toBeDefined();
  });

  it('the same in Traditional Chinese and full-width punctuation', () => {
    expect(nlu.analyze('杯子碎了！我要退款', { now }).intent).toBe('damaged_item');
    expect(nlu.analyze('盤子裂開了，我要退款', { now }).intent).toBe('damaged_item');
  });

  it('a threat makes it a complaint that escalates, whatever else it says', () => {
    const a = nlu.analyze('杯子碎了还不处理，我要打12315投诉你们！！！', { now });
    expect(a.intent).toBe('complaint');
    expect(a.threats).toEqual(expect.arrayContaining(['regulator', 'platform_complaint']));
    expect(a.escalate).toBe(true);
    expect(a.escalation_reasons).toContain('threat');
  });

  it('health harm comes first and escalates', () => {
    const a = nlu.analyze('用了之后过敏了，脸上全是红肿', { now });
    expect(a.intent).toBe('health_safety');
    expect(a.escalation_reasons).toContain('health_safety');
  });

  it('asking for a human escalates as human_requested', () => {
    const a = nlu.analyze('转人工', { now });
    expect(a.intent).toBe('human_agent');
    expect(a.escalation_reasons).toEqual(['human_requested']);
  });

  it('fury escalates on anger alone', () => {
    const a = nlu.analyze('WHERE IS MY ORDER?!?! you scammers, this is a joke!!!', { now });
    expect(a.anger).toBeGreaterThanOrEqual(0.7);
    expect(a.escalation_reasons).toContain('anger');
  });

  it('only an order number, or only a photo, is provide_info', () => {
    const order = nlu.analyze('订单号：２０２６ １１１８ １２３４ ５６７８', { now });
    expect(order.intent).toBe('provide_info');
    expect(order.entities[0]).toMatchObject({ type: 'order_id', value: '2026111812345678' });
    const photo = nlu.analyze('', { now, attachments: [{ kind: 'photo' }] });
    expect(photo.intent).toBe('provide_info');
    expect(photo.entities).toEqual([{ type: 'photo', value: 'photo', raw: '', start: 0, end: 0 }]);
  });
});

describe('analyze: INTENTS.md definitions the model alone could miss', () => {
  it('asking an agent to do something is that thing, not a request for a person', () => {
    expect(nlu.analyze('can you ask an agent to cancel my order?').intent).toBe('cancel_order');
  });

  it('something else that was cancelled, and a refund wanted, is a refund request', () => {
    expect(nlu.analyze('the concert was cancelled, I want my money back').intent).toBe('refund_request');
  });

  it('asking what cancelling costs is a policy question', () => {
    expect(nlu.analyze('is there a fee if I cancel my order?').intent).toBe('policy_question');
  });

  it('asking where a refund is, is about a case already open', () => {
    expect(nlu.analyze('where is my refund?').intent).toBe('case_status');
  });

  it('praise for the delivery does not make the report a delivery problem', () => {
    expect(nlu.analyze('物流很快，但是手机很卡').intent).toBe('quality_issue');
  });

  it('"nothing else, thanks" closes the conversation', () => {
    expect(nlu.analyze('没有了，谢谢').intent).toBe('thanks');
  });

  it('itching after use is a health matter', () => {
    expect(nlu.analyze('这个沐浴露用完以后全身发痒').intent).toBe('health_safety');
  });

  it('asking about the refund rules is a policy question, not a refund request', () => {
    expect(nlu.analyze('tell me about your refund policy').intent).toBe('policy_question');
  });

  it('an invoice question is out of scope', () => {
    expect(nlu.analyze('发票什么时候开给我').intent).toBe('out_of_scope');
  });
});

describe('analyze: bad input gives a result in bounded time, never an exception', () => {
  const cases: [string, string][] = [
    ['100 KB of text', '退款'.repeat(50_000)],
    ['an emoji flood', '😡'.repeat(5000)],
    ['emoji only', '😀🙏'],
    ['a bare number', '12345'],
    ['one character', '好'],
    ['empty', ''],
    ['zero-width and RTL characters', '\u200b\u200f\u202e\u2066\ufeff'],
    ['HTML and markdown', '<script>alert(1)</script> **bold** [link](http://x.example)'],
    ['Japanese', 'これはいくらですか？配送について教えてください'],
    ['Spanish', '¿Dónde está la biblioteca más cercana, por favor?'],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const started = performance.now();
      const a = nlu.analyze(text, { now });
      expect(performance.now() - started).toBeLessThan(500);
      expect(a.confidence).toBeGreaterThanOrEqual(0);
      expect(a.confidence).toBeLessThanOrEqual(1);
      expect(a.anger).toBeGreaterThanOrEqual(0);
      expect(a.anger).toBeLessThanOrEqual(1);
      expect(Array.isArray(a.entities)).toBe(true);
    });
  }

  it('truncates long text and says so', () => {
    expect(nlu.analyze('a'.repeat(100_000)).truncated).toBe(true);
  });

  it('says out_of_scope for languages it does not read and for nothing at all', () => {
    expect(nlu.analyze('これはいくらですか？配送について教えてください').intent).toBe('out_of_scope');
    expect(nlu.analyze('¿Dónde está la biblioteca más cercana, por favor?').intent).toBe('out_of_scope');
    expect(nlu.analyze('').intent).toBe('out_of_scope');
    expect(nlu.analyze(undefined as unknown as string).intent).toBe('out_of_scope');
  });
});

describe('the model cache', () => {
  it('was written under the intents hash and is reused on the next start', async () => {
    const files = readdirSync(join(dir, 'cache'));
    expect(files).toEqual([`${nlu.modelHash}.json`]);
    expect(nlu.modelSource).toBe('trained');
    const again = await createNlu({
      intentsDir: FIXTURE,
      cacheDir: join(dir, 'cache'),
      modelsDir: join(dir, 'none'),
    });
    expect(again.modelSource).toBe('cache');
    expect(again.modelHash).toBe(nlu.modelHash);
    expect(again.analyze('where is my order').intent).toBe(nlu.analyze('where is my order').intent);
  });
});

describe('intents files', () => {
  it('lists every problem with its file', () => {
    const bad = mkdtempSync(join(tmpdir(), 'calmdesk-intents-'));
    writeFileSync(join(bad, 'greeting.yaml'), 'name: greeting\ndescription: hi\nzh: [你好]\n');
    writeFileSync(
      join(bad, 'refund.yaml'),
      'name: refund_request\ndescription: x\nzh: [退款]\nen: [refund]\n',
    );
    writeFileSync(join(bad, 'broken.yaml'), 'name: [unclosed\n');
    try {
      loadIntents(bad);
      expect.unreachable();
    } catch (error) {
      expect(isCalmdeskError(error, 'CALMDESK_INTENTS_INVALID')).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain('greeting.yaml: en');
      expect(message).toContain('refund.yaml: name "refund_request" does not match the file name');
      expect(message).toContain('broken.yaml: not valid YAML');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
    expect(existsSync(bad)).toBe(false);
  });
});
