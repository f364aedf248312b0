import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import AggressiveTokenizer from 'natural/lib/natural/tokenizers/aggressive_tokenizer.js';
import { conceptsOf } from './concepts.ts';
import { type SegmenterKind, segmentHan } from './segment.ts';

/**
 * Sparse features of one normalised (folded, lower-cased) message, hashed to 32-bit keys:
 * - words: Porter stems of English words (natural's tokenizer and stemmer), Chinese words from the
 *   domain-aware segmenter, and bigrams of both;
 * - characters: n-grams of every English word padded with spaces (word-boundary aware, like
 *   scikit-learn's char_wb) and n-grams of every Han run (Chinese has no spaces to bound them);
 * - signals: numbers and ids by shape, repeated "!"/"?", each emoji, and the message length bucket,
 *   which is always present, so no message (pure emoji, a bare number, "") has zero features.
 * The lowest bit of a key says its block (0 words and signals, 1 characters): the engine weighs and
 * normalises the two blocks separately.
 */
export interface FeatureConfig {
  /** Shortest and longest character n-gram of English words. */
  charMin: number;
  charMax: number;
  /** Longest character n-gram of Han runs (from 1). */
  hanMax: number;
  wordBigrams: boolean;
  /** Word pairs with one word between them ("refund my order" → refund_order). */
  skipBigrams: boolean;
  wordTrigrams: boolean;
  /** Concept features from the bilingual lexicon (concepts.ts). */
  concepts: boolean;
  /** Character n-grams run across word boundaries of English text (phrases), not only inside words. */
  crossWord: boolean;
  segmenter: SegmenterKind;
}

export const DEFAULT_FEATURES: FeatureConfig = {
  charMin: 2,
  charMax: 4,
  hanMax: 3,
  wordBigrams: true,
  crossWord: false,
  concepts: true,
  skipBigrams: false,
  wordTrigrams: false,
  segmenter: 'jieba',
};

const WORD_BLOCK = 0;
const CHAR_BLOCK = 1;

const SEED_WORD = 0x811c9dc5;
const SEED_BIGRAM = 0x2f8a1b37;
const SEED_SIGNAL = 0x5bd1e995;
const SEED_CHAR = 0x1b873593;
const SEED_HAN = 0x68e31da4;
const SEED_CONCEPT = 0x3c6ef372;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function hashString(seed: number, s: string): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** A growable list of hashed feature keys (duplicates allowed: they are counted as term frequency). */
export class FeatureBag {
  keys = new Int32Array(256);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  add(h: number, block: number): void {
    if (this.size === this.keys.length) {
      const grown = new Int32Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    this.keys[this.size++] = (fmix(h) & ~1) | block;
  }

  private distinct = new Int32Array(256);
  private tally = new Int32Array(256);

  /**
   * Sorts the keys and returns the distinct keys and their counts. The arrays are views into buffers
   * reused by the next call: copy them to keep them.
   */
  counts(): { keys: Int32Array; counts: Int32Array } {
    const sorted = this.keys.subarray(0, this.size).sort();
    if (this.distinct.length < sorted.length) {
      this.distinct = new Int32Array(this.keys.length);
      this.tally = new Int32Array(this.keys.length);
    }
    const keys = this.distinct;
    const counts = this.tally;
    let n = -1;
    for (let i = 0; i < sorted.length; i++) {
      const k = sorted[i]!;
      if (n >= 0 && keys[n] === k) counts[n]! += 1;
      else {
        n += 1;
        keys[n] = k;
        counts[n] = 1;
      }
    }
    return { keys: keys.subarray(0, n + 1), counts: counts.subarray(0, n + 1) };
  }
}

const tokenizer = new AggressiveTokenizer();
const stemCache = new Map<string, string>();

function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = PorterStemmer.stem(word);
    if (stemCache.size > 50_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

const HAN_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/g;
const DIGIT = /\d/;
const ALL_DIGITS = /^\d+$/;

function isEmojiLike(c: number): boolean {
  return (c >= 0x1f000 && c <= 0x1faff) || (c >= 0x2600 && c <= 0x27bf) || (c >= 0x2b00 && c <= 0x2bff);
}

function addCharNgrams(bag: FeatureBag, seed: number, s: string, min: number, max: number): void {
  for (let i = 0; i < s.length; i++) {
    let h = seed;
    for (let k = 0; k < max && i + k < s.length; k++) {
      h ^= s.charCodeAt(i + k);
      h = Math.imul(h, 0x01000193);
      if (k + 1 >= min) bag.add(h, CHAR_BLOCK);
    }
  }
}

/** Shape of a token that carries digits: ids and numbers group by shape, short numbers stay words. */
function numberShape(token: string): string {
  if (ALL_DIGITS.test(token)) {
    if (token.length >= 11) return 'num:long';
    if (token.length >= 6) return 'num:mid';
    return `num:${token.length}`;
  }
  let digits = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += 1;
  }
  return digits >= 4 ? 'num:id' : 'num:mixed';
}

function addSignals(bag: FeatureBag, stretch: string): void {
  let bangs = 0;
  let questions = 0;
  for (const ch of stretch) {
    const c = ch.codePointAt(0)!;
    if (c === 33) {
      bangs += 1;
      if (bangs === 1) bag.add(hashString(SEED_SIGNAL, '!'), WORD_BLOCK);
      else if (bangs === 2) bag.add(hashString(SEED_SIGNAL, '!!'), WORD_BLOCK);
    } else if (c === 63) {
      questions += 1;
      if (questions === 1) bag.add(hashString(SEED_SIGNAL, '?'), WORD_BLOCK);
      else if (questions === 2) bag.add(hashString(SEED_SIGNAL, '??'), WORD_BLOCK);
    } else {
      if (c !== 32) {
        bangs = 0;
        questions = 0;
      }
      if (isEmojiLike(c)) {
        bag.add(hashString(SEED_SIGNAL, 'emoji'), WORD_BLOCK);
        bag.add(hashString(SEED_SIGNAL, ch), WORD_BLOCK);
      } else if (c === 64) bag.add(hashString(SEED_SIGNAL, '@'), WORD_BLOCK);
    }
  }
}

/** Adds the features of `text` (already normalised and lower-cased) to `bag`. */
export function extractFeatures(text: string, config: FeatureConfig, bag: FeatureBag): void {
  if (config.concepts) {
    for (const c of conceptsOf(text)) bag.add(hashString(SEED_CONCEPT, c), WORD_BLOCK);
  }
  const words: string[] = [];
  let lastWord: string | undefined;
  let beforeLast: string | undefined;
  const pushWord = (w: string | undefined): void => {
    if (w === undefined) {
      lastWord = undefined;
      beforeLast = undefined;
      return;
    }
    words.push(w);
    if (lastWord !== undefined) {
      const h = hashString(hashString(SEED_BIGRAM, lastWord) ^ 0x20, w);
      if (config.wordBigrams) bag.add(h, WORD_BLOCK);
      if (config.wordTrigrams && beforeLast !== undefined) {
        bag.add(hashString(hashString(SEED_BIGRAM, beforeLast) ^ 0x21, `${lastWord} ${w}`), WORD_BLOCK);
      }
    }
    if (config.skipBigrams && beforeLast !== undefined) {
      bag.add(hashString(hashString(SEED_BIGRAM, beforeLast) ^ 0x22, w), WORD_BLOCK);
    }
    beforeLast = lastWord;
    lastWord = w;
  };

  const latinStretch = (stretch: string): void => {
    if (stretch.length === 0) return;
    addSignals(bag, stretch);
    const tokens = tokenizer.tokenize(stretch);
    if (tokens.length === 0 && /[.,;:!?]/.test(stretch)) pushWord(undefined);
    const plain: string[] = [];
    for (const raw of tokens) {
      const token = raw.replace(/'/g, '');
      if (token.length === 0) continue;
      if (DIGIT.test(token)) {
        const shape = numberShape(token);
        bag.add(hashString(SEED_WORD, shape), WORD_BLOCK);
        if (shape === 'num:id' || shape === 'num:long' || shape === 'num:mid') {
          pushWord(shape);
          continue;
        }
      }
      const s = stem(token);
      bag.add(hashString(SEED_WORD, s), WORD_BLOCK);
      pushWord(s);
      if (config.crossWord) plain.push(token);
      else addCharNgrams(bag, SEED_CHAR, ` ${token} `, config.charMin, config.charMax);
    }
    if (plain.length > 0)
      addCharNgrams(bag, SEED_CHAR, ` ${plain.join(' ')} `, config.charMin, config.charMax);
  };

  let cursor = 0;
  HAN_RUN.lastIndex = 0;
  for (let m = HAN_RUN.exec(text); m !== null; m = HAN_RUN.exec(text)) {
    latinStretch(text.slice(cursor, m.index));
    const run = m[0];
    for (const w of segmentHan(run, config.segmenter)) {
      if (w.length >= 2) bag.add(hashString(SEED_WORD, w), WORD_BLOCK);
      pushWord(w);
    }
    addCharNgrams(bag, SEED_HAN, ` ${run} `, 1, config.hanMax);
    cursor = m.index + run.length;
  }
  latinStretch(text.slice(cursor));

  const n = words.length;
  const bucket =
    n === 0
      ? 'len:0'
      : n === 1
        ? 'len:1'
        : n === 2
          ? 'len:2'
          : n <= 5
            ? 'len:5'
            : n <= 12
              ? 'len:12'
              : 'len:more';
  bag.add(hashString(SEED_SIGNAL, bucket), WORD_BLOCK);
}

/** Block of a hashed key: 0 words and signals, 1 character n-grams. */
export function blockOf(key: number): number {
  return key & 1;
}
