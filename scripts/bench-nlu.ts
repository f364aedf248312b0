/**
 * NLU benchmark: `npm run bench:nlu [-- --quick] [-- --skip-engines] [-- --skip-eval]`.
 *
 * 1. Engines side by side on ../shared/bench (CLINC150 and BANKING77, train → test): calmdesk's
 *    engine, natural's BayesClassifier and NLP.js (node-nlp NlpManager): accuracy, training time,
 *    median/p99 classify time, memory. For CLINC150 also the out-of-scope recall with a threshold
 *    chosen on CLINC150 val only. `--quick` skips the slow peers.
 * 2. Chinese segmenters compared by 5-fold cross-validation on the zh examples of intents/.
 * 3. The shipped model (intents/) on ../shared/eval: intent accuracy and macro-F1, out_of_scope
 *    recall, anger ROC-AUC, plus start-up time and analyze() latency.
 * Prints one table and writes bench/results/nlu.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { angerScore } from '../src/nlu/emotion.ts';
import { type Engine, fitTemperature, probabilitiesOf, trainEngine } from '../src/nlu/engine.ts';
import { createNlu } from '../src/nlu/index.ts';
import { INTENT_MODEL_OPTIONS } from '../src/nlu/intent-model.ts';
import { examplesOf, loadIntents } from '../src/nlu/intents-file.ts';
import { evaluate, rocAuc } from '../src/nlu/metrics.ts';
import { foldText, normalizeText } from '../src/nlu/normalize.ts';
import { type SegmenterKind, segmentHan } from '../src/nlu/segment.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = resolve(ROOT, '../shared/bench');
const EVAL = resolve(ROOT, '../shared/eval');
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const require = createRequire(import.meta.url);

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

interface Row {
  text: string;
  intent: string;
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as T);
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}

/** JS heap plus typed-array buffers (where the engines keep their weights), in MB. */
function heapMb(): number {
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1e6;
}

interface EngineResult {
  dataset: string;
  engine: string;
  accuracy: number;
  macro_f1: number;
  train_s: number;
  classify_median_us: number;
  classify_p99_us: number;
  memory_mb: number;
  stdout_bytes?: number;
  oos_recall?: number;
  in_scope_accuracy_with_threshold?: number;
  threshold?: number;
}

interface Peer {
  name: string;
  train(rows: Row[]): Promise<void>;
  classify(text: string): Promise<string> | string;
}

function calmdeskPeer(holder: { engine?: Engine }): Peer {
  return {
    name: 'calmdesk',
    async train(rows) {
      holder.engine = trainEngine(rows, { c: 2 });
    },
    classify: (text) => holder.engine!.classify(text).intent,
  };
}

function bayesPeer(): Peer {
  const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier.js');
  const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js');
  const classifier = new BayesClassifier(PorterStemmer);
  return {
    name: 'natural Bayes',
    async train(rows) {
      for (const r of rows) classifier.addDocument(r.text, r.intent);
      classifier.train();
    },
    classify: (text) => classifier.classify(text) as string,
  };
}

function nlpjsPeer(): Peer {
  const { NlpManager } = require('node-nlp');
  const manager = new NlpManager({
    languages: ['en'],
    nlu: { log: false },
    autoSave: false,
    autoLoad: false,
  });
  return {
    name: 'NLP.js',
    async train(rows) {
      for (const r of rows) manager.addDocument('en', r.text, r.intent);
      await manager.train();
    },
    async classify(text) {
      const result = await manager.process('en', text);
      return String(result.intent);
    },
  };
}

/** Counts bytes a peer writes to stdout while `fn` runs (they must not print to the bot's stdout). */
async function watchStdout<T>(fn: () => Promise<T>): Promise<{ value: T; bytes: number }> {
  const original = process.stdout.write.bind(process.stdout);
  let bytes = 0;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    return { value: await fn(), bytes };
  } finally {
    process.stdout.write = original;
  }
}

async function benchPeer(dataset: string, peer: Peer, train: Row[], test: Row[]): Promise<EngineResult> {
  const before = heapMb();
  const started = performance.now();
  const { bytes: trainBytes } = await watchStdout(() => peer.train(train));
  const trainS = (performance.now() - started) / 1000;
  const memory = heapMb() - before;
  const times: number[] = [];
  const predicted: string[] = [];
  const { bytes: testBytes } = await watchStdout(async () => {
    // Warm-up: the first calls of any engine pay for JIT compilation, which a running bot pays once.
    for (const row of test.slice(0, 200)) await peer.classify(row.text);
    for (const row of test) {
      const t0 = performance.now();
      predicted.push(await peer.classify(row.text));
      times.push((performance.now() - t0) * 1000);
    }
  });
  times.sort((a, b) => a - b);
  const report = evaluate(
    test.map((r) => r.intent),
    predicted,
  );
  const result: EngineResult = {
    dataset,
    engine: peer.name,
    accuracy: report.accuracy,
    macro_f1: report.macro_f1,
    train_s: trainS,
    classify_median_us: quantile(times, 0.5),
    classify_p99_us: quantile(times, 0.99),
    memory_mb: memory,
    stdout_bytes: trainBytes + testBytes,
  };
  log(`  ${dataset} ${peer.name}: accuracy ${report.accuracy.toFixed(4)}, train ${trainS.toFixed(1)} s`);
  return result;
}

/** Out-of-scope threshold from CLINC150 val (in-scope only): reject at most 5 % of val. */
function clincOutOfScope(engine: Engine, val: Row[], test: Row[], oos: Row[]): Partial<EngineResult> {
  const labelIndex = new Map(engine.labels.map((l, i) => [l, i]));
  const valScores = val.map((r) => engine.scores(r.text));
  const temperature = fitTemperature(
    valScores,
    val.map((r) => labelIndex.get(r.intent) ?? 0),
  );
  const top = (s: Float64Array): { p: number; c: number } => {
    const p = probabilitiesOf(s, temperature);
    let c = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[c]!) c = k;
    return { p: p[c]!, c };
  };
  const valTop = valScores.map((s) => top(s).p).sort((a, b) => a - b);
  const threshold = quantile(valTop, 0.05);
  let inScopeOk = 0;
  for (const r of test) {
    const t = top(engine.scores(r.text));
    if (t.p >= threshold && engine.labels[t.c] === r.intent) inScopeOk += 1;
  }
  let rejected = 0;
  for (const r of oos) if (top(engine.scores(r.text)).p < threshold) rejected += 1;
  return {
    threshold,
    oos_recall: rejected / oos.length,
    in_scope_accuracy_with_threshold: inScopeOk / test.length,
  };
}

async function benchEngines(): Promise<EngineResult[]> {
  const results: EngineResult[] = [];
  for (const dataset of ['clinc150', 'banking77']) {
    const train = readJsonl<Row>(resolve(BENCH, `${dataset}-train.jsonl`));
    const test = readJsonl<Row>(resolve(BENCH, `${dataset}-test.jsonl`));
    log(`${dataset}: ${train.length} train, ${test.length} test`);
    const holder: { engine?: Engine } = {};
    const ours = await benchPeer(dataset, calmdeskPeer(holder), train, test);
    if (dataset === 'clinc150' && holder.engine) {
      const val = readJsonl<Row>(resolve(BENCH, 'clinc150-val.jsonl'));
      const oos = readJsonl<Row>(resolve(BENCH, 'clinc150-oos-test.jsonl'));
      Object.assign(ours, clincOutOfScope(holder.engine, val, test, oos));
    }
    results.push(ours);
    delete holder.engine;
    if (!quick) {
      results.push(await benchPeer(dataset, bayesPeer(), train, test));
      results.push(await benchPeer(dataset, nlpjsPeer(), train, test));
    }
  }
  return results;
}

/**
 * Segmenters compared by 5-fold cross-validation accuracy on the zh examples of intents/, and by the
 * time one message takes to segment.
 */
function benchSegmenters(): { segmenter: SegmenterKind; cv_accuracy: number; segment_us: number }[] {
  const examples = examplesOf(loadIntents(resolve(ROOT, 'intents'))).filter((e) => e.language === 'zh');
  const out: { segmenter: SegmenterKind; cv_accuracy: number; segment_us: number }[] = [];
  for (const segmenter of ['jieba', 'intl', 'chars'] as const) {
    let correct = 0;
    for (let k = 0; k < 5; k++) {
      const train = examples.filter((_, i) => i % 5 !== k);
      const engine = trainEngine(train, { ...INTENT_MODEL_OPTIONS, features: { segmenter } });
      examples.forEach((e, i) => {
        if (i % 5 === k && engine.classify(e.text).intent === e.intent) correct += 1;
      });
    }
    const runs = examples.map((e) => normalizeText(e.text).replace(/[^\u3400-\u9fff]+/g, ''));
    for (const run of runs.slice(0, 100)) segmentHan(run, segmenter);
    const started = performance.now();
    for (let rep = 0; rep < 3; rep++) for (const run of runs) segmentHan(run, segmenter);
    const perMessage = ((performance.now() - started) * 1000) / (runs.length * 3);
    out.push({ segmenter, cv_accuracy: correct / examples.length, segment_us: perMessage });
    log(
      `  segmenter ${segmenter}: cv accuracy ${(correct / examples.length).toFixed(4)}, ${perMessage.toFixed(1)} µs`,
    );
  }
  return out;
}

/**
 * Start-up in a fresh process: import of the NLU, createNlu with the cached or shipped model, then
 * RSS after analysing a few messages.
 */
const STARTUP_PROBE = `
const started = performance.now();
const { createNlu } = await import('./src/nlu/index.ts');
const imported = performance.now();
const nlu = await createNlu({ cacheDir: 'data/models' });
const ready = performance.now();
for (const text of ['杯子碎了，我要退款', 'where is my order?', '物流太慢了！！！', 'hello']) nlu.analyze(text);
process.stdout.write(JSON.stringify({ import_ms: imported - started, create_ms: ready - imported, source: nlu.modelSource, rss_mb: process.memoryUsage().rss / 1e6 }) + '\\n');
`;

async function benchShipped(): Promise<Record<string, number>> {
  const cacheDir = resolve(ROOT, 'data/models');
  const nlu = await createNlu({ cacheDir });
  // Start-up and memory are measured in a fresh process: this one has loaded benchmarks and peers.
  const probe = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', STARTUP_PROBE], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const startup = JSON.parse(probe.stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
  log(
    `shipped model ${nlu.modelHash}: fresh process imports in ${startup.import_ms?.toFixed(0)} ms, starts in ${startup.create_ms?.toFixed(0)} ms`,
  );
  const figures: Record<string, number> = {
    startup_import_ms: startup.import_ms ?? Number.NaN,
    startup_create_ms: startup.create_ms ?? Number.NaN,
    startup_rss_mb: startup.rss_mb ?? Number.NaN,
  };
  for (const name of ['zh-intent-dev', 'zh-problems-dev', 'en-intent-dev']) {
    const rows = readJsonl<Row>(resolve(EVAL, `${name}.jsonl`));
    const report = evaluate(
      rows.map((r) => r.intent),
      rows.map((r) => nlu.analyze(r.text).intent),
    );
    figures[`${name}_accuracy`] = report.accuracy;
    figures[`${name}_macro_f1`] = report.macro_f1;
  }
  const oos = readJsonl<Row>(resolve(EVAL, 'en-oos-dev.jsonl'));
  figures['en-oos-dev_recall'] =
    oos.filter((r) => nlu.analyze(r.text).intent === 'out_of_scope').length / oos.length;
  for (const name of ['zh-anger-dev', 'en-anger-dev']) {
    const rows = readJsonl<{ text: string; angry: boolean }>(resolve(EVAL, `${name}.jsonl`));
    figures[`${name}_auc`] = rocAuc(
      rows.map((r) => angerScore(foldText(r.text).text)),
      rows.map((r) => r.angry),
    );
  }
  const sample = readJsonl<Row>(resolve(EVAL, 'zh-intent-dev.jsonl')).concat(
    readJsonl<Row>(resolve(EVAL, 'en-intent-dev.jsonl')),
  );
  const times: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    for (const r of sample) {
      const t0 = performance.now();
      nlu.analyze(r.text);
      times.push((performance.now() - t0) * 1000);
    }
  }
  times.sort((a, b) => a - b);
  figures.analyze_median_us = quantile(times, 0.5);
  figures.analyze_p99_us = quantile(times, 0.99);
  return figures;
}

function table(engines: EngineResult[], shipped: Record<string, number> | undefined): string {
  const lines: string[] = [];
  if (engines.length > 0) {
    lines.push('dataset    engine          accuracy  macro-F1  train s  median µs  p99 µs  memory MB');
    for (const r of engines) {
      lines.push(
        `${r.dataset.padEnd(10)} ${r.engine.padEnd(15)} ${r.accuracy.toFixed(4).padStart(8)}  ${r.macro_f1.toFixed(4).padStart(8)}  ${r.train_s.toFixed(1).padStart(7)}  ${r.classify_median_us.toFixed(0).padStart(9)}  ${r.classify_p99_us.toFixed(0).padStart(6)}  ${r.memory_mb.toFixed(0).padStart(9)}`,
      );
    }
    const oos = engines.find((r) => r.oos_recall !== undefined);
    if (oos) {
      lines.push(
        `clinc150 out-of-scope (threshold ${oos.threshold?.toFixed(3)} from val): oos recall ${oos.oos_recall?.toFixed(3)}, in-scope accuracy ${oos.in_scope_accuracy_with_threshold?.toFixed(4)}`,
      );
    }
  }
  if (shipped) {
    lines.push('', 'shipped model on ../shared/eval');
    for (const [k, v] of Object.entries(shipped))
      lines.push(`  ${k.padEnd(28)} ${Number.isInteger(v) ? v : v.toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

const RESULTS = resolve(ROOT, 'bench/results/nlu.json');
// A skipped section keeps its figures from the previous run (with that run's date).
const previous = (() => {
  try {
    return JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
})();
const output: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, quick };
const engines = args.has('--skip-engines')
  ? ((previous.engines as EngineResult[] | undefined) ?? [])
  : await benchEngines();
output.engines = engines;
if (args.has('--skip-engines') && previous.engines)
  output.engines_date = previous.engines_date ?? previous.date;
output.segmenters = args.has('--skip-segmenters') ? previous.segmenters : benchSegmenters();
const shipped = args.has('--skip-eval')
  ? (previous.shipped as Record<string, number> | undefined)
  : await benchShipped();
output.shipped = shipped;
process.stdout.write(table(engines, shipped));
if (output.segmenters)
  process.stdout.write(`segmenters (5-fold CV on intents/ zh): ${JSON.stringify(output.segmenters)}\n`);
mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
log('wrote bench/results/nlu.json');
