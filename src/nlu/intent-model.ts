import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  ENGINE_VERSION,
  Engine,
  type EngineOptions,
  type Example,
  fitTemperature,
  probabilitiesOf,
  type SerializedEngine,
  trainEngine,
} from './engine.ts';
import { examplesOf, type IntentsSet, intentsContentHash, loadIntents } from './intents-file.ts';
import { choosePrecedence, precedenceRank } from './precedence.ts';

/**
 * The shipped intent model: the engine trained on intents/*.yaml, its temperature and out_of_scope
 * threshold chosen by 5-fold cross-validation on the same examples (never on evaluation data), cached
 * as <hash>.json where the hash covers the intents files, the engine version and these options.
 */
export const INTENT_MODEL_OPTIONS: EngineOptions = { c: 3, charWeight: 1.5, minDf: 1 };
const FOLDS = 5;
const FALLBACK = 'out_of_scope';

const ModelFileSchema = z.object({
  format: z.literal('calmdesk-intent-model'),
  hash: z.string(),
  intents_hash: z.string(),
  examples: z.number(),
  cross_validation: z.object({ accuracy: z.number(), macro_f1: z.number() }),
  temperature: z.number().optional(),
  engine: z.custom<SerializedEngine>((v) => typeof v === 'object' && v !== null && 'weights_q8' in v),
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

/** The cache key of a model for intents files with this content hash. */
export function modelHash(intentsContentHash: string): string {
  return createHash('sha256')
    .update(`${ENGINE_VERSION}\n${JSON.stringify(INTENT_MODEL_OPTIONS)}\n${intentsContentHash}`)
    .digest('hex')
    .slice(0, 16);
}

function macroF1(truth: string[], predicted: string[]): number {
  const labels = new Set(truth);
  let sum = 0;
  for (const label of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (predicted[i] === label && truth[i] === label) tp += 1;
      else if (predicted[i] === label) fp += 1;
      else if (truth[i] === label) fn += 1;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / Math.max(labels.size, 1);
}

/** Joins two examples into one message, as a buyer who says two things at once. */
function joinExamples(a: string, b: string, language: string): string {
  if (language === 'zh') return /[。！？!?.,，]$/.test(a) ? `${a}${b}` : `${a}，${b}`;
  return /[.!?]$/.test(a) ? `${a} ${b}` : `${a}. ${b}`;
}

interface Scored {
  scores: Float64Array;
  truth: string;
}

/**
 * Trains the engine on all examples after cross-validating the softmax temperature, the out_of_scope
 * threshold and the precedence margin. The held-out folds are scored as they are and as pairs of
 * examples of different precedence groups joined into one message (labelled by INTENTS.md
 * precedence), so the margin learns how to read messages that say two things.
 * `onProgress(done, total)` counts the trainings (folds + the final one).
 */
export function trainIntentModel(
  examples: readonly (Example & { language?: string })[],
  onProgress?: (done: number, total: number) => void,
): { engine: Engine; crossValidation: { accuracy: number; macro_f1: number } } {
  const total = FOLDS + 1;
  // Stratified folds: every intent is spread over all folds.
  const fold = new Int32Array(examples.length);
  const seen = new Map<string, number>();
  examples.forEach((e, i) => {
    const n = seen.get(e.intent) ?? 0;
    seen.set(e.intent, n + 1);
    fold[i] = (n * 7 + e.intent.length) % FOLDS;
  });
  const singles: Scored[] = [];
  const pairs: Scored[] = [];
  let labels: string[] = [];
  for (let k = 0; k < FOLDS; k++) {
    const train = examples.filter((_, i) => fold[i] !== k);
    const held = examples.filter((_, i) => fold[i] === k);
    const engine = trainEngine(train, INTENT_MODEL_OPTIONS);
    labels = engine.labels;
    for (const e of held) singles.push({ scores: engine.scores(e.text), truth: e.intent });
    for (let i = 0; i < held.length; i++) {
      const a = held[i]!;
      for (let step = 1; step < 40; step++) {
        const b = held[(i * 31 + step * 17) % held.length]!;
        if ((b.language ?? '') !== (a.language ?? '')) continue;
        const ra = precedenceRank(a.intent);
        const rb = precedenceRank(b.intent);
        if (ra === rb) continue;
        const text = joinExamples(a.text, b.text, a.language ?? 'en');
        pairs.push({ scores: engine.scores(text), truth: ra < rb ? a.intent : b.intent });
        break;
      }
    }
    onProgress?.(k + 1, total);
  }
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const temperature = fitTemperature(
    singles.map((x) => x.scores),
    singles.map((x) => labelIndex.get(x.truth) ?? 0),
  );
  const all = [...singles, ...pairs];
  const truth = all.map((x) => x.truth);
  const probabilities = all.map((x) => probabilitiesOf(x.scores, temperature));
  const topP = probabilities.map((p) => Math.max(...p));
  const hasFallback = labelIndex.has(FALLBACK);
  let best = { f1: -1, accuracy: 0, threshold: 0, theta: Number.POSITIVE_INFINITY };
  for (const theta of [Number.POSITIVE_INFINITY, 1, 0.8, 0.6, 0.4]) {
    const chosen = all.map((x) => labels[choosePrecedence(labels, x.scores, theta)]!);
    for (let t = 0; t <= 0.9001; t += 0.025) {
      if (!hasFallback && t > 0) break;
      const predicted = chosen.map((c, i) => (topP[i]! < t ? FALLBACK : c));
      const f1 = macroF1(truth, predicted);
      // Ties go to the higher threshold: real messages are less tidy than the examples.
      if (f1 >= best.f1 - 1e-9) {
        const accuracy = predicted.filter((p, i) => p === truth[i]).length / truth.length;
        best = { f1, accuracy, threshold: t, theta };
      }
    }
  }
  const engine = trainEngine(examples, {
    ...INTENT_MODEL_OPTIONS,
    temperature,
    threshold: best.threshold,
    precedenceTheta: best.theta,
    ...(hasFallback ? { fallback: FALLBACK } : {}),
  });
  onProgress?.(total, total);
  return { engine, crossValidation: { accuracy: best.accuracy, macro_f1: best.f1 } };
}

/**
 * The model at `path` if it is a valid model for `hash`. A damaged or foreign file counts as missing:
 * the model is retrained and the file overwritten, so a bad cache never stops the bot.
 */
function readModel(path: string, hash: string): Engine | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const file = ModelFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    if (file.hash !== hash) return undefined;
    return Engine.fromJSON(file.engine);
  } catch {
    return undefined;
  }
}

export interface LoadedModel {
  engine: Engine;
  hash: string;
  /** Where it came from: the cache, the models shipped in the repo, or trained now. */
  source: 'cache' | 'shipped' | 'trained';
  /** Cross-validated accuracy and macro-F1 on intents/, when trained now. */
  crossValidation?: ModelFile['cross_validation'];
  /** The cache file written, when trained now and the cache is writable. */
  path?: string;
  /** The validated intents, when trained now. */
  intents?: IntentsSet;
}

/** Writes a model file atomically (temp file, then rename). */
export function writeModel(
  dir: string,
  hash: string,
  intents: IntentsSet,
  engine: Engine,
  cv: ModelFile['cross_validation'],
): string {
  mkdirSync(dir, { recursive: true });
  const file: ModelFile = {
    format: 'calmdesk-intent-model',
    hash,
    intents_hash: intents.contentHash,
    examples: examplesOf(intents).length,
    cross_validation: cv,
    engine: engine.toJSON(),
  };
  const path = join(dir, `${hash}.json`);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(file));
  renameSync(tmp, path);
  return path;
}

/**
 * The model for the intents in `intentsDir`: from `cacheDir`, else from `modelsDir` (shipped), else
 * the files are validated, the model trained now and written to `cacheDir`. `retrain` skips both
 * lookups. Finding a model needs only the files' hash, not their parsing.
 */
export function loadOrTrainModel(options: {
  intentsDir: string;
  cacheDir: string;
  modelsDir?: string;
  retrain?: boolean;
  onProgress?: (done: number, total: number) => void;
}): LoadedModel {
  if (!options.retrain) {
    const hash = modelHash(intentsContentHash(options.intentsDir));
    const cached = readModel(join(options.cacheDir, `${hash}.json`), hash);
    if (cached) return { engine: cached, hash, source: 'cache' };
    if (options.modelsDir) {
      const shipped = readModel(join(options.modelsDir, `${hash}.json`), hash);
      if (shipped) return { engine: shipped, hash, source: 'shipped' };
    }
  }
  const intents = loadIntents(options.intentsDir);
  const hash = modelHash(intents.contentHash);
  const { engine, crossValidation } = trainIntentModel(examplesOf(intents), options.onProgress);
  const model: LoadedModel = { engine, hash, source: 'trained', crossValidation, intents };
  try {
    model.path = writeModel(options.cacheDir, hash, intents, engine, crossValidation);
  } catch {
    // A read-only checkout still works: the model just is not cached.
  }
  return model;
}
