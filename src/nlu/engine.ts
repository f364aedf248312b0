import { CalmdeskError } from '../core/errors.ts';
import { splitClauses } from './clauses.ts';
import {
  fitTemperature,
  probabilitiesOf,
  type SparseVector,
  scoreSparse,
  softmax,
  topThree,
  Vectorizer,
} from './engine-score.ts';
import { decodeArrays, encodeArrays, type SerializedEngine } from './engine-serialize.ts';
import { type Example, trainArrays } from './engine-train.ts';
import { DEFAULT_FEATURES, type FeatureConfig } from './features.ts';
import { normalizeText } from './normalize.ts';
import { choosePrecedence, PRECEDENCE_GROUPS, precedenceRank } from './precedence.ts';

export { type Example, fitTemperature, probabilitiesOf, type SerializedEngine };

/**
 * The intent engine: hashed word and character n-gram features with sublinear TF-IDF, each block
 * L2-normalised, and a one-vs-rest linear SVM (squared hinge, L2 penalty) trained by dual coordinate
 * descent with shrinking (the LIBLINEAR solver behind scikit-learn's LinearSVC), all in typed arrays.
 * Scores become probabilities by a temperature-scaled softmax; the temperature is fitted on held-out
 * scores (negative log-likelihood), and a top probability under `threshold` maps to `fallback`.
 * A message of several clauses is also read clause by clause (`clauseMin`), and INTENTS.md precedence
 * chooses among what the whole and its confident clauses say (see `decide`).
 *
 * Features are hashed to 32 bits, and only those seen in training get a weight row, so there are no
 * collisions to speak of and the model holds no empty rows.
 *
 * This file is the public API; reading a message is in engine-score.ts, training in engine-train.ts
 * and the on-disk form in engine-serialize.ts.
 */

/** Bump when features or training change: cached models of another version are retrained. */
export const ENGINE_VERSION = 'svm-ngram-13';

export interface EngineOptions {
  features?: Partial<FeatureConfig>;
  /** SVM cost C (inverse of the L2 penalty). */
  c?: number;
  /** Weight of the character n-gram block against the word block (each first L2-normalised). */
  charWeight?: number;
  /** Features seen in fewer training examples are dropped. */
  minDf?: number;
  /** Stopping tolerance of the dual coordinate descent (LIBLINEAR's default is 0.1; 0.2 here). */
  eps?: number;
  /**
   * Most full passes over the data (default 4). Stopping early costs nothing measurable in accuracy
   * (CLINC150 val: 0.9357 after 3 passes, 0.9353 converged) and halves training time.
   */
  maxIter?: number;
  /** Label reported when the top probability is under `threshold` (none: always the top label). */
  fallback?: string;
  threshold?: number;
  temperature?: number;
  /** Score at which a label's detector fires for INTENTS.md precedence (none: plain arg-max). */
  precedenceTheta?: number;
  /** Probability at which a clause's own top label counts for precedence (none: clauses not read). */
  clauseMin?: number;
  seed?: number;
}

export interface Classification {
  intent: string;
  confidence: number;
  ranking: { intent: string; confidence: number }[];
}

/** Raw scores of a message: of the whole, and of each clause when there are several. */
export interface MessageScores {
  whole: Float64Array;
  clauses: Float64Array[];
}

/** A message's scores made ready for deciding: probabilities of the whole, each clause's top label. */
export interface PreparedScores {
  whole: Float64Array;
  p: Float64Array;
  clauseTops: { label: number; p: number }[];
}

/** The knobs of `Engine.decide` that cross-validation tunes. */
export interface DecisionParams {
  precedenceTheta: number;
  clauseMin: number;
  threshold: number;
}

/** Precedence group of the dialogue acts and out_of_scope. */
const LAST_GROUP = PRECEDENCE_GROUPS.length - 1;

export class Engine {
  private readonly vectorizer: Vectorizer;

  constructor(
    readonly labels: string[],
    readonly features: FeatureConfig,
    readonly charWeight: number,
    readonly keys: Int32Array,
    readonly idf: Float32Array,
    /** Feature-major: weights[f * labels.length + c]. */
    readonly weights: Float32Array,
    readonly bias: Float32Array,
    public temperature: number,
    public threshold: number,
    public fallback: string | undefined,
    public precedenceTheta = Number.POSITIVE_INFINITY,
    public clauseMin = Number.POSITIVE_INFINITY,
  ) {
    this.vectorizer = new Vectorizer(features, charWeight, keys, idf);
  }

  /**
   * The normalised TF-IDF vector of a message (features unseen in training are dropped). The arrays
   * are reused by the next call: score or copy them first.
   */
  vectorize(text: string): SparseVector {
    return this.vectorizeNormalized(normalizeText(text));
  }

  vectorizeNormalized(normalized: string): SparseVector {
    return this.vectorizer.vectorize(normalized);
  }

  /** Raw SVM scores, one per label (of the whole message). */
  scores(text: string): Float64Array {
    return this.scoreVector(this.vectorize(text));
  }

  scoreVector(x: SparseVector): Float64Array {
    return scoreSparse(x, this.weights, this.bias);
  }

  /** Calibrated probabilities, one per label. */
  probabilities(text: string): Float64Array {
    const s = this.scores(text);
    const p = new Float64Array(s.length);
    softmax(s, this.temperature, p);
    return p;
  }

  /**
   * Scores of a message (folded and lower-cased): of the whole, and of each clause when it has more
   * than one (`clauses` is empty otherwise, or when clause reading is off).
   */
  messageScores(normalized: string): MessageScores {
    const whole = this.scoreVector(this.vectorizeNormalized(normalized));
    if (!Number.isFinite(this.clauseMin)) return { whole, clauses: [] };
    const parts = splitClauses(normalized);
    if (parts.length <= 1) return { whole, clauses: [] };
    return { whole, clauses: parts.map((part) => this.scoreVector(this.vectorizeNormalized(part))) };
  }

  classify(text: string): Classification {
    return this.classifyNormalized(normalizeText(text));
  }

  /** Like `classify` for text already folded and lower-cased (`normalizeText`). */
  classifyNormalized(normalized: string): Classification {
    return this.decide(this.messageScores(normalized));
  }

  /** Scores of text already folded and lower-cased (the whole message). */
  scoresNormalized(normalized: string): Float64Array {
    return this.scoreVector(this.vectorizeNormalized(normalized));
  }

  /**
   * The decision from a message's scores. The whole message gives the label chosen by precedence
   * among its detectors that fire (or the top one); a clause whose own top label is confident
   * (probability ≥ `clauseMin`) and comes earlier in INTENTS.md precedence takes over, so a defect
   * reported in one clause beats a grumble or a request in another. With no confident clause, a top
   * probability under the threshold gives the fallback.
   */
  decide(m: MessageScores, params: DecisionParams = this): Classification {
    const prepared = this.prepare(m);
    const ranking = topThree(this.labels, prepared.p);
    const choice = this.choose(prepared, params.precedenceTheta, params.clauseMin);
    const top = ranking[0]!;
    if (
      !choice.fromClause &&
      this.fallback !== undefined &&
      top.confidence < params.threshold &&
      top.intent !== this.fallback
    ) {
      const fallbackIndex = this.labels.indexOf(this.fallback);
      const own = fallbackIndex >= 0 ? prepared.p[fallbackIndex]! : 0;
      const confidence = Math.max(own, 1 - top.confidence);
      return { intent: this.fallback, confidence, ranking };
    }
    const intent = this.labels[choice.label]!;
    return { intent, confidence: choice.confidence, ranking };
  }

  /** Probabilities of the whole message and the top label of each clause (see `decide`). */
  prepare(m: MessageScores): PreparedScores {
    const p = new Float64Array(m.whole.length);
    softmax(m.whole, this.temperature, p);
    const clauseTops: { label: number; p: number }[] = [];
    if (m.clauses.length > 0) {
      const q = new Float64Array(p.length);
      for (const clause of m.clauses) {
        softmax(clause, this.temperature, q);
        let top = 0;
        for (let c = 1; c < q.length; c++) if (q[c]! > q[top]!) top = c;
        clauseTops.push({ label: top, p: q[top]! });
      }
    }
    return { whole: m.whole, p, clauseTops };
  }

  /** The label chosen by precedence over the whole message and its confident clauses. */
  choose(
    prepared: PreparedScores,
    theta: number,
    clauseMin: number,
  ): { label: number; confidence: number; fromClause: boolean } {
    let label = choosePrecedence(this.labels, prepared.whole, theta, prepared.p);
    let confidence = prepared.p[label]!;
    let fromClause = false;
    for (const top of prepared.clauseTops) {
      if (top.p < clauseMin) continue;
      const rank = precedenceRank(this.labels[top.label]!);
      const current = precedenceRank(this.labels[label]!);
      // Inside a group the more confident wins, but a clause's "ok" or "hello" never displaces what
      // the whole message says about the other dialogue acts.
      if (rank < current || (rank === current && rank < LAST_GROUP && top.p > confidence)) {
        label = top.label;
        confidence = top.p;
        fromClause = true;
      }
    }
    return { label, confidence, fromClause };
  }

  toJSON(): SerializedEngine {
    return {
      format: 'calmdesk-intent-engine',
      engine_version: ENGINE_VERSION,
      labels: this.labels,
      features: this.features,
      char_weight: this.charWeight,
      temperature: this.temperature,
      threshold: this.threshold,
      fallback: this.fallback ?? null,
      precedence_theta: Number.isFinite(this.precedenceTheta) ? this.precedenceTheta : null,
      clause_min: Number.isFinite(this.clauseMin) ? this.clauseMin : null,
      ...encodeArrays(this, this.labels.length),
    };
  }

  static fromJSON(json: SerializedEngine): Engine {
    if (json.format !== 'calmdesk-intent-engine' || json.engine_version !== ENGINE_VERSION) {
      throw new CalmdeskError('CALMDESK_MODEL_INVALID', `model is ${json.format}/${json.engine_version}`);
    }
    const { keys, idf, weights, bias } = decodeArrays(json);
    return new Engine(
      json.labels,
      json.features,
      json.char_weight,
      keys,
      idf,
      weights,
      bias,
      json.temperature,
      json.threshold,
      json.fallback ?? undefined,
      json.precedence_theta ?? Number.POSITIVE_INFINITY,
      json.clause_min ?? Number.POSITIVE_INFINITY,
    );
  }
}
/** Trains an engine in-process. Temperature and threshold stay as given (see `calibrate`). */
export function trainEngine(examples: readonly Example[], options: EngineOptions = {}): Engine {
  const features: FeatureConfig = { ...DEFAULT_FEATURES, ...options.features };
  const charWeight = options.charWeight ?? 1;
  const trained = trainArrays(examples, {
    features,
    c: options.c ?? 0.5,
    charWeight,
    minDf: options.minDf ?? 1,
    eps: options.eps ?? 0.2,
    maxIter: options.maxIter ?? 4,
    seed: options.seed ?? 1,
  });
  return new Engine(
    trained.labels,
    features,
    charWeight,
    trained.keys,
    trained.idf,
    trained.weights,
    trained.bias,
    options.temperature ?? 0.1,
    options.threshold ?? 0,
    options.fallback,
    options.precedenceTheta ?? Number.POSITIVE_INFINITY,
    options.clauseMin ?? Number.POSITIVE_INFINITY,
  );
}
