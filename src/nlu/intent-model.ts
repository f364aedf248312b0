import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LEXICON_FINGERPRINT } from './concepts.ts';
import { DOMAIN_WORDS } from './domain-words.ts';
import { detectThreats } from './emotion.ts';
import {
  ENGINE_VERSION,
  Engine,
  type EngineOptions,
  type Example,
  fitTemperature,
  type MessageScores,
  type SerializedEngine,
  trainEngine,
} from './engine.ts';
import { textForClassifier } from './intent-rules.ts';
import { examplesOf, type IntentsSet, intentsContentHash, loadIntents } from './intents-file.ts';
import { normalizeText } from './normalize.ts';
import { precedenceRank } from './precedence.ts';

/**
 * The shipped intent model: the engine trained on intents/*.yaml, its temperature, out_of_scope
 * threshold, precedence margin and clause confidence chosen by 5-fold cross-validation on the same
 * examples (never on evaluation data), cached as <hash>.json where the hash covers the intents files,
 * the engine version, these options, the concept lexicon and the segmenter's domain words.
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
  return (
    createHash('sha256')
      .update(`${ENGINE_VERSION}\n${JSON.stringify(INTENT_MODEL_OPTIONS)}\n${intentsContentHash}`)
      // The concept lexicon and the segmenter's words shape the features, so they are part of the key.
      .update(`\n${LEXICON_FINGERPRINT}\n${DOMAIN_WORDS.join('|')}`)
      .digest('hex')
      .slice(0, 16)
  );
}

function macroF1(truth: string[], predicted: string[]): number {
  // One pass over the pairs: the search below calls this a few thousand times.
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (t === p) tp.set(t, (tp.get(t) ?? 0) + 1);
    else {
      fp.set(p, (fp.get(p) ?? 0) + 1);
      fn.set(t, (fn.get(t) ?? 0) + 1);
    }
  }
  const labels = new Set(truth);
  let sum = 0;
  for (const label of labels) {
    const hits = tp.get(label) ?? 0;
    sum += hits === 0 ? 0 : (2 * hits) / (2 * hits + (fp.get(label) ?? 0) + (fn.get(label) ?? 0));
  }
  return sum / Math.max(labels.size, 1);
}

/** Joins two examples into one message, as a buyer who says two things at once. */
function joinExamples(a: string, b: string, language: string): string {
  if (language === 'zh') return /[。！？!?.,，]$/.test(a) ? `${a}${b}` : `${a}，${b}`;
  return /[.!?]$/.test(a) ? `${a} ${b}` : `${a}. ${b}`;
}

interface Scored {
  scores: MessageScores;
  /** Index of the fold engine that scored it. */
  fold: number;
  truth: string;
  /** The message carries a threat (INTENTS.md precedence 2: a complaint, unless health comes first). */
  threat: boolean;
}

/** A complaint that threatens ranks right after health (INTENTS.md precedence 2). */
function rankOf(e: Example & { threat?: boolean }): number {
  return e.intent === 'complaint' && e.threat ? 0.5 : precedenceRank(e.intent);
}

const THETAS = [Number.POSITIVE_INFINITY, 1, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1, 0];
const CLAUSE_MINS = [Number.POSITIVE_INFINITY, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5];

/**
 * Trains the engine on all examples after cross-validating the softmax temperature, the out_of_scope
 * threshold, the precedence margin and the confidence at which a clause counts on its own. The
 * held-out folds are scored as they are and as pairs of examples of different precedence groups
 * joined into one message (labelled by INTENTS.md precedence, a threat making a complaint), so the
 * margins learn how to read messages that say two things.
 * `onProgress(done, total)` counts the trainings (folds + the final one).
 */
export function trainIntentModel(
  examples: readonly (Example & { language?: string })[],
  onProgress?: (done: number, total: number) => void,
): { engine: Engine; crossValidation: { accuracy: number; macro_f1: number } } {
  const total = FOLDS + 1;
  const marked = examples.map((e) => ({ ...e, threat: detectThreats(e.text).length > 0 }));
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
  const engines: Engine[] = [];
  const reading = { ...INTENT_MODEL_OPTIONS, clauseMin: 0 };
  for (let k = 0; k < FOLDS; k++) {
    const train = examples.filter((_, i) => fold[i] !== k);
    const held = marked.filter((_, i) => fold[i] === k);
    const engine = trainEngine(train, reading);
    engines.push(engine);
    const score = (text: string): MessageScores => engine.messageScores(normalizeText(text));
    for (const e of held) singles.push({ scores: score(e.text), fold: k, truth: e.intent, threat: e.threat });
    for (let i = 0; i < held.length; i++) {
      const a = held[i]!;
      for (let step = 1; step < 40; step++) {
        const b = held[(i * 31 + step * 17) % held.length]!;
        if ((b.language ?? '') !== (a.language ?? '')) continue;
        const ra = rankOf(a);
        const rb = rankOf(b);
        if (ra === rb) continue;
        const text = joinExamples(a.text, b.text, a.language ?? 'en');
        pairs.push({
          scores: score(text),
          fold: k,
          truth: ra < rb ? a.intent : b.intent,
          threat: a.threat || b.threat,
        });
        break;
      }
    }
    onProgress?.(k + 1, total);
  }
  const labels = engines[0]!.labels;
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const temperature = fitTemperature(
    singles.map((x) => x.scores.whole),
    singles.map((x) => labelIndex.get(x.truth) ?? 0),
  );
  for (const engine of engines) engine.temperature = temperature;
  const all = [...singles, ...pairs];
  const truth = all.map((x) => x.truth);
  const prepared = all.map((x) => engines[x.fold]!.prepare(x.scores));
  const topP = prepared.map((x) => Math.max(...x.p));
  const topIsFallback = prepared.map((x) => labels[x.p.indexOf(Math.max(...x.p))] === FALLBACK);
  const hasFallback = labelIndex.has(FALLBACK);
  const health = labelIndex.get('health_safety');
  let best = {
    f1: -1,
    accuracy: 0,
    threshold: 0,
    theta: Number.POSITIVE_INFINITY,
    clauseMin: Number.POSITIVE_INFINITY,
  };
  for (const theta of THETAS) {
    for (const clauseMin of CLAUSE_MINS) {
      const choices = all.map((x, i) => {
        const choice = engines[x.fold]!.choose(prepared[i]!, theta, clauseMin);
        // As analyze does: a threat makes a complaint unless health comes first.
        const label =
          x.threat && choice.label !== health && labelIndex.has('complaint')
            ? 'complaint'
            : labels[choice.label]!;
        return { label, fromClause: choice.fromClause };
      });
      for (let t = 0; t <= 0.9001; t += 0.025) {
        if (!hasFallback && t > 0) break;
        const predicted = choices.map((c, i) =>
          !c.fromClause && topP[i]! < t && !topIsFallback[i] ? FALLBACK : c.label,
        );
        const f1 = macroF1(truth, predicted);
        // Ties go to the higher threshold: real messages are less tidy than the examples.
        if (f1 >= best.f1 - 1e-9) {
          const accuracy = predicted.filter((p, i) => p === truth[i]).length / truth.length;
          best = { f1, accuracy, threshold: t, theta, clauseMin };
        }
      }
    }
  }
  const engine = trainEngine(examples, {
    ...INTENT_MODEL_OPTIONS,
    temperature,
    threshold: best.threshold,
    precedenceTheta: best.theta,
    clauseMin: best.clauseMin,
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
  // The model learns from what it will read: the examples as the classifier sees a buyer's message.
  const examples = examplesOf(intents).map((e) => ({ ...e, text: textForClassifier(normalizeText(e.text)) }));
  const { engine, crossValidation } = trainIntentModel(examples, options.onProgress);
  const model: LoadedModel = { engine, hash, source: 'trained', crossValidation, intents };
  try {
    model.path = writeModel(options.cacheDir, hash, intents, engine, crossValidation);
  } catch {
    // A read-only checkout still works: the model just is not cached.
  }
  return model;
}
