import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as analyze } from '../../src/cli/analyze.ts';
import { run as evalCommand } from '../../src/cli/eval.ts';
import { run as intents } from '../../src/cli/intents.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { run as train } from '../../src/cli/train.ts';

const FIXTURE = resolve(import.meta.dirname, 'fixtures/intents');
let dir: string;

function io(input = ''): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  return {
    io: {
      stdin: Readable.from([input]),
      stdout,
      stderr,
      env: { CALMDESK_MODEL_CACHE_DIR: join(dir, 'cache') },
    },
    out: () => out,
    err: () => err,
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calmdesk-nlu-cli-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('calmdesk analyze', () => {
  it('answers each JSON line with one JSON line, and a bad line with an error line', async () => {
    const input = [
      JSON.stringify({ text: '杯子碎了，我要退款', id: 1 }),
      'this is not json',
      JSON.stringify({ nope: true }),
      '',
      JSON.stringify({ text: 'where is my order CD10482?', now: '2026-11-22T10:00:00Z' }),
      JSON.stringify({ text: '', attachments: [{ kind: 'photo' }] }),
    ].join('\n');
    const t = io(input);
    const code = await analyze(['--intents', FIXTURE], t.io);
    expect(code).toBe(0);
    const lines = t.out().trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({
      id: 1,
      intent: 'damaged_item',
      language: 'zh',
      slots: { problem: 'damaged' },
    });
    for (const key of [
      'intent',
      'confidence',
      'language',
      'anger',
      'entities',
      'escalate',
      'escalation_reasons',
      'threats',
      'slots',
      'truncated',
    ]) {
      expect(parsed[0]).toHaveProperty(key);
    }
    expect(parsed[1].error.code).toBe('CALMDESK_BAD_REQUEST');
    expect(parsed[2].error.code).toBe('CALMDESK_BAD_REQUEST');
    expect(parsed[3].entities[0]).toMatchObject({ type: 'order_id', value: 'CD10482' });
    expect(parsed[4].intent).toBe('provide_info');
    expect(t.err()).toContain('training the intent model');
  });

  it('prints help on --help and a usage error on an unknown flag', async () => {
    const help = io();
    expect(await analyze(['--help'], help.io)).toBe(0);
    expect(help.out()).toContain('usage: calmdesk analyze');
    const bad = io();
    expect(await analyze(['--nope'], bad.io)).toBe(2);
    expect(bad.out()).toBe('');
  });
});

describe('calmdesk eval', () => {
  it('trains the bare engine on --train and reports accuracy, macro-F1 and per-intent figures as JSON', async () => {
    const rows = (pairs: [string, string][]): string =>
      pairs.map(([text, intent]) => JSON.stringify({ text, intent })).join('\n');
    const trainFile = join(dir, 'train.jsonl');
    const testFile = join(dir, 'test.jsonl');
    const words: Record<string, string[]> = {
      pets: ['cat', 'dog', 'puppy', 'kitten'],
      food: ['pizza', 'pasta', 'salad', 'soup'],
    };
    const trainRows: [string, string][] = [];
    for (const [intent, list] of Object.entries(words)) {
      for (const a of list) for (const b of list) trainRows.push([`i like the ${a} and the ${b}`, intent]);
    }
    writeFileSync(trainFile, rows(trainRows));
    writeFileSync(
      testFile,
      rows([
        ['a cat and a puppy', 'pets'],
        ['soup with pasta', 'food'],
        ['dog food', 'pets'],
      ]),
    );
    const t = io();
    expect(await evalCommand(['--data', testFile, '--train', trainFile, '--json'], t.io)).toBe(0);
    const report = JSON.parse(t.out());
    expect(report.n).toBe(3);
    expect(report.accuracy).toBeGreaterThanOrEqual(2 / 3);
    expect(report).toHaveProperty('macro_f1');
    expect(report.per_intent.pets).toHaveProperty('f1');
  });

  it('prints a table with the intent model built from intents/', async () => {
    const testFile = join(dir, 'zh.jsonl');
    writeFileSync(testFile, `${JSON.stringify({ text: '快递到哪了', intent: 'delivery_problem' })}\n`);
    const t = io();
    expect(await evalCommand(['--data', testFile, '--intents', FIXTURE], t.io)).toBe(0);
    expect(t.out()).toContain('accuracy');
    expect(t.out()).toContain('delivery_problem');
  });

  it('needs --data', async () => {
    expect(await evalCommand([], io().io)).toBe(2);
  });
});

describe('calmdesk train', () => {
  it('retrains, writes the cache and can ship the model', async () => {
    const t = io();
    const models = join(dir, 'models');
    expect(await train(['--intents', FIXTURE, '--ship', '--models', models], t.io)).toBe(0);
    const summary = JSON.parse(t.out());
    expect(summary.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(readdirSync(models)).toEqual([`${summary.hash}.json`]);
    expect(t.err()).toMatch(/\[#+\] 6\/6/);
  });
});

describe('calmdesk intents check', () => {
  it('fails on thin intents and reports counts', async () => {
    const t = io();
    expect(await intents(['check', '--intents', FIXTURE, '--json'], t.io)).toBe(1);
    const report = JSON.parse(t.out());
    expect(report.errors.some((e: string) => e.startsWith('thin intent: greeting has 6 zh'))).toBe(true);
    expect(report.counts.greeting).toEqual({ zh: 6, en: 6 });
    expect(report.warnings.some((w: string) => w.startsWith('missing intent'))).toBe(true);
  });

  it('fails on the same example in two intents', async () => {
    const bad = join(dir, 'dup');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bad);
    const many = (prefix: string): string =>
      Array.from({ length: 60 }, (_, i) => `"${prefix} ${i}"`).join(', ');
    writeFileSync(
      join(bad, 'thanks.yaml'),
      `name: thanks\ndescription: t\nzh: [${many('谢谢')}, "好的谢谢"]\nen: [${many('thanks')}]\n`,
    );
    writeFileSync(
      join(bad, 'affirm.yaml'),
      `name: affirm\ndescription: a\nzh: [${many('好的')}, "好的，谢谢！"]\nen: [${many('ok')}]\n`,
    );
    const t = io();
    expect(await intents(['check', '--intents', bad], t.io)).toBe(1);
    expect(t.out()).toContain('duplicate across intents');
    expect(t.out()).toContain('好的谢谢');
  });

  it('needs the check subcommand', async () => {
    expect(await intents([], io().io)).toBe(2);
  });
});
