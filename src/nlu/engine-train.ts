import { CalmdeskError } from '../core/errors.ts';
import { KeyIndex, tfidf, weighBlocks } from './engine-score.ts';
import type { EngineArrays } from './engine-serialize.ts';
import { extractFeatures, FeatureBag, type FeatureConfig } from './features.ts';
import { normalizeText } from './normalize.ts';

/**
 * Training the intent engine: the examples become a sparse TF-IDF matrix (CSR) over the features
 * seen in at least `minDf` of them, and a one-vs-rest linear SVM (squared hinge, L2 penalty) is fitted
 * by dual coordinate descent with shrinking (the LIBLINEAR solver behind scikit-learn's LinearSVC).
 */

/** A labelled training message. */
export interface Example {
  text: string;
  intent: string;
}

/** The resolved knobs of training (see `EngineOptions` for their meaning). */
export interface TrainingParams {
  features: FeatureConfig;
  c: number;
  charWeight: number;
  minDf: number;
  eps: number;
  maxIter: number;
  seed: number;
}

const BIAS = 1;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Csr {
  rows: number;
  ptr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

/** Writes the transpose of the rows × cols matrix `from` into `to`, in cache-sized tiles. */
function transpose(from: Float32Array, rows: number, cols: number, to: Float32Array): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(r0 + T, rows);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(c0 + T, cols);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) to[c * rows + r] = from[r * cols + c]!;
      }
    }
  }
}

/**
 * Dual coordinate descent (LIBLINEAR's L2-loss SVC dual solver) for all one-vs-rest problems at once.
 * A full pass scores every label of an example with contiguous rows of the feature-major weight matrix
 * and updates the few labels whose dual variable moved. Between full passes each label is optimised
 * alone over the examples that are its support vectors or near its margin (shrinking), with its weights
 * laid out contiguously so they stay in cache. A full pass then checks the rest, so the result is the
 * optimum of the whole problem at a fraction of the work.
 */
function trainOneVsRest(
  x: Csr,
  y: Int32Array,
  features: number,
  labels: number,
  C: number,
  eps: number,
  maxIter: number,
  random: () => number,
): { weights: Float32Array; bias: Float64Array } {
  const l = x.rows;
  const xPtr = x.ptr;
  const xIdx = x.idx;
  const xVal = x.val;
  const L = labels;
  const F = features;
  const W = new Float32Array(F * L);
  const B = new Float64Array(L);
  const alpha = new Float64Array(l * L);
  const diag = 1 / (2 * C);
  const qd = new Float64Array(l);
  for (let i = 0; i < l; i++) {
    let s = BIAS * BIAS;
    for (let k = xPtr[i]!; k < xPtr[i + 1]!; k++) s += xVal[k]! * xVal[k]!;
    qd[i] = s + diag;
  }
  const order = new Int32Array(l);
  for (let i = 0; i < l; i++) order[i] = i;
  const shuffle = (a: Int32Array, n: number): void => {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  };
  const s = new Float64Array(L);
  const moved = new Int32Array(L);
  const delta = new Float64Array(L);
  const pgMax = new Float64Array(L);
  const pgMin = new Float64Array(L);
  const active: number[][] = Array.from({ length: L }, () => []);
  const byLabel = new Float32Array(F * L);

  for (let pass = 0; pass < maxIter; pass++) {
    shuffle(order, l);
    pgMax.fill(Number.NEGATIVE_INFINITY);
    pgMin.fill(Number.POSITIVE_INFINITY);
    for (const list of active) list.length = 0;
    for (let o = 0; o < l; o++) {
      const i = order[o]!;
      const start = xPtr[i]!;
      const end = xPtr[i + 1]!;
      for (let c = 0; c < L; c++) s[c] = B[c]! * BIAS;
      for (let k = start; k < end; k++) {
        const base = xIdx[k]! * L;
        const v = xVal[k]!;
        for (let c = 0; c < L; c++) s[c]! += W[base + c]! * v;
      }
      const yi = y[i]!;
      const ai = i * L;
      const q = qd[i]!;
      let nMoved = 0;
      for (let c = 0; c < L; c++) {
        const sign = c === yi ? 1 : -1;
        const a = alpha[ai + c]!;
        const g = sign * s[c]! - 1 + diag * a;
        // A pair stays in play while it is a support vector or about to become one.
        if (a > 0 || g < 0.05) active[c]!.push(i);
        const pg = a === 0 ? Math.min(g, 0) : g;
        if (pg > pgMax[c]!) pgMax[c] = pg;
        if (pg < pgMin[c]!) pgMin[c] = pg;
        if (pg > 1e-12 || pg < -1e-12) {
          const next = Math.max(a - g / q, 0);
          alpha[ai + c] = next;
          const d = (next - a) * sign;
          if (d !== 0) {
            moved[nMoved] = c;
            delta[nMoved] = d;
            nMoved += 1;
          }
        }
      }
      if (nMoved === 0) continue;
      for (let k = start; k < end; k++) {
        const base = xIdx[k]! * L;
        const v = xVal[k]!;
        for (let t = 0; t < nMoved; t++) W[base + moved[t]!]! += delta[t]! * v;
      }
      for (let t = 0; t < nMoved; t++) B[moved[t]!]! += delta[t]! * BIAS;
    }
    let worst = 0;
    for (let c = 0; c < L; c++) worst = Math.max(worst, pgMax[c]! - pgMin[c]!);
    if (worst <= eps || pass === maxIter - 1) break;
    // The first pass starts from zero: its margins say little about which pairs matter.
    if (pass === 0) continue;

    transpose(W, F, L, byLabel);
    for (let c = 0; c < L; c++) {
      const list = Int32Array.from(active[c]!);
      if (list.length === 0) continue;
      const w = byLabel.subarray(c * F, (c + 1) * F);
      let b = B[c]!;
      for (let inner = 0; inner < 100; inner++) {
        shuffle(list, list.length);
        let hi = Number.NEGATIVE_INFINITY;
        let lo = Number.POSITIVE_INFINITY;
        for (let t = 0; t < list.length; t++) {
          const i = list[t]!;
          const start = xPtr[i]!;
          const end = xPtr[i + 1]!;
          let dot = b * BIAS;
          for (let k = start; k < end; k++) dot += w[xIdx[k]!]! * xVal[k]!;
          const sign = y[i] === c ? 1 : -1;
          const a = alpha[i * L + c]!;
          const g = sign * dot - 1 + diag * a;
          const pg = a === 0 ? Math.min(g, 0) : g;
          if (pg > hi) hi = pg;
          if (pg < lo) lo = pg;
          if (pg > 1e-12 || pg < -1e-12) {
            const next = Math.max(a - g / qd[i]!, 0);
            alpha[i * L + c] = next;
            const d = (next - a) * sign;
            for (let k = start; k < end; k++) w[xIdx[k]!]! += d * xVal[k]!;
            b += d * BIAS;
          }
        }
        if (hi - lo <= eps / 2) break;
      }
      B[c] = b;
    }
    transpose(byLabel, L, F, W);
  }
  return { weights: W, bias: B };
}

/** The examples as a row-normalised TF-IDF matrix over the features seen in at least `minDf` of them. */
function buildMatrix(
  examples: readonly Example[],
  params: TrainingParams,
): { x: Csr; keys: Int32Array; idf: Float32Array } {
  const bag = new FeatureBag();
  const docs: { keys: Int32Array; counts: Int32Array }[] = [];
  const df = new Map<number, number>();
  for (const e of examples) {
    bag.clear();
    extractFeatures(normalizeText(e.text), params.features, bag);
    const doc = bag.counts();
    const keys = doc.keys.slice();
    docs.push({ keys, counts: doc.counts.slice() });
    for (let i = 0; i < keys.length; i++) df.set(keys[i]!, (df.get(keys[i]!) ?? 0) + 1);
  }
  const kept = Int32Array.from([...df].filter(([, n]) => n >= params.minDf).map(([k]) => k)).sort();
  const F = kept.length;
  const index = new KeyIndex(kept);
  const idf = new Float32Array(F);
  const n = examples.length;
  for (let f = 0; f < F; f++) idf[f] = Math.log((1 + n) / (1 + df.get(kept[f]!)!)) + 1;

  let nnz = 0;
  for (const d of docs) nnz += d.keys.length;
  const ptr = new Int32Array(n + 1);
  const idx = new Int32Array(nnz);
  const val = new Float32Array(nnz);
  const norm = new Float64Array(2);
  let p = 0;
  for (let r = 0; r < n; r++) {
    const d = docs[r]!;
    const rowIdx = new Int32Array(d.keys.length);
    const rowVal = new Float32Array(d.keys.length);
    norm[0] = 0;
    norm[1] = 0;
    const m = tfidf(d.keys, d.counts, index, idf, rowIdx, rowVal, norm);
    weighBlocks(kept, rowIdx, rowVal, m, norm, params.charWeight);
    idx.set(rowIdx.subarray(0, m), p);
    val.set(rowVal.subarray(0, m), p);
    p += m;
    ptr[r + 1] = p;
  }
  return { x: { rows: n, ptr, idx: idx.subarray(0, p), val: val.subarray(0, p) }, keys: kept, idf };
}

/** Trains the engine's arrays on `examples`; `labels` are the sorted intents of the examples. */
export function trainArrays(
  examples: readonly Example[],
  params: TrainingParams,
): { labels: string[] } & EngineArrays {
  const labels = [...new Set(examples.map((e) => e.intent))].sort();
  if (labels.length < 2) {
    throw new CalmdeskError('CALMDESK_INTENTS_INVALID', 'the engine needs examples of at least two intents');
  }
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const { x, keys, idf } = buildMatrix(examples, params);
  const y = Int32Array.from(examples, (e) => labelIndex.get(e.intent)!);
  const random = mulberry32(params.seed);
  const trained = trainOneVsRest(
    x,
    y,
    keys.length,
    labels.length,
    params.c,
    params.eps,
    params.maxIter,
    random,
  );
  const bias = Float32Array.from(trained.bias, (b) => b * BIAS);
  return { labels, keys, idf, weights: trained.weights, bias };
}
