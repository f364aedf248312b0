import { CalmdeskError } from '../core/errors.ts';
import type { FeatureConfig } from './features.ts';

/**
 * The on-disk form of the intent engine: JSON, typed arrays as base64, weights quantised to int8 per
 * feature row.
 */

/** The on-disk form of an engine (JSON; typed arrays as base64). */
export interface SerializedEngine {
  format: 'calmdesk-intent-engine';
  engine_version: string;
  labels: string[];
  features: FeatureConfig;
  char_weight: number;
  temperature: number;
  threshold: number;
  fallback: string | null;
  /** null: precedence off. */
  precedence_theta: number | null;
  /** null: clauses are not read on their own. */
  clause_min: number | null;
  keys: string;
  idf: string;
  /** Weights quantised to int8 per feature row (base64), with one float scale per row. */
  weights_q8: string;
  weight_scales: string;
  bias: string;
}

/**
 * Int8 weights with one scale per feature row: a quarter of the size on disk, and the scores move by
 * well under a percent of their range.
 */
function quantize(weights: Float32Array, labels: number): { weights_q8: string; weight_scales: string } {
  const rows = weights.length / labels;
  const q = new Int8Array(weights.length);
  const scales = new Float32Array(rows);
  for (let f = 0; f < rows; f++) {
    let max = 0;
    for (let c = 0; c < labels; c++) max = Math.max(max, Math.abs(weights[f * labels + c]!));
    const scale = max / 127;
    scales[f] = scale;
    if (scale === 0) continue;
    for (let c = 0; c < labels; c++) q[f * labels + c] = Math.round(weights[f * labels + c]! / scale);
  }
  return { weights_q8: Buffer.from(q.buffer).toString('base64'), weight_scales: toBase64(scales) };
}

function dequantize(bytes: Buffer, scales: Float32Array, labels: number): Float32Array {
  const q = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const weights = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) weights[i] = q[i]! * scales[Math.floor(i / labels)]!;
  return weights;
}

function toBase64(a: Int32Array | Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromBase64<T extends Int32Array | Float32Array>(s: string, make: (b: ArrayBuffer) => T): T {
  const buf = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(buf.length);
  new Uint8Array(copy).set(buf);
  return make(copy);
}

/** The learned arrays of an engine. */
export interface EngineArrays {
  keys: Int32Array;
  idf: Float32Array;
  /** Feature-major: weights[f * labels + c]. */
  weights: Float32Array;
  bias: Float32Array;
}

/** The arrays in their on-disk form (the key order is part of the model's bytes). */
export function encodeArrays(
  arrays: EngineArrays,
  labels: number,
): Pick<SerializedEngine, 'keys' | 'idf' | 'weights_q8' | 'weight_scales' | 'bias'> {
  return {
    keys: toBase64(arrays.keys),
    idf: toBase64(arrays.idf),
    ...quantize(arrays.weights, labels),
    bias: toBase64(arrays.bias),
  };
}

/** The arrays of a serialized engine, checked against its labels. */
export function decodeArrays(json: SerializedEngine): EngineArrays {
  const keys = fromBase64(json.keys, (b) => new Int32Array(b));
  const idf = fromBase64(json.idf, (b) => new Float32Array(b));
  const scales = fromBase64(json.weight_scales, (b) => new Float32Array(b));
  const weights = dequantize(Buffer.from(json.weights_q8, 'base64'), scales, json.labels.length);
  const bias = fromBase64(json.bias, (b) => new Float32Array(b));
  if (
    idf.length !== keys.length ||
    weights.length !== keys.length * json.labels.length ||
    bias.length !== json.labels.length
  ) {
    throw new CalmdeskError('CALMDESK_MODEL_INVALID', 'model arrays do not match its labels and features');
  }
  return { keys, idf, weights, bias };
}
